package p2pbrs.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import p2pbrs.peer.MemoryPeaks;

/**
 * The owner process's shell, driven through its standard input as a script would: a
 * command, then the wait for the one {@code OK} or {@code ERROR} line that ends its output.
 */
final class OwnerShell {
    private static final Pattern VERSION = Pattern.compile(" version=(\\d+) ");
    private static final Duration STATUS = Duration.ofSeconds(30);

    private final ChildProcess owner;
    private final Path restoreDir;

    OwnerShell(ChildProcess owner, Path restoreDir) {
        this.owner = owner;
        this.restoreDir = restoreDir;
    }

    /** Backs the file up and returns the new version's number. */
    int backup(Path file, Duration timeout) throws BenchException {
        String ok = run("backup " + quoted(file.toString()), "backup", timeout, line -> { });
        Matcher m = VERSION.matcher(ok);
        if (!m.find()) {
            throw new BenchException("the owner's backup gave no version: " + ok);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Restores one version and returns the file it was written to. */
    Path restore(String name, int version, Duration timeout) throws BenchException {
        run("restore " + quoted(name) + " " + version, "restore", timeout, line -> { });
        return restoreDir.resolve(name);
    }

    /** The owner process's peak memory, from its status. */
    MemoryPeaks memory() throws BenchException {
        String[] memory = {null};
        run("status", "status", STATUS, line -> {
            if (line.startsWith("memory: ")) {
                memory[0] = line;
            }
        });
        if (memory[0] == null) {
            throw new BenchException("the owner's status shows no memory line");
        }
        try {
            return MemoryPeaks.parse(memory[0]);
        } catch (IllegalArgumentException e) {
            throw new BenchException("the owner's status: " + e.getMessage(), e);
        }
    }

    /** Sends the command; returns its OK line, every line before it shown to {@code seen}. */
    private String run(String command, String verb, Duration timeout, Consumer<String> seen)
            throws BenchException {
        owner.send(command);
        String end = owner.awaitLine(line -> {
            seen.accept(line);
            return line.startsWith("OK " + verb) || line.startsWith("ERROR");
        }, timeout, "answer to " + verb);
        if (end.startsWith("ERROR")) {
            throw new BenchException("the owner's " + verb + " failed: " + end);
        }
        return end;
    }

    // The shell keeps a quoted word whole; it has no way to write a double quote inside one.
    private static String quoted(String word) throws BenchException {
        if (word.indexOf('"') >= 0) {
            throw new BenchException("the owner's shell cannot be given a name holding a double quote: " + word);
        }
        return '"' + word + '"';
    }
}
