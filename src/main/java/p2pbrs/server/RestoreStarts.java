package p2pbrs.server;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each restore under way began (its first plan page), so that the run its owner
 * reports at the end has a start and a rate. Kept in memory only: a restore's pages are
 * reads, and writing on each would make every restore a write; after a server restart the
 * start of a restore begun before is unknown. Bounded, oldest forgotten first, since an
 * owner may ask for plans and never report.
 */
final class RestoreStarts {
    private static final int MAX = 4096;

    private final Map<Long, OffsetDateTime> started = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, OffsetDateTime> eldest) {
            return size() > MAX;
        }
    };

    /** A restore of this version began (again: a new start replaces an old one). */
    synchronized void begun(long versionId, OffsetDateTime at) {
        started.remove(versionId);
        started.put(versionId, at);
    }

    /** When the restore of this version began, forgotten now that it has ended; null if unknown. */
    synchronized OffsetDateTime take(long versionId) {
        return started.remove(versionId);
    }
}
