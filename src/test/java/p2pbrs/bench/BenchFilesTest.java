package p2pbrs.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's files: the generated sample, the SHA-256 pass and the durable copy. */
class BenchFilesTest {
    @TempDir
    Path dir;

    @Test
    void theSampleIsTheSeedsLongsInLittleEndianOrderCutToTheSize() throws Exception {
        // Past one buffer, and not a whole number of longs.
        int size = (1 << 20) + 4099;
        Path sample = dir.resolve("sample.bin");
        SampleFile.write(sample, size, 366);
        byte[] bytes = Files.readAllBytes(sample);
        assertEquals(size, bytes.length);
        ByteBuffer expected = ByteBuffer.allocate((size / 8 + 1) * 8).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(366);
        while (expected.hasRemaining()) {
            expected.putLong(random.nextLong());
        }
        assertArrayEquals(Arrays.copyOf(expected.array(), size), bytes);

        // Written again over a longer file: the same bytes, and no more.
        Files.write(sample, new byte[size + 100]);
        SampleFile.write(sample, size, 366);
        assertArrayEquals(bytes, Files.readAllBytes(sample));
    }

    @Test
    void theBaselinesHashAndCopyTheWholeFile() throws Exception {
        Path sample = dir.resolve("sample.bin");
        SampleFile.write(sample, 3 * (1 << 20) + 5, 7);
        byte[] bytes = Files.readAllBytes(sample);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(bytes), Baselines.sha256(sample));

        Path copy = dir.resolve("copy.bin");
        Baselines.durableCopy(sample, copy);
        assertArrayEquals(bytes, Files.readAllBytes(copy));
        // A copy is a new file: one already there is not written over.
        assertThrows(FileAlreadyExistsException.class, () -> Baselines.durableCopy(sample, copy));
    }

    @Test
    void settingsThatMeasureNothingAreRefused() {
        new Bench.Settings(1, 1, 1, 1, 1, false);
        assertThrows(IllegalArgumentException.class, () -> new Bench.Settings(0, 3, 1, 3, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new Bench.Settings(1 << 20, 0, 1, 3, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new Bench.Settings(1 << 20, 3, -1, 3, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new Bench.Settings(1 << 20, 3, 21, 3, 1, false));
        new Bench.Settings(1 << 20, 3, 0, 3, 1, false);
        assertThrows(IllegalArgumentException.class, () -> new Bench.Settings(1 << 20, 3, 1, 0, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new Bench.Settings(1 << 20, 3, 1, 3, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Bench.Settings(1 << 20, 3, 1, 3, 4, false));
    }
}
