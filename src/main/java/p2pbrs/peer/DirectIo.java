package p2pbrs.peer;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Direct I/O (past the page cache) where a folder's file system allows it: the alignment
 * its writes need, and the options that open a file so. Writes through it go from the
 * writer's buffer to the disk: for files fsynced as soon as written (chunk files, a
 * restore's file), the page cache would only add a copy of every byte.
 */
final class DirectIo {
    // Direct writes must start and end on blocks no larger than this: larger blocks are
    // unusual, and would make every writer's carry and padding large.
    private static final int MAX_ALIGNMENT = 64 * 1024;

    private DirectIo() {
    }

    /**
     * The alignment direct writes to files in dir need (the file system's block size), or 1
     * where it is unknown or unusual.
     */
    static int blockSize(Path dir) {
        try {
            long block = Files.getFileStore(dir).getBlockSize();
            return block > 1 && block <= MAX_ALIGNMENT && Long.bitCount(block) == 1 ? (int) block : 1;
        } catch (IOException | UnsupportedOperationException e) {
            return 1;
        }
    }

    /**
     * The alignment of direct writes to new files in dir, or 1 when its file system refuses
     * direct I/O (tmpfs on older systems, some network file systems): tried on a probe file,
     * removed after.
     */
    static int probe(Path dir) {
        int block = blockSize(dir);
        if (block == 1) {
            return 1;
        }
        Path probe = dir.resolve("." + UUID.randomUUID() + ".direct");
        try (FileChannel ignored = FileChannel.open(probe, with(List.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)))) {
            return block;
        } catch (IOException | UnsupportedOperationException e) {
            return 1;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // A probe left behind is an empty file; nothing relies on its absence.
            }
        }
    }

    /** The options, and direct I/O. */
    static Set<OpenOption> with(List<? extends OpenOption> options) {
        Set<OpenOption> all = new HashSet<>(options);
        all.add(ExtendedOpenOption.DIRECT);
        return all;
    }
}
