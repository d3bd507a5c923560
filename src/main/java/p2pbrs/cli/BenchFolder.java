package p2pbrs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import p2pbrs.bench.BenchException;

/**
 * The temporary folder a benchmark command works in: made in --dir (or the system's
 * temporary folder), and deleted afterwards unless it is to be kept.
 */
final class BenchFolder {
    /** A benchmark measuring in the folder; returns what standard output is to carry. */
    interface Work {
        String run(Path dir) throws BenchException, IOException;
    }

    private BenchFolder() {
    }

    /**
     * Runs the work in a new folder and prints what it returns: the command's exit status,
     * 0, or 1 with the error on standard error (progress goes there too: standard output
     * carries the report alone).
     */
    static int run(Path parent, String prefix, boolean keep, String command, Work work) {
        Path dir = make(parent, prefix);
        if (dir == null) {
            return 1;
        }
        try {
            System.out.print(work.run(dir));
            return 0;
        } catch (BenchException | IOException e) {
            System.err.println("ERROR " + e.getMessage());
            return 1;
        } finally {
            finish(dir, keep, command);
        }
    }

    /** A new folder named prefix + random digits; null, with the reason on standard error, when it cannot be made. */
    private static Path make(Path parent, String prefix) {
        try {
            return parent == null ? Files.createTempDirectory(prefix)
                    : Files.createTempDirectory(Files.createDirectories(parent), prefix);
        } catch (IOException e) {
            System.err.println("ERROR cannot make the benchmark's folder: " + e.getMessage());
            return null;
        }
    }

    /** Says where the folder was kept, or deletes it (a failure to, as a warning). */
    private static void finish(Path dir, boolean keep, String command) {
        if (keep) {
            System.err.println(command + ": kept " + dir);
            return;
        }
        try {
            DemoCommand.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("WARNING cannot delete " + dir + ": " + e.getMessage());
        }
    }
}
