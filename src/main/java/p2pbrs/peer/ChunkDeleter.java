package p2pbrs.peer;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;

/**
 * Deletes the chunk files of index rows just released, each unless another row (another
 * version, another owner) still uses it: identical chunks are stored once.
 */
final class ChunkDeleter {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkDeleter.class);

    private final ChunkIndex index;
    private final ChunkStore store;

    ChunkDeleter(ChunkIndex index, ChunkStore store) {
        this.index = index;
        this.store = store;
    }

    /** Deletes what nothing uses any more of these released rows' files; returns how many files. */
    int deleteUnused(List<IndexedChunk> released) {
        Set<String> checksums = new LinkedHashSet<>();
        released.forEach(c -> checksums.add(c.checksum()));
        int deleted = 0;
        for (IndexedChunk chunk : released) {
            if (checksums.remove(chunk.checksum()) && deleteIfUnused(chunk)) {
                deleted++;
            }
        }
        return deleted;
    }

    private boolean deleteIfUnused(IndexedChunk chunk) {
        Lock lock = store.lockOf(chunk.checksum());
        lock.lock();
        try {
            if (index.referenced(chunk.checksum())) {
                return false;
            }
            store.delete(chunk.checksum(), chunk.size());
            return true;
        } catch (IOException e) {
            // The row is gone: the file is an orphan, which start-up accounting no longer counts.
            LOG.warn("could not delete chunk file {}: {}", chunk.checksum(), e.toString());
            return false;
        } finally {
            lock.unlock();
        }
    }
}
