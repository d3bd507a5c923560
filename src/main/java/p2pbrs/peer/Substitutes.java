package p2pbrs.peer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Reason;
import p2pbrs.transport.TransferLimits;

/**
 * Another home for a copy its planned storage peer failed to take during a backup: asks
 * the server for a substitute (SUBSTITUTE_REQ) and sends the chunk there with the repair
 * ticket it gives, trying a few in turn, each naming the one that failed before it. It is
 * asked only once a copy has failed, so a backup in which nothing fails costs the server
 * nothing more. One per sending thread: it keeps a connection to each substitute it used,
 * since the chunks of one dead peer tend to go to the same few.
 */
final class Substitutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Substitutes.class);
    /** Substitutes tried for one copy before it is given up (the server allows fewer still). */
    static final int MAX_TRIES = 3;
    // A refusal for which the peer, not the chunk or its plan, is to blame: another peer may
    // well take the chunk. (Ticket-expired, Not-planned or Too-large would recur anywhere.)
    private static final Set<String> PEER_FAULTS = Set.of(Reason.NO_SPACE, Reason.STORAGE_FAILED,
            Reason.NOT_STORAGE, Reason.BUSY, Reason.BAD_TICKET, Reason.INCOMPLETE_DATA, Reason.CHECKSUM_MISMATCH);

    private final Registration registration;
    private final String owner;
    private final TransferLimits limits;
    private final String wireName;
    // The version's chunk name: what the substitute (a storage peer) is told.
    private final String chunkWire;
    private final int version;
    private final Placement placement;
    private final Map<String, ChunkClient> clients = new LinkedHashMap<>();

    Substitutes(Registration registration, String owner, TransferLimits limits, String wireName, String chunkWire,
                int version, Placement placement) {
        this.registration = registration;
        this.owner = owner;
        this.limits = limits;
        this.wireName = wireName;
        this.chunkWire = chunkWire;
        this.version = version;
        this.placement = placement;
    }

    /** Whether a peer's CHUNK_ERROR is its own fault, so that a substitute is worth asking for. */
    static boolean peersFault(Message chunkError) {
        return PEER_FAULTS.contains(chunkError.field(2));
    }

    /** Stores the chunk on a substitute for failedPeer; true once one answered CHUNK_OK. */
    boolean store(int idx, byte[] data, int length, String checksum, String failedPeer) {
        String failed = failedPeer;
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            PlanPeer target;
            long expires;
            try {
                Message reply = registration.link().call(registration.signed(Message.of(Command.SUBSTITUTE_REQ,
                                registration.link().nextRq(), wireName, Integer.toString(idx), failed)
                        .withOption("version", Integer.toString(version))
                        .withOption("checksum", checksum)));
                if (reply.command() != Command.SUBSTITUTE_OK) {
                    LOG.warn("no substitute for chunk {} of {} in place of {}: {}", idx, wireName, failed,
                            Registration.reason(reply));
                    return false;
                }
                if (!wireName.equals(reply.field(0)) || !Integer.toString(idx).equals(reply.field(1))) {
                    throw new MalformedMessageException(reply.rq(), Reason.BAD_LIST, "it names another chunk");
                }
                target = PlanPeer.parse(reply.field(2), reply.rq());
                expires = Numbers.option(reply, "expires");
            } catch (PeerException | MalformedMessageException e) {
                LOG.warn("could not ask for a substitute for chunk {} of {}: {}", idx, wireName, e.getMessage());
                return false;
            }
            Message header = RepairHeader.of(registration.link().nextRq(), chunkWire, idx, length, checksum, owner,
                    version, placement.fileSize(), placement.chunkSize(), expires, target.ticket());
            if (send(target, header, data, length)) {
                LOG.info("chunk {} of {} stored on {} in place of {}", idx, wireName, target.name(), failed);
                return true;
            }
            failed = target.name();
        }
        return false;
    }

    private boolean send(PlanPeer target, Message header, byte[] data, int length) {
        // One connection per peer and address; the ticket each chunk carries is in its header.
        ChunkClient client = clients.computeIfAbsent(
                target.name() + "/" + target.ip() + "/" + target.tcpPort(),
                k -> new ChunkClient(owner, target, limits));
        try {
            Message reply = client.send(header, data, length);
            if (reply.command() == Command.CHUNK_OK) {
                return true;
            }
            LOG.warn("substitute {} refused chunk {}: {}", target.name(), header.field(1), Codec.format(reply));
        } catch (IOException e) {
            LOG.warn("sending chunk {} to substitute {} failed: {}", header.field(1), target.name(), e.toString());
        }
        return false;
    }

    @Override
    public void close() {
        clients.values().forEach(ChunkClient::close);
    }
}
