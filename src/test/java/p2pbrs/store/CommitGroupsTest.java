package p2pbrs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit: requests queued together share one transaction, none is answered before
 * that transaction is committed, and one that fails leaves the others committed.
 */
@Timeout(60)
class CommitGroupsTest {
    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Database db;
    private CommitGroups groups;
    private final CountDownLatch release = new CountDownLatch(1);
    // Callers on threads of their own (the common pool may have a single thread).
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 8);
        // One group at a time, so that what queues behind a running group forms the next one.
        groups = new CommitGroups(db, 64, 1);
    }

    @AfterEach
    void close() {
        release.countDown();
        callers.shutdownNow();
        db.close();
    }

    @Test
    void aWorkThatThrowsFailsAloneAndTheRestOfItsGroupIsCommitted() throws Exception {
        CompletableFuture<String> first = blockingFirstGroup();
        int n = 6;
        int failing = 3;
        AtomicInteger[] runs = new AtomicInteger[n];
        List<CompletableFuture<String>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            runs[i] = new AtomicInteger();
            pending.add(call(dsl -> {
                runs[me].incrementAndGet();
                log(dsl, "w" + me);
                if (me == failing) {
                    throw new IllegalStateException("work " + me + " fails");
                }
                return "w" + me;
            }));
        }
        awaitQueued(n);
        release.countDown();
        assertEquals("first", first.get(30, TimeUnit.SECONDS));
        for (int i = 0; i < n; i++) {
            if (i == failing) {
                Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                        () -> pending.get(failing).get(30, TimeUnit.SECONDS));
                assertInstanceOf(IllegalStateException.class, e.getCause(), "its caller hears of its own failure");
                assertFalse(logged("w" + i), "what the failing work wrote is rolled back");
            } else {
                assertEquals("w" + i, pending.get(i).get(30, TimeUnit.SECONDS));
                assertTrue(logged("w" + i), "work " + i + " is committed although work " + failing + " failed");
            }
            // Up to the one that threw, each ran in the shared group (rolled back whole), then
            // alone; those after it only alone.
            assertEquals(i <= failing ? 2 : 1, runs[i].get(), "runs of work " + i);
        }
    }

    @Test
    void noCallerReturnsBeforeTheCommitOfItsGroup() throws Exception {
        CompletableFuture<String> first = blockingFirstGroup();
        // First in line, so its caller runs the next group: a's caller only waits in it.
        CompletableFuture<String> head = call(dsl -> {
            log(dsl, "head");
            return "head";
        });
        awaitQueued(1);
        AtomicBoolean aReturned = new AtomicBoolean();
        AtomicBoolean aSeenInside = new AtomicBoolean();
        AtomicBoolean aSeenOutside = new AtomicBoolean(true);
        AtomicBoolean aReturnedEarly = new AtomicBoolean();
        CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> {
            String r = groups.run(null, dsl -> {
                log(dsl, "a");
                return "a";
            });
            aReturned.set(true);
            return r;
        }, callers);
        awaitQueued(2);
        CompletableFuture<String> b = call(dsl -> {
            // Same transaction as a's work: its row is there, and nobody else sees it yet.
            aSeenInside.set(new RegistryTx(dsl).loggedReply("test", "a", "digest").isPresent());
            aSeenOutside.set(logged("a"));
            // Were a answered as soon as its own work ran, it would return while this runs.
            aReturnedEarly.set(waitFor(aReturned::get, 300));
            log(dsl, "b");
            return "b";
        });
        awaitQueued(3);
        release.countDown();
        assertEquals("first", first.get(30, TimeUnit.SECONDS));
        assertEquals("head", head.get(30, TimeUnit.SECONDS));
        assertEquals("a", a.get(30, TimeUnit.SECONDS));
        assertEquals("b", b.get(30, TimeUnit.SECONDS));
        assertTrue(aSeenInside.get(), "a and b ran in one transaction");
        assertFalse(aSeenOutside.get(), "a was not committed while b ran");
        assertFalse(aReturnedEarly.get(), "a was answered before its group committed");
        assertTrue(logged("a") && logged("b"));
    }

    @Test
    void aGroupHoldsTheExclusiveLockItsWorkNamesUntilItsCommit() throws Exception {
        Object lock = new Object();
        AtomicBoolean held = new AtomicBoolean();
        assertEquals("x", groups.run(lock, dsl -> {
            held.set(Thread.holdsLock(lock));
            log(dsl, "x");
            return "x";
        }));
        assertTrue(held.get(), "the work ran under the lock it named");
        assertTrue(logged("x"));
    }

    // A group of one whose work waits for the release: what queues meanwhile forms the next group.
    private CompletableFuture<String> blockingFirstGroup() {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<String> first = call(dsl -> {
            running.countDown();
            await(release);
            log(dsl, "first");
            return "first";
        });
        await(running);
        return first;
    }

    private CompletableFuture<String> call(Function<DSLContext, String> work) {
        return CompletableFuture.supplyAsync(() -> groups.run(null, work), callers);
    }

    private void awaitQueued(int n) {
        assertTrue(waitFor(() -> groups.queued() == n, 20_000), "expected " + n + " works queued, saw " + groups.queued());
    }

    private static void log(DSLContext dsl, String rq) {
        new RegistryTx(dsl).logReply("test", rq, "digest", "ACK " + rq, NOW);
    }

    // Read outside any group, on a connection of its own: only what is committed.
    private boolean logged(String rq) {
        return db.transaction(dsl -> new RegistryTx(dsl).loggedReply("test", rq, "digest").isPresent());
    }

    private static boolean waitFor(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return condition.getAsBoolean();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
