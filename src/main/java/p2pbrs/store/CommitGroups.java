package p2pbrs.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * Group commit: the work of requests that arrive together runs in one transaction, one
 * after the other on one connection, and is committed once. A commit is the dearest part
 * of a small request (H2 writes every page the transaction changed, and a page one
 * request changes is mostly one the next changes too: the request log's last leaf, the
 * version's row), so a group of ten costs little more to commit than one request.
 *
 * <p>Every caller waits until the commit that holds its work has returned, so whatever it
 * then replies is durable as before. Nobody waits for a group to fill: a thread that finds
 * no group being run runs the work queued so far itself (its own included), and what
 * arrives meanwhile forms the next group. At most {@code leaders} groups run at once.
 *
 * <p>A group either commits whole or not at all: when any of its work throws, or the
 * commit does, the group is rolled back and each of its callers runs its own work again,
 * alone, as {@link Database#transaction} runs any work (retried on a conflict). So a
 * request that fails never undoes the others' work, and none is answered for work that was
 * rolled back. Work may therefore run twice, as it already may when a conflict retries it.
 * (Not savepoints per work: on a deadlock H2 rolls back the whole transaction, savepoints
 * and all, and the works before would then be answered for nothing.)
 *
 * <p>Work that must run under an exclusive lock (placing plans: free space read and
 * reserved) names it: the group takes it before its transaction begins, as the callers of
 * {@link Database#transaction} do, and holds it until the commit, so that no other
 * placement reads the space before this group's reservations are committed. A group holds
 * at most one such lock; work naming another waits for a later group.
 */
final class CommitGroups {
    /** One caller's work, waiting for its group. */
    private static final class Pending<T> {
        final Object exclusive;
        final Function<DSLContext, T> work;
        final Thread caller = Thread.currentThread();
        // Set when a runner takes it into a group: from then on only that group ends it.
        volatile boolean taken;
        // Written before state, read after it.
        T result;
        Throwable failure;
        volatile int state = WAITING;

        Pending(Object exclusive, Function<DSLContext, T> work) {
            this.exclusive = exclusive;
            this.work = work;
        }

        @SuppressWarnings("unchecked")
        void committed(Object value) {
            result = (T) value;
            end(COMMITTED);
        }

        void failed(Throwable t) {
            failure = t;
            end(FAILED);
        }

        void end(int outcome) {
            state = outcome;
            LockSupport.unpark(caller);
        }
    }

    private static final int WAITING = 0;
    private static final int COMMITTED = 1;
    // The group was rolled back: the caller runs its work again, alone.
    private static final int ALONE = 2;
    private static final int FAILED = 3;

    private final Database database;
    private final int most;
    private final Semaphore leaders;
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();

    /**
     * @param most    the most work one group holds (a bound on how long its locks are held)
     * @param leaders how many groups may run at once, each on its own connection
     */
    CommitGroups(Database database, int most, int leaders) {
        if (most < 1 || leaders < 1) {
            throw new IllegalArgumentException("a group holds at least one request, and at least one group runs");
        }
        this.database = database;
        this.most = most;
        this.leaders = new Semaphore(leaders);
    }

    /** Runs the work in a group's transaction and returns its result once that transaction is committed. */
    <T> T run(Object exclusive, Function<DSLContext, T> work) {
        Pending<T> pending = new Pending<>(exclusive, work);
        synchronized (queue) {
            queue.addLast(pending);
        }
        boolean interrupted = false;
        while (pending.state == WAITING) {
            if (!pending.taken && leaders.tryAcquire()) {
                try {
                    lead(pending);
                } finally {
                    leaders.release();
                }
                handOff();
            } else {
                // Woken when its group ends, or when a runner stops while it is first in line.
                LockSupport.park(this);
                // The work may already be in a group: it is waited for all the same (a set
                // interrupt flag would make park return at once, and this loop spin).
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        switch (pending.state) {
            case COMMITTED:
                return pending.result;
            case FAILED:
                throw pending.failure instanceof RuntimeException r ? r : new IllegalStateException(pending.failure);
            default:
                if (exclusive == null) {
                    return database.transaction(work);
                }
                synchronized (exclusive) {
                    return database.transaction(work);
                }
        }
    }

    /**
     * Runs groups until the caller's own work has ended: a runner is never kept from its
     * own reply by work that keeps arriving.
     */
    private void lead(Pending<?> own) {
        while (own.state == WAITING) {
            List<Pending<?>> group = take();
            if (group.isEmpty()) {
                // Its own work is in another runner's group.
                return;
            }
            runGroup(group);
        }
    }

    /**
     * A runner stopped: if work is still queued, the first in line is woken to run it (or
     * another runner, already running, takes it; it too hands off when it stops). So no
     * work is left waiting without a runner.
     */
    private void handOff() {
        Pending<?> first;
        synchronized (queue) {
            first = queue.peekFirst();
        }
        if (first != null) {
            LockSupport.unpark(first.caller);
        }
    }

    /** Works waiting for a group (tests watch it). */
    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** Up to {@code most} queued works, in arrival order, naming at most one exclusive lock. */
    private List<Pending<?>> take() {
        List<Pending<?>> group = new ArrayList<>();
        Object exclusive = null;
        synchronized (queue) {
            for (Iterator<Pending<?>> it = queue.iterator(); it.hasNext() && group.size() < most; ) {
                Pending<?> p = it.next();
                if (p.exclusive != null && exclusive != null && p.exclusive != exclusive) {
                    continue;
                }
                if (p.exclusive != null) {
                    exclusive = p.exclusive;
                }
                p.taken = true;
                group.add(p);
                it.remove();
            }
        }
        return group;
    }

    private void runGroup(List<Pending<?>> group) {
        Object exclusive = group.stream().map(p -> p.exclusive).filter(e -> e != null).findFirst().orElse(null);
        try {
            if (exclusive == null) {
                commitTogether(group);
            } else {
                synchronized (exclusive) {
                    commitTogether(group);
                }
            }
        } catch (Throwable t) {
            // An error outside any work (out of memory): every caller must still hear of it.
            group.stream().filter(p -> p.state == WAITING).forEach(p -> p.failed(t));
            throw t;
        }
    }

    private void commitTogether(List<Pending<?>> group) {
        List<Object> results;
        try {
            results = database.attempt(dsl -> {
                List<Object> out = new ArrayList<>(group.size());
                for (Pending<?> p : group) {
                    out.add(p.work.apply(dsl));
                }
                return out;
            });
        } catch (RuntimeException e) {
            // Rolled back whole: each runs again alone, where its own failure stays its own.
            group.forEach(p -> p.end(ALONE));
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).committed(results.get(i));
        }
    }
}
