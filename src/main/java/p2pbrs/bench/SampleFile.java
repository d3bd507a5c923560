package p2pbrs.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * A file of random bytes that a seed determines, so that two runs move the same data:
 * random longs in little-endian order, a MiB at a time (hundreds of MB a second, so that a
 * gigabyte is written in seconds).
 */
public final class SampleFile {
    private static final int BUFFER = 1 << 20;

    private SampleFile() {
    }

    /** Writes (or overwrites) the file with {@code size} bytes from the seed. */
    public static void write(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long left = size; left > 0; ) {
                buf.clear();
                while (buf.hasRemaining()) {
                    buf.putLong(random.nextLong());
                }
                buf.flip().limit((int) Math.min(BUFFER, left));
                left -= buf.remaining();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        }
    }
}
