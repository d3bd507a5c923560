package p2pbrs.store;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A number that moves after every commit that changed who a peer is: its registration, name,
 * token or state (registered, re-bound, de-registered, leaving, ALIVE, STALE, DEAD, pruned).
 * What the server keeps in memory about a peer (the heartbeat's token lookup) is good only
 * while this number has not moved since it was read from the database.
 *
 * <p>It moves after the commit, never before: a reader takes the number before it reads the
 * database, so whatever it read before a change committed carries a number that the change
 * then moves past. Shared by every database of the JVM: a test's other servers only cost a
 * lookup more.
 */
public final class PeerChanges {
    private static final AtomicLong EPOCH = new AtomicLong();
    // Per thread: whether the transaction under way changed a peer, and how deeply transactions nest.
    private static final ThreadLocal<int[]> PENDING = ThreadLocal.withInitial(() -> new int[2]);

    private PeerChanges() {
    }

    /** The number now: read it before reading the database. */
    public static long epoch() {
        return EPOCH.get();
    }

    /** The transaction under way on this thread changes a peer (called by the store code that changes it). */
    static void changed() {
        PENDING.get()[0] = 1;
    }

    /** A transaction starts on this thread. */
    static void begin() {
        PENDING.get()[1]++;
    }

    /** The outermost transaction on this thread ended (committed or not): the number moves if it changed a peer. */
    static void end() {
        int[] pending = PENDING.get();
        if (--pending[1] == 0 && pending[0] != 0) {
            pending[0] = 0;
            EPOCH.incrementAndGet();
        }
    }
}
