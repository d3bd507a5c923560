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

    LIST("LIST", Kind.REQUEST),
    LIST_OK("LIST_OK", Kind.REPLY, "Peer_List"),
    LIST_DENIED("LIST-DENIED", Kind.REPLY, "Reason"),

    ERROR("ERROR", Kind.REPLY, "Reason");

    /** Whether a message asks for something or answers a request. */
    public enum Kind { REQUEST, REPLY }

    private static final Map<String, Command> BY_WIRE_NAME = new HashMap<>();

    static {
        for (Command c : values()) {
            BY_WIRE_NAME.put(c.wireName, c);
        }
    }

    private final String wireName;
    private final Kind kind;
    private final List<String> fields;

    Command(String wireName, Kind kind, String... fields) {
        this.wireName = wireName;
        this.kind = kind;
        this.fields = List.of(fields);
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
