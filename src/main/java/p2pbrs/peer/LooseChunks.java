package p2pbrs.peer;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chunk files a storage peer holds, has verified (they hash to their name), and has no
 * index row for: its database is new, or older than its storage folder. They are listed
 * as loose in its inventory; the server has each either adopted (indexed again for the
 * placements that need it) or released. Their bytes count in the peer's used space.
 */
final class LooseChunks {
    private final Map<String, Long> sizes = new ConcurrentHashMap<>();

    void add(String checksum, long size) {
        sizes.put(checksum, size);
    }

    boolean contains(String checksum) {
        return sizes.containsKey(checksum);
    }

    void remove(String checksum) {
        sizes.remove(checksum);
    }

    /** The checksums, sorted. */
    Set<String> checksums() {
        return new TreeSet<>(sizes.keySet());
    }

    int count() {
        return sizes.size();
    }
}
