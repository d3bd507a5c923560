package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chunk files on disk: a copy is acknowledged only once the bytes under its name are the
 * verified ones, whatever was there before, and each chunk's bytes count once against
 * the capacity.
 */
class ChunkStoreTest {
    private static final int SIZE = 100_000;

    @TempDir
    Path dir;

    private final byte[] chunk = LocalCluster.random(SIZE, 11);
    private final String sum = LocalCluster.sha256(chunk);

    private static void receive(ChunkStore store, byte[] bytes, String checksum) throws Exception {
        store.receive(new ByteArrayInputStream(bytes), bytes.length, checksum);
    }

    private void assertStoredWhole(ChunkStore store) throws IOException {
        assertArrayEquals(chunk, Files.readAllBytes(store.pathOf(sum)));
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList(), "no temporary file left");
        }
    }

    /**
     * Chunk files are written (directly, where the file system allows it, in whole blocks)
     * and read back at every size around the block and batch sizes: each is its bytes and
     * no more, and reads back whole; also through the page cache, as where the file system
     * refuses direct I/O.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aChunkOfAnySizeIsStoredAsItsBytesAndReadBackWhole(boolean tryDirect) throws Exception {
        ChunkStore store = new ChunkStore(dir, 1L << 30, 0, tryDirect);
        for (int size : new int[] {1, 4095, 4096, 4097, 256 * 1024, 256 * 1024 + 49, 3 * (1 << 20) + 49}) {
            byte[] bytes = LocalCluster.random(size, size);
            String checksum = LocalCluster.sha256(bytes);
            receive(store, bytes, checksum);
            assertArrayEquals(bytes, Files.readAllBytes(store.pathOf(checksum)), "stored, size " + size);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            store.copyTo(checksum, out);
            assertArrayEquals(bytes, out.toByteArray(), "read back, size " + size);
        }
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList(), "no temporary file left");
        }
    }

    @Test
    void aChunkFileWithAFlippedByteIsReplacedWhenTheChunkArrivesAgain() throws Exception {
        ChunkStore store = new ChunkStore(dir, 10L * SIZE, 0);
        receive(store, chunk, sum);
        byte[] rotten = chunk.clone();
        rotten[SIZE / 2] ^= 0x40;
        Files.write(store.pathOf(sum), rotten);

        receive(store, chunk, sum);
        assertStoredWhole(store);
        assertEquals(SIZE, store.used(), "the repaired file takes the space it took before");
    }

    @Test
    void aTruncatedChunkFileIsReplacedWhenTheChunkArrivesAgain() throws Exception {
        ChunkStore store = new ChunkStore(dir, 10L * SIZE, 0);
        receive(store, chunk, sum);
        Files.write(store.pathOf(sum), java.util.Arrays.copyOf(chunk, 1000));

        receive(store, chunk, sum);
        assertStoredWhole(store);
        assertEquals(SIZE, store.used());
    }

    @Test
    void aFullStoreStillRepairsAChunkItHolds() throws Exception {
        ChunkStore store = new ChunkStore(dir, SIZE, 0);
        receive(store, chunk, sum);
        Files.write(store.pathOf(sum), new byte[SIZE]);

        receive(store, chunk, sum);
        assertStoredWhole(store);
        assertEquals(SIZE, store.used());
    }

    @Test
    void wrongBytesForAChunkItHoldsChangeNothing() throws Exception {
        ChunkStore store = new ChunkStore(dir, 10L * SIZE, 0);
        receive(store, chunk, sum);
        byte[] wrong = chunk.clone();
        wrong[0] ^= 1;

        ChunkStore.ChunkException e = assertThrows(ChunkStore.ChunkException.class,
                () -> receive(store, wrong, sum));
        assertEquals("Checksum-mismatch", e.reason());
        assertStoredWhole(store);
        assertEquals(SIZE, store.used());
    }

    @Test
    void theSameNewChunkArrivingOnTwoConnectionsAtOnceIsCountedOnce() throws Exception {
        ChunkStore store = new ChunkStore(dir, 10L * SIZE, 0);
        // Neither transfer reads its body before both have checked for the file and reserved.
        CyclicBarrier bothStarted = new CyclicBarrier(2);
        List<CompletableFuture<Void>> transfers = List.of(
                CompletableFuture.runAsync(() -> receiveAfter(store, bothStarted)),
                CompletableFuture.runAsync(() -> receiveAfter(store, bothStarted)));
        for (CompletableFuture<Void> t : transfers) {
            t.get(30, TimeUnit.SECONDS);
        }
        assertStoredWhole(store);
        assertEquals(SIZE, store.used(), "identical chunks are stored, and counted, once");
    }

    private void receiveAfter(ChunkStore store, CyclicBarrier barrier) {
        InputStream body = new ByteArrayInputStream(chunk) {
            private boolean started;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (!started) {
                    started = true;
                    try {
                        barrier.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the other transfer never started", e);
                    }
                }
                return super.read(b, off, len);
            }
        };
        try {
            store.receive(body, SIZE, sum);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
