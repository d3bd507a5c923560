package p2pbrs.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the socket of a write that is overdue, for every {@link PacedOutput} of the
 * process, on one thread. A write arms its watch once per call and moves its deadline
 * with a plain volatile write per slice: a timer task scheduled and cancelled for every
 * 8 KiB slice cost as much CPU as the bytes' trip through loopback (measured: 0.3 s per
 * GiB more than the writes themselves), and woke the timer thread every time.
 *
 * <p>The thread sleeps until the earliest deadline of the writes armed, or until a write
 * armed with an earlier one wakes it. Deadlines of one write only move later from slice
 * to slice (the idle time restarts, the minimum rate allows more), so slices never need
 * to wake it; when it finds a deadline moved, it sleeps again until the new one.
 */
final class WriteWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(WriteWatchdog.class);
    /** One write under way: its deadline (System.nanoTime()), and what to do when it passes. */
    static final class Watch {
        private final Runnable onOverdue;
        private volatile long due;
        private volatile boolean fired;

        Watch(Runnable onOverdue) {
            this.onOverdue = onOverdue;
        }

        /** Moves the deadline of the write under way (later, or the same). */
        void due(long nanos) {
            due = nanos;
        }

        /** Whether the deadline passed and the socket was closed. */
        boolean fired() {
            return fired;
        }
    }

    static final WriteWatchdog INSTANCE = new WriteWatchdog();

    private final Set<Watch> armed = ConcurrentHashMap.newKeySet();
    private final Thread thread = DaemonThreads.named(this::run, "chunk-write-watchdog");
    // When the thread next looks (System.nanoTime()); Long.MAX_VALUE while it waits for work.
    private volatile long nextLook = Long.MAX_VALUE;

    private WriteWatchdog() {
        thread.start();
    }

    /** Starts watching a write due by {@code due}. */
    void arm(Watch watch, long due) {
        watch.due(due);
        armed.add(watch);
        long look = nextLook;
        if (look == Long.MAX_VALUE || due - look < 0) {
            LockSupport.unpark(thread);
        }
    }

    /** Whether a write of this watch is under way (for tests). */
    boolean isArmed(Watch watch) {
        return armed.contains(watch);
    }

    /** Stops watching it (the write returned, or failed). */
    void disarm(Watch watch) {
        armed.remove(watch);
    }

    // The only thread that cuts stalled writes in this process: nothing one write does may stop it.
    private static void fire(Watch w) {
        try {
            w.onOverdue.run();
        } catch (RuntimeException e) {
            LOG.error("closing an overdue chunk connection failed", e);
        }
    }

    private void run() {
        while (true) {
            long now = System.nanoTime();
            long earliest = Long.MAX_VALUE;
            for (Watch w : armed) {
                long due = w.due;
                if (due - now <= 0) {
                    armed.remove(w);
                    w.fired = true;
                    fire(w);
                } else if (earliest == Long.MAX_VALUE || due - earliest < 0) {
                    earliest = due;
                }
            }
            nextLook = earliest;
            // A write armed between the scan and this line has unparked the thread already
            // if its deadline is earlier: park returns at once then.
            if (earliest == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, earliest - System.nanoTime());
            }
        }
    }
}
