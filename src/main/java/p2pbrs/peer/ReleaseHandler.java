package p2pbrs.peer;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.PeerRequests;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Signatures;
import p2pbrs.protocol.Tickets;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;

/**
 * RELEASE, from the server this peer registered with: forget the chunks an owner stored
 * here for one version, and delete every chunk file no other version (of any owner) still
 * uses. A peer obeys only its own server: the request must come from the server's address
 * and carry a valid signature with the key the two share, before its time runs out.
 * Releasing twice changes nothing, so a retransmission is harmless.
 */
final class ReleaseHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseHandler.class);

    private final InetSocketAddress server;
    private final Supplier<String> ticketKey;
    private final Supplier<String> cluster;
    private final ChunkIndex index;
    private final ChunkDeleter chunks;

    ReleaseHandler(InetSocketAddress server, Supplier<String> ticketKey, Supplier<String> cluster, ChunkIndex index,
                   ChunkStore store) {
        this.server = server;
        this.ticketKey = ticketKey;
        this.cluster = cluster;
        this.index = index;
        this.chunks = new ChunkDeleter(index, store);
    }

    /** The reply to a RELEASE from this address. */
    Message handle(Message request, InetSocketAddress from) throws MalformedMessageException {
        String rq = request.rq();
        String key = ticketKey.get();
        if (!server.equals(from) || key == null
                || !Signatures.verify(HexFormat.of().parseHex(key), request)) {
            return Message.of(Command.RELEASE_DENIED, rq, Reason.BAD_AUTH);
        }
        PeerRequest.Release req = PeerRequests.release(request);
        String wireName = req.file().wire();
        String name = req.file().name();
        int version = req.version();
        if (!req.cluster().equals(cluster.get())) {
            // A server of another cluster (a fresh or swapped database) is not the one whose
            // placements put these chunks here: it decides nothing about them.
            return Message.of(Command.RELEASE_DENIED, rq, Reason.WRONG_CLUSTER);
        }
        if (req.expires() + Tickets.GRACE_SECONDS < System.currentTimeMillis() / 1000) {
            return Message.of(Command.RELEASE_DENIED, rq, Reason.TICKET_EXPIRED);
        }
        List<IndexedChunk> released = index.release(req.owner(), name, version);
        int deleted = chunks.deleteUnused(released);
        LOG.info("released {} chunk(s) of {} v{}, deleted {} file(s)", released.size(), name, version, deleted);
        return Message.of(Command.RELEASED, rq, wireName).withOption("chunks", Integer.toString(released.size()));
    }
}
