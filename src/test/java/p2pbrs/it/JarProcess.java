package p2pbrs.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real {@code java -jar p2pbrs.jar ...} process. Standard output is read line by line
 * on its own thread (tests wait for lines with a deadline); standard error is kept, its
 * last lines only, to explain a failure. {@link #close} always ends the process.
 */
final class JarProcess implements AutoCloseable {
    private static final int STDERR_TAIL = 60;
    // Put on the queue when standard output ends, so that a waiting test stops at once.
    private static final String END = new String("<end of output>");

    private final String label;
    private final Process process;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread outReader;
    private final Thread errReader;
    private final OutputStream stdin;

    private JarProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.outReader = new Thread(() -> readOut(process.getInputStream()), label + "-stdout");
        this.errReader = new Thread(() -> readErr(process.getErrorStream()), label + "-stderr");
        outReader.setDaemon(true);
        errReader.setDaemon(true);
        outReader.start();
        errReader.start();
    }

    /** The packaged jar the failsafe plugin names in the system property {@code p2pbrs.jar}. */
    static Path jar() {
        String property = System.getProperty("p2pbrs.jar");
        assertTrue(property != null && !property.isBlank(), "system property p2pbrs.jar is not set (run through failsafe)");
        Path jar = Path.of(property);
        assertTrue(Files.isRegularFile(jar), "no jar at " + jar + " (run mvn verify: the jar is built in package)");
        return jar;
    }

    /** The java launcher of the JVM running the tests. */
    static String javaBinary() {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts {@code java -jar p2pbrs.jar args...} in the given working directory. */
    static JarProcess start(String label, Path workDir, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        try {
            Files.createDirectories(workDir);
            return new JarProcess(label, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    static JarProcess start(String label, Path workDir, String... args) {
        return start(label, workDir, List.of(args));
    }

    private void readOut(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                stdout.add(line);
                pending.add(line);
            }
        } catch (IOException e) {
            // The process was killed under us: its output simply ends.
        } finally {
            pending.add(END);
        }
    }

    private void readErr(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_TAIL) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // As above.
        }
    }

    /**
     * Waits for the next line of standard output that matches, skipping (but keeping in
     * {@link #output}) the lines before it. Fails at the deadline or when the output ends.
     */
    String awaitLine(Predicate<String> matches, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line;
            try {
                line = left <= 0 ? null : pending.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            if (line == null) {
                return fail(label + ": no line " + what + " within " + timeout + describe());
            }
            if (line == END) {
                pending.add(END);
                return fail(label + ": output ended without a line " + what + describe());
            }
            if (matches.test(line)) {
                return line;
            }
        }
    }

    /** Waits for a line the whole of which matches the pattern; returns its match. */
    Matcher awaitMatch(Pattern pattern, Duration timeout) {
        String line = awaitLine(l -> pattern.matcher(l).matches(), timeout, "matching /" + pattern + "/");
        Matcher m = pattern.matcher(line);
        assertTrue(m.matches());
        return m;
    }

    /** Waits for a line starting with the prefix. */
    String awaitPrefix(String prefix, Duration timeout) {
        return awaitLine(l -> l.startsWith(prefix), timeout, "starting '" + prefix + "'");
    }

    /** Writes one line to the process's standard input. */
    void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": cannot write to standard input", e);
        }
    }

    /** Ends the process's standard input, as the end of a pipe. */
    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": cannot close standard input", e);
        }
    }

    /** Whether the process exits within the timeout; its output is then read to the end. */
    boolean exitsWithin(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            // The pipes close with the process: the readers finish promptly.
            outReader.join(10_000);
            errReader.join(10_000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + label, e);
        }
    }

    /** Waits for the process to exit and returns its exit code; fails at the deadline. */
    int awaitExit(Duration timeout) {
        if (!exitsWithin(timeout)) {
            fail(label + ": still running after " + timeout + describe());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM on Linux: the JVM runs its shutdown hooks. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL on Linux: no shutdown hook, no flush, nothing. */
    void kill() {
        process.destroyForcibly();
    }

    /** Every line of standard output so far. */
    List<String> output() {
        return List.copyOf(stdout);
    }

    /** The output and the end of standard error, for failure messages. */
    String describe() {
        StringBuilder sb = new StringBuilder("\n--- ").append(label).append(" stdout ---\n");
        for (String line : stdout) {
            sb.append(line).append('\n');
        }
        sb.append("--- ").append(label).append(" stderr (last ").append(STDERR_TAIL).append(" lines) ---\n");
        synchronized (stderrTail) {
            for (String line : stderrTail) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
