package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.Database;
import p2pbrs.store.IndexedChunk;

/**
 * What a storage peer makes of its folder as it starts: indexed files whole, loose ones
 * verified and kept, bad ones deleted, index rows without their file forgotten, and the
 * bytes of exactly the files it keeps counted as used.
 */
class ChunkCensusTest {
    private static final String OWNER = "0a".repeat(16);

    @TempDir
    Path dir;

    @Test
    void theIndexAndTheFolderAgreeOnceThePeerHasLooked() throws Exception {
        Path storage = dir.resolve("storage");
        byte[] indexed = LocalCluster.random(1000, 1);
        byte[] loose = LocalCluster.random(2000, 2);
        byte[] rotten = LocalCluster.random(3000, 3);
        byte[] shortened = LocalCluster.random(4000, 4);
        byte[] missing = LocalCluster.random(5000, 5);
        try (Database db = Database.open(dir.resolve("peer"), Database.Kind.PEER, 2)) {
            ChunkIndex index = new ChunkIndex(db);
            put(storage, index, indexed, 0, indexed.length);
            put(storage, index, shortened, 1, shortened.length - 1);
            index.put(row(missing, 2));
            write(storage, loose, loose.length);
            Path bad = write(storage, rotten, rotten.length);
            Files.write(bad, LocalCluster.random(rotten.length, 9));
            Path stranger = storage.resolve("chunks").resolve("ab").resolve("notes.txt");
            Files.writeString(stranger, "not a chunk");

            ChunkCensus.Result census = ChunkCensus.take(storage, index);

            assertEquals(indexed.length + loose.length, census.bytes(), "the files kept, each once");
            assertEquals(Set.of(LocalCluster.sha256(loose)), census.loose().checksums());
            assertTrue(Files.exists(file(storage, indexed)));
            assertTrue(Files.exists(file(storage, loose)));
            assertFalse(Files.exists(bad), "a file that does not hash to its name is deleted");
            assertFalse(Files.exists(file(storage, shortened)), "an indexed file of the wrong size is deleted");
            assertTrue(Files.exists(stranger), "what is not named like a chunk file is not the peer's to judge");
            assertEquals(Set.of(LocalCluster.sha256(indexed)), index.checksums().keySet(),
                    "rows whose file is gone or wrong are forgotten");
        }
    }

    private static void put(Path storage, ChunkIndex index, byte[] bytes, int idx, int written) throws Exception {
        write(storage, bytes, written);
        index.put(row(bytes, idx));
    }

    private static IndexedChunk row(byte[] bytes, int idx) {
        String sum = LocalCluster.sha256(bytes);
        return new IndexedChunk(OWNER, "f.bin", 1, idx, bytes.length, sum, 100_000, 10,
                ChunkStore.relativePath(sum));
    }

    /** Writes a chunk file under the chunk's name, cut to the first {@code written} bytes. */
    private static Path write(Path storage, byte[] bytes, int written) throws Exception {
        Path file = file(storage, bytes);
        Files.createDirectories(file.getParent());
        Files.write(file, java.util.Arrays.copyOf(bytes, written));
        Files.createDirectories(storage.resolve("chunks").resolve("ab"));
        return file;
    }

    private static Path file(Path storage, byte[] bytes) {
        return storage.resolve(ChunkStore.relativePath(LocalCluster.sha256(bytes)));
    }
}
