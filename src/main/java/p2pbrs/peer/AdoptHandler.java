package p2pbrs.peer;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.PeerRequests;
import p2pbrs.protocol.Reason;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;

/**
 * ADOPT, from the server this peer registered with, after its inventory: index a chunk file
 * this peer holds as one chunk of an owner's version (what an index row holds comes with
 * the request, since a chunk file names only its bytes). Only a whole file is indexed: one
 * of the right size whose bytes hash to its name. A loose file was hashed when the peer
 * started; any other is hashed now, even one already indexed: the server asks only when it
 * counts no good copy here, perhaps because an owner found this one rotten, and an
 * adopted copy is a verified one. Adopting a chunk already indexed changes nothing else, so
 * a retransmission is harmless. Adoptions are rare (a lost database, a lost STORE_ACK):
 * hashing them costs little.
 */
final class AdoptHandler extends CheckedOrder<PeerRequest.Adopt> {
    private static final Logger LOG = LoggerFactory.getLogger(AdoptHandler.class);

    private final ChunkIndex index;
    private final ChunkStore store;
    private final LooseChunks loose;

    AdoptHandler(ServerOrders orders, ChunkIndex index, ChunkStore store, LooseChunks loose) {
        super(orders, Command.ADOPT_DENIED);
        this.index = index;
        this.store = store;
        this.loose = loose;
    }

    @Override
    PeerRequest.Adopt decode(Message request) throws MalformedMessageException {
        return PeerRequests.adopt(request);
    }

    @Override
    Message obey(PeerRequest.Adopt req, String rq) {
        Lock lock = store.lockOf(req.checksum());
        lock.lock();
        try {
            Optional<IndexedChunk> row = index.find(req.owner(), req.file().name(), req.version(), req.chunk());
            if (row.isPresent() && !row.get().checksum().equals(req.checksum())) {
                // Other bytes under that chunk are not this peer's to replace at the server's word.
                return refuse(rq, Reason.CHECKSUM_MISMATCH);
            }
            if (!store.has(req.checksum(), req.size())) {
                return refuse(rq, Reason.NOT_FOUND);
            }
            if (!loose.contains(req.checksum())
                    && !ChunkStore.hashesTo(store.pathOf(req.checksum()), req.checksum())) {
                // Left for the scrub, which deletes it and reports every row that used it.
                LOG.warn("chunk file {} does not hash to its name; not adopting it", req.checksum());
                return refuse(rq, Reason.CHECKSUM_MISMATCH);
            }
            if (row.isPresent()) {
                return adopted(rq, req);
            }
            index.put(new IndexedChunk(req.owner(), req.file().name(), req.version(), req.chunk(), req.size(),
                    req.checksum(), req.fileSize(), req.chunkCount(), ChunkStore.relativePath(req.checksum())));
            loose.remove(req.checksum());
            return adopted(rq, req);
        } catch (IOException e) {
            LOG.warn("cannot read chunk file {}: {}", req.checksum(), e.toString());
            return refuse(rq, Reason.NOT_FOUND);
        } finally {
            lock.unlock();
        }
    }

    private static Message adopted(String rq, PeerRequest.Adopt req) {
        return Message.of(Command.ADOPTED, rq, req.file().wire(), Integer.toString(req.chunk()));
    }
}
