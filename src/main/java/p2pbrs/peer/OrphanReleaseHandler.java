package p2pbrs.peer;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.PeerRequests;
import p2pbrs.store.ChunkIndex;

/**
 * RELEASE_ORPHAN, from the server this peer registered with: a checksum this peer's
 * inventory listed that no placement needs (a chunk whose STORE_ACK never reached the
 * server, the leftover of an expired backup, a loose file nobody claims). Only the index
 * rows stored before the inventory's scan began go, never one stored since (a new backup
 * may have placed the same bytes here meanwhile); the file goes when no row is left.
 * Releasing twice changes nothing.
 */
final class OrphanReleaseHandler extends CheckedOrder<PeerRequest.ReleaseOrphan> {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanReleaseHandler.class);

    private final ChunkIndex index;
    private final ChunkStore store;
    private final UnusedChunks unused;

    OrphanReleaseHandler(ServerOrders orders, ChunkIndex index, ChunkStore store, UnusedChunks unused) {
        super(orders, Command.RELEASE_DENIED);
        this.index = index;
        this.store = store;
        this.unused = unused;
    }

    @Override
    PeerRequest.ReleaseOrphan decode(Message request) throws MalformedMessageException {
        return PeerRequests.releaseOrphan(request);
    }

    @Override
    Message obey(PeerRequest.ReleaseOrphan req, String rq) {
        int rows;
        boolean deleted;
        // Under the file's lock: a chunk of these bytes being stored now keeps its row and its file.
        Lock lock = store.lockOf(req.checksum());
        lock.lock();
        try {
            rows = index.removeChecksum(req.checksum(),
                    OffsetDateTime.ofInstant(Instant.ofEpochMilli(req.before()), ZoneOffset.UTC));
            deleted = unused.deleteIfUnused(req.checksum());
        } finally {
            lock.unlock();
        }
        LOG.info("released orphan chunk {}: {} index row(s){}", req.checksum(), rows, deleted ? ", file deleted" : "");
        return Message.of(Command.ORPHAN_RELEASED, rq, req.checksum()).withOption("rows", Integer.toString(rows));
    }
}
