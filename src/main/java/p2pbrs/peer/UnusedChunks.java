package p2pbrs.peer;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;

/**
 * Deletes a chunk file once no index row uses it (several rows, of any owners, may share
 * one file), under the file's lock, so that a chunk being stored again at the same moment
 * is never deleted under it.
 */
final class UnusedChunks {
    private static final Logger LOG = LoggerFactory.getLogger(UnusedChunks.class);

    private final ChunkIndex index;
    private final ChunkStore store;
    private final LooseChunks loose;

    UnusedChunks(ChunkIndex index, ChunkStore store, LooseChunks loose) {
        this.index = index;
        this.store = store;
        this.loose = loose;
    }

    /**
     * Deletes the files of index rows just released that nothing uses any more, each file
     * once however many of the rows shared it; returns how many files went.
     */
    int deleteUnused(Collection<IndexedChunk> released) {
        Set<String> checksums = new LinkedHashSet<>();
        released.forEach(c -> checksums.add(c.checksum()));
        int deleted = 0;
        for (String checksum : checksums) {
            if (deleteIfUnused(checksum)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Deletes the file when nothing uses it; returns whether it did. */
    boolean deleteIfUnused(String checksum) {
        Lock lock = store.lockOf(checksum);
        lock.lock();
        try {
            if (index.referenced(checksum)) {
                return false;
            }
            store.delete(checksum);
            loose.remove(checksum);
            return true;
        } catch (IOException e) {
            // The rows are gone: the file is left loose, and the next start finds it.
            LOG.warn("could not delete chunk file {}: {}", checksum, e.toString());
            return false;
        } finally {
            lock.unlock();
        }
    }
}
