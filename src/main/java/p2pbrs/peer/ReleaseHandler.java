package p2pbrs.peer;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.PeerRequests;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;

/**
 * RELEASE, from the server this peer registered with: forget the chunks an owner stored
 * here for one version, and delete every chunk file no other version (of any owner) still
 * uses. A peer obeys only its own server ({@link ServerOrders}): the request must come from
 * the server's address and carry a valid signature with the key the two share, before its
 * time runs out. Releasing twice changes nothing, so a retransmission is harmless.
 */
final class ReleaseHandler extends CheckedOrder<PeerRequest.Release> {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseHandler.class);

    private final ChunkIndex index;
    private final UnusedChunks unused;

    ReleaseHandler(ServerOrders orders, ChunkIndex index, UnusedChunks unused) {
        super(orders, Command.RELEASE_DENIED);
        this.index = index;
        this.unused = unused;
    }

    @Override
    PeerRequest.Release decode(Message request) throws MalformedMessageException {
        return PeerRequests.release(request);
    }

    @Override
    Message obey(PeerRequest.Release req, String rq) {
        String name = req.file().name();
        int version = req.version();
        List<IndexedChunk> released = index.release(req.owner(), name, version);
        int deleted = unused.deleteUnused(released);
        LOG.info("released {} chunk(s) of {} v{}, deleted {} file(s)", released.size(), name, version, deleted);
        return Message.of(Command.RELEASED, rq, req.file().wire())
                .withOption("chunks", Integer.toString(released.size()));
    }
}
