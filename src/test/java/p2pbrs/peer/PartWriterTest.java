package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A restore worker's writes: every byte at its place, and with an alignment, every write aligned. */
class PartWriterTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    /**
     * Opened for direct I/O (where the file system allows it), the runtime refuses any write
     * that does not start and end on a block: what lands is then also proof of alignment.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aChunkWrittenInOddPiecesLandsInPlaceWithItsLastBlockPadded(boolean direct) throws Exception {
        byte[] chunk = new byte[3 * BLOCK * 7 + 123];
        new Random(366).nextBytes(chunk);
        long at = 2L * BLOCK;
        byte[] around = new byte[BLOCK * 30];
        Arrays.fill(around, (byte) 7);
        Path path = dir.resolve("part");
        Files.write(path, around);
        try (FileChannel file = open(path, direct)) {
            PartWriter writer = new PartWriter(BLOCK, 5 * BLOCK);
            writer.start(file, at);
            Random pieces = new Random(1);
            int done = 0;
            while (done < chunk.length) {
                int n = Math.min(chunk.length - done, 1 + pieces.nextInt(writer.largestPiece()));
                System.arraycopy(chunk, done, writer.batch(), writer.room(n), n);
                writer.added(n);
                done += n;
            }
            writer.finish();
        }
        byte[] all = Files.readAllBytes(path);
        assertEquals(around.length, all.length);
        long end = at + chunk.length;
        long padded = (end + BLOCK - 1) / BLOCK * BLOCK;
        for (int i = 0; i < all.length; i++) {
            byte expected = i < at || i >= padded ? 7 : i >= end ? 0 : chunk[(int) (i - at)];
            assertEquals(expected, all[i], "byte " + i);
        }
    }

    private static FileChannel open(Path path, boolean direct) throws IOException {
        if (!direct) {
            return FileChannel.open(path, StandardOpenOption.WRITE);
        }
        try {
            return FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException e) {
            Assumptions.assumeTrue(false, "no direct I/O here: " + e);
            throw e;
        }
    }

    @Test
    void withoutAnAlignmentAChunkEndsWhereItsBytesDo() throws Exception {
        try (FileChannel file = FileChannel.open(dir.resolve("part"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            PartWriter writer = new PartWriter(1, 100);
            writer.start(file, 5);
            for (int i = 0; i < 7; i++) {
                Arrays.fill(writer.batch(), writer.room(30), writer.room(30) + 30, (byte) (i + 1));
                writer.added(30);
            }
            writer.finish();
            assertEquals(5 + 7 * 30, file.size());
        }
    }

    @Test
    void aChunkOffItsBlockIsRefused() throws Exception {
        try (FileChannel file = FileChannel.open(dir.resolve("part"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            PartWriter writer = new PartWriter(BLOCK, 4 * BLOCK);
            assertThrows(IllegalArgumentException.class, () -> writer.start(file, BLOCK + 512));
        }
    }
}
