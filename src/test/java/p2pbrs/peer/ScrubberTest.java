package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.store.BadChunks;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.Database;
import p2pbrs.store.IndexedChunk;
import p2pbrs.store.PendingStoreAck;
import p2pbrs.store.PendingStoreAcks;

/**
 * The scrub over a storage peer's own files and index, without a server: what it finds,
 * what it removes and owes, and how fast it reads.
 */
class ScrubberTest {
    private static final String OWNER = "0123456789abcdef".repeat(2);
    private static final int SIZE = 1000;

    @TempDir
    Path dir;

    private Database db;
    private ChunkIndex index;
    private ChunkStore store;
    private BadChunks bad;
    private PendingStoreAcks acks;
    private final AtomicInteger kicks = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir.resolve("db"), Database.Kind.PEER, 2);
        index = new ChunkIndex(db);
        store = new ChunkStore(dir.resolve("storage"), 1L << 30, 0);
        bad = new BadChunks(db);
        acks = new PendingStoreAcks(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Scrubber scrubber(long rate, Throttle.Time time) {
        return new Scrubber("Test", index, store, bad, kicks::incrementAndGet, rate, time);
    }

    /** Stores bytes as chunk idx of an owner's file, as a SEND_CHUNK would; returns the checksum. */
    private String put(String file, int idx, byte[] bytes) throws Exception {
        String sum = LocalCluster.sha256(bytes);
        store.receive(new ByteArrayInputStream(bytes), bytes.length, sum);
        index.put(new IndexedChunk(OWNER, file, 1, idx, bytes.length, sum, 3L * SIZE, 3,
                ChunkStore.relativePath(sum)));
        return sum;
    }

    private record Owed(String wireName, int idx) {
    }

    private Set<Owed> owed() {
        return bad.owed().stream().map(r -> new Owed(r.wireName(), r.idx())).collect(Collectors.toSet());
    }

    @Test
    void aFileWithFlippedBytesAndAMissingFileAreRemovedAndEveryCopyOfThemIsOwed() throws Exception {
        String good = put("a b.txt", 0, LocalCluster.random(SIZE, 1));
        byte[] sharedBytes = LocalCluster.random(SIZE, 2);
        String flipped = put("a b.txt", 1, sharedBytes);
        put("copy.txt", 0, sharedBytes);
        String gone = put("a b.txt", 2, LocalCluster.random(SIZE, 3));
        acks.add(OWNER, "a%20b.txt", 1, 0, SIZE, good);
        acks.add(OWNER, "a%20b.txt", 1, 2, SIZE, gone);

        byte[] rotten = Files.readAllBytes(store.pathOf(flipped));
        rotten[SIZE / 2] ^= 0x01;
        Files.write(store.pathOf(flipped), rotten);
        Files.delete(store.pathOf(gone));

        ScrubReport r = scrubber(1L << 30, new ThrottleTest.FakeTime()).scrub();
        assertEquals(3, r.checked(), "three distinct files, one of them shared by two rows");
        assertEquals(1, r.bad());
        assertEquals(1, r.missing());
        assertEquals(2L * SIZE, r.bytesRead(), "a missing file is not read");

        assertEquals(1, index.count(), "only the good chunk is left in the index");
        assertTrue(index.find(OWNER, "a b.txt", 1, 0).isPresent());
        assertEquals(SIZE, store.used(), "the bad and the missing file no longer count");
        assertFalse(Files.exists(store.pathOf(flipped)), "the bad file is deleted");
        assertTrue(Files.exists(store.pathOf(good)));
        assertEquals(Set.of(new Owed("a%20b.txt", 1), new Owed("copy.txt", 0), new Owed("a%20b.txt", 2)), owed(),
                "every copy removed is owed to the server, under its wire name");
        assertTrue(kicks.get() >= 1, "the reporter was told");
        assertEquals(List.of(0), acks.all().stream().map(PendingStoreAck::idx).toList(),
                "a STORE_ACK still owed for a copy now gone is not sent");
    }

    @Test
    void aSecondScrubFindsNothingNewAndOwesNothingTwice() throws Exception {
        put("f", 0, LocalCluster.random(SIZE, 4));
        String gone = put("f", 1, LocalCluster.random(SIZE, 5));
        Files.delete(store.pathOf(gone));
        Scrubber scrubber = scrubber(1L << 30, new ThrottleTest.FakeTime());
        assertNull(scrubber.last(), "no scrub yet");
        assertEquals(1, scrubber.scrub().missing());

        ScrubReport again = scrubber.scrub();
        assertEquals(List.of(1, 0, 0), List.of(again.checked(), again.bad(), again.missing()));
        assertEquals(again, scrubber.last());
        assertEquals(1, bad.owed().size());
        bad.reported(bad.owed().get(0).id());
        assertEquals(List.of(), bad.owed());
    }

    @Test
    void theShellSaysNeverBeforeTheFirstScrubAndWhatTheLastFoundAfter() {
        assertEquals("never", ScrubReport.describe(null));
        assertEquals("last 2024-05-06T07:08:09Z, 1 file checked, 0 bad, 1 missing",
                ScrubReport.describe(new ScrubReport(java.time.Instant.parse("2024-05-06T07:08:09.750Z"), 1, 0, 0, 1)));
    }

    @Test
    void theScrubReadsNoFasterThanItsRate() throws Exception {
        for (int i = 0; i < 3; i++) {
            put("f", i, LocalCluster.random(100_000 + i, 10 + i));
        }
        ThrottleTest.FakeTime time = new ThrottleTest.FakeTime();
        long rate = 64 * 1024;
        long start = time.nanoTime();
        ScrubReport r = scrubber(rate, time).scrub();
        assertEquals(300_003, r.bytesRead());
        long floor = r.bytesRead() * 1_000_000_000L / rate;
        long took = time.nanoTime() - start;
        assertTrue(took >= floor, took + " ns for " + r.bytesRead() + " bytes at " + rate + " B/s");
        assertTrue(took < floor + 1_000_000, "and not much slower: " + took);
    }

    @Test
    void onTheSystemClockTooASmallFileTakesItsSizeOverTheRate() throws Exception {
        put("f", 0, LocalCluster.random(64 * 1024, 20));
        long rate = 128 * 1024;
        long start = System.nanoTime();
        ScrubReport r = scrubber(rate, Throttle.Time.SYSTEM).scrub();
        long took = System.nanoTime() - start;
        assertEquals(64 * 1024, r.bytesRead());
        assertTrue(took >= 500_000_000L, "64 KiB at 128 KiB/s take half a second, took " + took + " ns");
    }

    @Test
    void itScrubsOnceAfterStartAndThenEveryInterval() throws Exception {
        String sum = put("f", 0, LocalCluster.random(SIZE, 30));
        try (Scrubber scrubber = scrubber(1L << 30, Throttle.Time.SYSTEM)) {
            scrubber.start(Duration.ofMillis(50));
            LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(10),
                    () -> scrubber.last() != null && scrubber.last().checked() == 1 ? scrubber.last() : null);
            Files.write(store.pathOf(sum), new byte[SIZE]);
            // A later scrub finds it bad and drops it; the scrub after that checks nothing, so
            // its report may already have replaced the one that found it: wait for the effect.
            LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(10),
                    () -> index.count() == 0 ? Boolean.TRUE : null);
            assertTrue(Files.notExists(store.pathOf(sum)), "the changed file is deleted");
        }
    }
}
