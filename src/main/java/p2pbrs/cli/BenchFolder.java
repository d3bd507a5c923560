package p2pbrs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The temporary folder a benchmark command works in: made in --dir (or the system's
 * temporary folder), and deleted afterwards unless it is to be kept.
 */
final class BenchFolder {
    private BenchFolder() {
    }

    /** A new folder named prefix + random digits; null, with the reason on standard error, when it cannot be made. */
    static Path make(Path parent, String prefix) {
        try {
            return parent == null ? Files.createTempDirectory(prefix)
                    : Files.createTempDirectory(Files.createDirectories(parent), prefix);
        } catch (IOException e) {
            System.err.println("ERROR cannot make the benchmark's folder: " + e.getMessage());
            return null;
        }
    }

    /** Says where the folder was kept, or deletes it (a failure to, as a warning). */
    static void finish(Path dir, boolean keep, String command) {
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
