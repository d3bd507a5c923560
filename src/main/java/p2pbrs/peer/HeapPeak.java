package p2pbrs.peer;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most heap this process has held at once. Between two collections the heap only
 * grows, so its peak comes just before a collection (each one tells its listeners what the
 * heap held before it) or now. The heap pools' own peaks, added up, would overstate it: the
 * young pools are full just before a collection and the old one long after, never all at
 * once, and their sum can pass -Xmx.
 */
final class HeapPeak {
    private static final AtomicBoolean watching = new AtomicBoolean();
    private static final AtomicLong beforeCollections = new AtomicLong();

    private HeapPeak() {
    }

    /** Starts listening to the collections (once per process; later calls do nothing). */
    static void watch() {
        if (!watching.compareAndSet(false, true)) {
            return;
        }
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, unused) -> collected(n, heapPools), null, null);
            }
        }
    }

    private static void collected(Notification n, Set<String> heapPools) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long held = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                held += pool.getValue().getUsed();
            }
        }
        beforeCollections.accumulateAndGet(held, Math::max);
    }

    /** The peak in bytes: the most held before a collection since {@link #watch}, or now if more. */
    static long peak() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return Math.max(now, beforeCollections.get());
    }
}
