package p2pbrs.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program started from the packaged jar, as a user would start it: its standard output
 * is collected line by line so that a test can wait for a line, with a deadline.
 */
final class Launched implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private Launched(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "launched-stdout");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static Path jar() {
        String jar = System.getProperty("p2pbrs.jar");
        if (jar == null) {
            throw new IllegalStateException("run through failsafe: the p2pbrs.jar property names the packaged jar");
        }
        return Path.of(jar);
    }

    /** Starts {@code java [jvmArgs] -jar p2pbrs.jar args} in a folder; stderr goes to a log file there. */
    static Launched start(Path workDir, List<String> jvmArgs, String... args) throws IOException {
        return start(workDir, java.util.Map.of(), jvmArgs, args);
    }

    /** The same, with these environment variables added to the process's environment. */
    static Launched start(Path workDir, java.util.Map<String, String> env, List<String> jvmArgs, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectError(workDir.resolve(args[0] + "-" + System.nanoTime() + ".log").toFile());
        builder.environment().putAll(env);
        return new Launched(builder.start());
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The first line matching, waiting until the deadline; fails the test past it. */
    String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("no such line within " + timeout + "; output so far: " + lines);
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, 100_000_000L));
            }
        }
    }

    List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Waits for the process to exit and for its output to be read; returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; output: " + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    Process process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
