package p2pbrs.protocol;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every message of the UDP protocol, with its positional fields in wire order.
 * docs/protocol.md describes each one field by field; this enum is its twin in code.
 */
public enum Command {
    REGISTER("REGISTER", Kind.REQUEST, "Name", "Role", "IP", "UDP_Port", "TCP_Port", "Capacity"),
    REGISTERED("REGISTERED", Kind.REPLY),
    REGISTER_DENIED("REGISTER-DENIED", Kind.REPLY, "Reason"),

    DE_REGISTER("DE-REGISTER", Kind.REQUEST, "Name"),
    DE_REGISTERED("DE-REGISTERED", Kind.REPLY),
    DE_REGISTER_DENIED("DE-REGISTER-DENIED", Kind.REPLY, "Reason"),
    // A storage peer holding copies others need leaves only once they are made elsewhere.
    DECOMMISSIONING("DECOMMISSIONING", Kind.REPLY, "Copies_Left"),

    // Liveness (course section 2.5): every registered peer, every --heartbeat-interval.
    HEARTBEAT("HEARTBEAT", Kind.REQUEST, "Name", "Number_Chunks", "Timestamp"),
    // From a storage peer after each registration: the checksums of every chunk it holds, paged.
    INVENTORY("INVENTORY", Kind.REQUEST, "Name", "Chunk_List"),

    // From the operator's `invite` command, on the server's machine.
    INVITE("INVITE", Kind.REQUEST, "Role", "Expires"),
    INVITED("INVITED", Kind.REPLY),
    INVITE_DENIED("INVITE-DENIED", Kind.REPLY, "Reason"),
    // From the operator's `fsck` command, on the server's machine.
    FSCK("FSCK", Kind.REQUEST),
    FSCK_OK("FSCK_OK", Kind.REPLY, "At_Risk"),
    FSCK_DENIED("FSCK-DENIED", Kind.REPLY, "Reason"),

    LIST("LIST", Kind.REQUEST),
    LIST_OK("LIST_OK", Kind.REPLY, "Peer_List"),
    LIST_DENIED("LIST-DENIED", Kind.REPLY, "Reason"),

    BACKUP_REQ("BACKUP_REQ", Kind.REQUEST, "File_Name", "File_Size", "Checksum"),
    BACKUP_PLAN("BACKUP_PLAN", Kind.REPLY, "File_Name", "Peer_List", "Chunk_Size"),
    BACKUP_DENIED("BACKUP-DENIED", Kind.REPLY, "Reason"),

    CHUNK_SUMS("CHUNK_SUMS", Kind.REQUEST, "File_Name"),
    STORE_ACK("STORE_ACK", Kind.REQUEST, "File_Name", "Chunk_ID"),
    // A chunk its planned storage peer failed to take: another peer for it, with a ticket.
    SUBSTITUTE_REQ("SUBSTITUTE_REQ", Kind.REQUEST, "File_Name", "Chunk_ID", "Failed_Peer"),
    SUBSTITUTE_OK("SUBSTITUTE_OK", Kind.REPLY, "File_Name", "Chunk_ID", "Peer"),
    SUBSTITUTE_DENIED("SUBSTITUTE-DENIED", Kind.REPLY, "Reason"),
    // A copy found bad: by its holder's scrub (owner=, version=) or by its owner's restore (version=, holder=).
    CHUNK_BAD("CHUNK_BAD", Kind.REQUEST, "File_Name", "Chunk_ID"),

    BACKUP_DONE("BACKUP_DONE", Kind.REQUEST, "File_Name"),
    BACKUP_COMPLETE("BACKUP_COMPLETE", Kind.REPLY, "File_Name"),
    BACKUP_DONE_DENIED("BACKUP_DONE-DENIED", Kind.REPLY, "Reason"),

    RESTORE_REQ("RESTORE_REQ", Kind.REQUEST, "File_Name"),
    RESTORE_PLAN("RESTORE_PLAN", Kind.REPLY, "File_Name", "Peer_List"),
    RESTORE_DENIED("RESTORE-DENIED", Kind.REPLY, "Reason"),
    RESTORE_OK("RESTORE_OK", Kind.REQUEST, "File_Name"),
    RESTORE_FAIL("RESTORE_FAIL", Kind.REQUEST, "File_Name", "Reason"),

    FILES("FILES", Kind.REQUEST),
    FILES_OK("FILES_OK", Kind.REPLY, "File_List"),
    FILES_DENIED("FILES-DENIED", Kind.REPLY, "Reason"),

    FORGET("FORGET", Kind.REQUEST, "File_Name"),
    FORGOTTEN("FORGOTTEN", Kind.REPLY, "File_Name"),
    FORGET_DENIED("FORGET-DENIED", Kind.REPLY, "Reason"),

    // From the server to a storage peer, signed with the key they share.
    REPLICATE_REQ("REPLICATE_REQ", Kind.REQUEST, "File_Name", "Chunk_ID", "Target_Peer"),
    REPLICATED("REPLICATED", Kind.REPLY, "File_Name", "Chunk_ID"),
    REPLICATE_DENIED("REPLICATE-DENIED", Kind.REPLY, "Reason"),
    RELEASE("RELEASE", Kind.REQUEST, "File_Name"),
    RELEASED("RELEASED", Kind.REPLY, "File_Name"),
    RELEASE_DENIED("RELEASE-DENIED", Kind.REPLY, "Reason"),
    // Reconciliation (after an INVENTORY, or a chunk with surplus copies): one chunk at a time.
    ADOPT("ADOPT", Kind.REQUEST, "File_Name", "Chunk_ID"),
    ADOPTED("ADOPTED", Kind.REPLY, "File_Name", "Chunk_ID"),
    ADOPT_DENIED("ADOPT-DENIED", Kind.REPLY, "Reason"),
    RELEASE_COPY("RELEASE_COPY", Kind.REQUEST, "File_Name", "Chunk_ID"),
    COPY_RELEASED("COPY_RELEASED", Kind.REPLY, "File_Name", "Chunk_ID"),
    RELEASE_ORPHAN("RELEASE_ORPHAN", Kind.REQUEST, "Checksum"),
    ORPHAN_RELEASED("ORPHAN_RELEASED", Kind.REPLY, "Checksum"),

    /** The acknowledgement of a notification (STORE_ACK, CHUNK_SUMS, CHUNK_BAD, RESTORE_OK, RESTORE_FAIL, INVENTORY). */
    ACK("ACK", Kind.REPLY),
    ACK_DENIED("ACK-DENIED", Kind.REPLY, "Reason"),

    // Over TCP, owner <-> storage peer: a header line, then the bytes it announces.
    SEND_CHUNK("SEND_CHUNK", Kind.REQUEST, Transport.TCP, "File_Name", "Chunk_ID", "Chunk_Size", "Checksum"),
    CHUNK_OK("CHUNK_OK", Kind.REPLY, Transport.TCP, "File_Name", "Chunk_ID"),
    CHUNK_ERROR("CHUNK_ERROR", Kind.REPLY, Transport.TCP, "File_Name", "Chunk_ID", "Reason"),
    GET_CHUNK("GET_CHUNK", Kind.REQUEST, Transport.TCP, "File_Name", "Chunk_ID"),
    CHUNK_DATA("CHUNK_DATA", Kind.REPLY, Transport.TCP, "File_Name", "Chunk_ID", "Chunk_Size", "Checksum"),

    ERROR("ERROR", Kind.REPLY, "Reason");

    /** Whether a message asks for something or answers a request. */
    public enum Kind { REQUEST, REPLY }

    /** Where a message travels: UDP datagrams (peer and server) or TCP header lines (peer and peer). */
    public enum Transport { UDP, TCP }

    private static final Map<String, Command> BY_WIRE_NAME = new HashMap<>();

    static {
        for (Command c : values()) {
            BY_WIRE_NAME.put(c.wireName, c);
        }
    }

    private final String wireName;
    private final Kind kind;
    private final Transport transport;
    private final List<String> fields;

    Command(String wireName, Kind kind, String... fields) {
        this(wireName, kind, Transport.UDP, fields);
    }

    Command(String wireName, Kind kind, Transport transport, String... fields) {
        this.wireName = wireName;
        this.kind = kind;
        this.transport = transport;
        this.fields = List.of(fields);
    }

    public Transport transport() {
        return transport;
    }

    public String wireName() {
        return wireName;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isReply() {
        return kind == Kind.REPLY;
    }

    /** Names of the positional fields after RQ#, in order. */
    public List<String> fields() {
        return fields;
    }

    public int arity() {
        return fields.size();
    }

    /** The command with this exact (case-sensitive) wire name, or null. */
    public static Command fromWire(String wireName) {
        return BY_WIRE_NAME.get(wireName);
    }
}
