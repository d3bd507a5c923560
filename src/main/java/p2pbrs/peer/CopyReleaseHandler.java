package p2pbrs.peer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.PeerRequests;
import p2pbrs.store.ChunkIndex;

/**
 * RELEASE_COPY, from the server this peer registered with: drop this peer's copy of one
 * chunk that has more copies elsewhere than its version wants (typically this peer came
 * back after being DEAD, and repair had copied its chunks meanwhile). The index row goes,
 * and the file with it unless another row uses it. Releasing twice changes nothing.
 */
final class CopyReleaseHandler extends CheckedOrder<PeerRequest.ReleaseCopy> {
    private static final Logger LOG = LoggerFactory.getLogger(CopyReleaseHandler.class);

    private final ChunkIndex index;
    private final UnusedChunks unused;

    CopyReleaseHandler(ServerOrders orders, ChunkIndex index, UnusedChunks unused) {
        super(orders, Command.RELEASE_DENIED);
        this.index = index;
        this.unused = unused;
    }

    @Override
    PeerRequest.ReleaseCopy decode(Message request) throws MalformedMessageException {
        return PeerRequests.releaseCopy(request);
    }

    @Override
    Message obey(PeerRequest.ReleaseCopy req, String rq) {
        index.remove(req.owner(), req.file().name(), req.version(), req.chunk()).ifPresent(row -> {
            boolean deleted = unused.deleteIfUnused(row.checksum());
            LOG.info("released a surplus copy of chunk {} of {} v{}{}", req.chunk(), req.file().name(), req.version(),
                    deleted ? "" : " (its file is still used)");
        });
        return Message.of(Command.COPY_RELEASED, rq, req.file().wire(), Integer.toString(req.chunk()));
    }
}
