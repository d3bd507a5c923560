package p2pbrs.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The server under measurement: a process of its own, started from the jar as in real use,
 * with its database on disk in its own folder and every durability promise as usual. Only
 * what a benchmark needs differs from the defaults: open registration, at the pace of all
 * the simulated peers registering from one address, and liveness periods longer than the
 * run, so that a peer busy in one phase is not STALE in the next (its heartbeats were
 * measured in a phase of their own).
 */
final class MetaServer implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(15);
    private static final String LISTENING = "LISTENING udp=";

    private final ChildProcess process;
    private final InetSocketAddress address;
    private final Optional<ProcessHandle> handle;
    private final Thread hook;

    private MetaServer(ChildProcess process, InetSocketAddress address, Optional<ProcessHandle> handle) {
        this.process = process;
        this.address = address;
        this.handle = handle;
        this.hook = new Thread(this::stop, "bench-meta-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static MetaServer start(JarLauncher launcher, Path dir, int peers, List<String> jvmOptions)
            throws BenchException {
        Path work = dir.resolve("server");
        Path db = work.resolve("db").resolve("server");
        ChildProcess child = launcher.start("server", work, jvmOptions, List.of("server", "--udp-port", "0",
                "--sql-port", "0", "--bind", "127.0.0.1", "--db", db.toString(), "--registration", "open",
                "--registrations-per-minute", String.valueOf(peers + 10), "--stale-after", "1h", "--dead-after", "2h"));
        try {
            String port = child.awaitLine(l -> l.startsWith(LISTENING), START, "LISTENING line")
                    .substring(LISTENING.length()).trim();
            return new MetaServer(child, new InetSocketAddress("127.0.0.1", Integer.parseInt(port)),
                    find(db.toString()));
        } catch (BenchException | RuntimeException e) {
            child.askToStop();
            child.awaitStop(System.nanoTime() + STOP.toNanos());
            throw e;
        }
    }

    // The child whose command line names this run's database: its CPU time and memory are read from it.
    private static Optional<ProcessHandle> find(String db) {
        return ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().map(c -> c.contains(db)).orElse(false))
                .findFirst();
    }

    InetSocketAddress address() {
        return address;
    }

    /** The server's CPU time so far, user and system, in seconds; NaN where the system does not tell. */
    double cpuSeconds() {
        return handle.flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** What the server has written so far (write calls and bytes), or unknown where the system does not tell. */
    ServerWrites writes() {
        if (handle.isEmpty()) {
            return ServerWrites.UNKNOWN;
        }
        long calls = -1;
        long bytes = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(handle.get().pid()), "io"))) {
                if (line.startsWith("syscw:")) {
                    calls = Long.parseLong(line.substring(6).trim());
                } else if (line.startsWith("wchar:")) {
                    bytes = Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return ServerWrites.UNKNOWN;
        }
        return new ServerWrites(calls, bytes);
    }

    /** The server's peak resident set in MiB (Linux: VmHWM), or null where the system keeps none. */
    Double rssPeakMib() {
        if (handle.isEmpty()) {
            return null;
        }
        Path status = Path.of("/proc", Long.toString(handle.get().pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc here: the figure is left out.
        }
        return null;
    }

    /** The end of the server's log, to explain a failure. */
    List<String> logTail(int lines) {
        return process.logTail(lines);
    }

    private void stop() {
        process.askToStop();
        process.awaitStop(System.nanoTime() + STOP.toNanos());
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is stopping already: the hook stops the server.
            return;
        }
        stop();
    }
}
