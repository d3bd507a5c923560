package p2pbrs.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster on loopback, each program a process of its own started from the jar, as in
 * real use: one server (open registration, ports the system picks, its database in its
 * own folder), storage peers and one owner, the peers at a heap of {@value #PEER_HEAP_MB}
 * MiB whatever the file size. Closing it stops every process it started.
 */
final class BenchCluster implements AutoCloseable {
    static final int PEER_HEAP_MB = 128;
    static final String OWNER_NAME = "Owner";
    private static final List<String> PEER_JVM = List.of("-Xmx" + PEER_HEAP_MB + "m");
    // A JVM, H2 and the migrations on two busy cores: seconds, rarely more; a minute and a
    // half means something is wrong.
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(15);
    private static final String LISTENING = "LISTENING udp=";

    private final JarLauncher launcher;
    private final Path dir;
    // Every process started, in order; closed all at once.
    private final List<ChildProcess> started = new ArrayList<>();
    // Stops the processes should this program be stopped first (SIGINT, SIGTERM).
    private final Thread hook = new Thread(this::close, "bench-cluster-shutdown");
    private OwnerShell owner;
    private ChildProcess server;
    private ChildProcess ownerProcess;
    private final List<ChildProcess> storage = new ArrayList<>();
    private boolean closed;
    private final boolean profile;

    /** With {@code profile}, every process records a JFR profile into its folder ({@code <label>.jfr}). */
    BenchCluster(JarLauncher launcher, Path dir, boolean profile) {
        this.launcher = launcher;
        this.dir = dir;
        this.profile = profile;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts the server, then the storage peers and the owner side by side, and returns once
     * every peer has registered. Each storage peer offers the capacity given.
     */
    void start(int storagePeers, int replicas, long capacity) throws BenchException {
        server = launch("server", List.of(), List.of("server", "--udp-port", "0", "--sql-port", "0",
                "--bind", "127.0.0.1", "--db", "db/server", "--registration", "open",
                // Every peer registers from 127.0.0.1 at once.
                "--registrations-per-minute", String.valueOf(storagePeers + 10),
                "--replicas", String.valueOf(replicas)));
        String address = "127.0.0.1:" + server.awaitLine(l -> l.startsWith(LISTENING), START, "LISTENING line")
                .substring(LISTENING.length()).trim();
        for (int i = 1; i <= storagePeers; i++) {
            String name = "S" + i;
            storage.add(launch(name, PEER_JVM, List.of("peer", "--name", name, "--role", "STORAGE",
                    "--server", address, "--capacity", String.valueOf(capacity), "--db", "db", "--storage", "storage",
                    "--quiet")));
        }
        Path restoreDir = dir.resolve(OWNER_NAME).resolve("restored");
        ownerProcess = launch(OWNER_NAME, PEER_JVM, List.of("peer", "--name", OWNER_NAME,
                "--role", "OWNER", "--server", address, "--db", "db", "--storage", "storage",
                "--restore-dir", restoreDir.toString(), "--quiet"));
        for (ChildProcess peer : storage) {
            awaitRegistered(peer);
            // It serves chunks from now on; it is given no command.
            peer.closeInput();
        }
        awaitRegistered(ownerProcess);
        owner = new OwnerShell(ownerProcess, restoreDir);
    }

    private synchronized ChildProcess launch(String label, List<String> jvmOptions, List<String> args)
            throws BenchException {
        if (closed) {
            throw new BenchException("stopped before " + label + " could start");
        }
        List<String> options = new ArrayList<>(jvmOptions);
        if (profile) {
            // Written when the process ends, which close() lets it do before forcing.
            options.add("-XX:StartFlightRecording=settings=profile,filename=" + label + ".jfr");
        }
        ChildProcess child = launcher.start(label, dir.resolve(label), options, args);
        started.add(child);
        return child;
    }

    private static void awaitRegistered(ChildProcess peer) throws BenchException {
        peer.awaitLine(l -> l.startsWith("REGISTERED "), START, "REGISTERED line");
    }

    /** The CPU seconds each role's processes have used so far, once {@link #start} has returned. */
    CpuUse cpu() {
        double storageSeconds = 0;
        for (ChildProcess peer : storage) {
            storageSeconds += peer.cpuSeconds();
        }
        return new CpuUse(ownerProcess.cpuSeconds(), storageSeconds, server.cpuSeconds());
    }

    /** The owner's shell, once {@link #start} has returned. */
    OwnerShell owner() {
        return owner;
    }

    /**
     * The processes whose log says a thread of theirs ran out of heap, each with how many
     * times: a job may survive it with fewer threads, and then measures something else.
     */
    synchronized List<String> outOfMemory() {
        List<String> found = new ArrayList<>();
        for (ChildProcess child : started) {
            long times = child.logLinesWith("OutOfMemoryError");
            if (times > 0) {
                found.add(child.label() + " (" + times + (times == 1 ? " time)" : " times)"));
            }
        }
        return found;
    }

    /** The end of every process's log, to explain a failure. */
    synchronized String logTails(int lines) {
        StringBuilder sb = new StringBuilder();
        for (ChildProcess child : started) {
            sb.append(System.lineSeparator()).append("--- the end of ").append(child.label()).append("'s log ---");
            for (String line : child.logTail(lines)) {
                sb.append(System.lineSeparator()).append(line);
            }
        }
        return sb.toString();
    }

    /** Asks every process to stop at once, then waits for each, killing those still running at the deadline. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already stopping: the hook finds the cluster closed.
            }
        }
        for (ChildProcess child : started) {
            child.askToStop();
        }
        long deadline = System.nanoTime() + STOP.toNanos();
        for (ChildProcess child : started) {
            child.awaitStop(deadline);
        }
    }
}
