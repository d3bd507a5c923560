package p2pbrs.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One program the benchmark started. Its standard output is read line by line on a thread
 * of its own (so that it never blocks on a full pipe, and the benchmark can wait for a line
 * with a deadline); its standard error goes to a log file beside it.
 */
final class ChildProcess {
    // Queued when standard output ends, so that a wait stops at once instead of at its deadline.
    private static final String END = new String("<end of output>");

    private final String label;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildProcess(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readOutput, "bench-" + label + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the command in its working folder, which is made if need be. */
    static ChildProcess start(String label, List<String> command, Path workDir) throws BenchException {
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve(label + ".log");
            Process process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectError(log.toFile()).start();
            return new ChildProcess(label, process, log);
        } catch (IOException e) {
            throw new BenchException("cannot start " + label + ": " + e.getMessage(), e);
        }
    }

    String label() {
        return label;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // The process was stopped under the reader: its output simply ends.
        } finally {
            lines.add(END);
        }
    }

    /**
     * The next line of standard output that matches, skipping those before it; a
     * BenchException at the deadline or when the output ends first.
     */
    String awaitLine(Predicate<String> matches, Duration timeout, String what) throws BenchException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line;
            try {
                line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted waiting for " + what + " from " + label, e);
            }
            if (line == null) {
                throw new BenchException(label + " gave no " + what + " within " + timeout.toSeconds() + " s");
            }
            if (line == END) {
                lines.add(END);
                throw new BenchException(label + " ended without " + what + exitCode());
            }
            if (matches.test(line)) {
                return line;
            }
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? " (exit code " + process.exitValue() + ")" : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Writes one line to the program's standard input. */
    void send(String line) throws BenchException {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new BenchException("cannot write to " + label + ": " + e.getMessage(), e);
        }
    }

    /** Ends its standard input, as the end of a pipe. */
    void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // It has gone already: nothing more will be written to it anyway.
        }
    }

    /** Asks it to stop (SIGTERM: its shutdown hooks close its databases). */
    void askToStop() {
        process.destroy();
    }

    /** Waits until the deadline for it to stop, then kills it; returns once it is gone (or cannot be waited for). */
    void awaitStop(long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The CPU seconds it has used so far, user and system; NaN where the system does not say. */
    double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** How many lines of its standard error mention the text. */
    long logLinesWith(String text) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The last lines of its standard error, to explain a failure. */
    List<String> logTail(int count) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - count), all.size());
        } catch (IOException | RuntimeException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }
}
