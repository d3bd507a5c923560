package p2pbrs.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import p2pbrs.peer.MemoryPeaks;
import p2pbrs.protocol.Sizes;

/**
 * The benchmark: a cluster of separate processes on loopback, one random file backed up
 * and restored through the owner's shell, run after run, each restore verified outside
 * the timed part; the two baselines measured on the same file in the same runs, so that
 * whatever else the machine does weighs on them alike.
 */
public final class Bench {
    private static final long SEED = 366;
    private static final String SAMPLE = "sample.bin";
    private static final String WARM_UP = "warm-up.bin";
    private static final long WARM_UP_BYTES = 1L << 30;
    private static final int LOG_LINES = 20;

    /** What to measure. */
    public record Settings(long size, int runs, int warmUps, int peers, int replicas, boolean profile) {
        static final int MAX_RUNS = 100;
        static final int MAX_WARM_UPS = 20;
        static final int MAX_PEERS = 32;

        /** IllegalArgumentException, saying why, for settings that measure nothing. */
        public Settings {
            if (size < 1) {
                throw new IllegalArgumentException("--size is at least 1 byte");
            }
            if (runs < 1 || runs > MAX_RUNS) {
                throw new IllegalArgumentException("--runs is from 1 to " + MAX_RUNS);
            }
            if (warmUps < 0 || warmUps > MAX_WARM_UPS) {
                throw new IllegalArgumentException("--warm-ups is from 0 to " + MAX_WARM_UPS);
            }
            if (peers < 1 || peers > MAX_PEERS) {
                throw new IllegalArgumentException("--peers is from 1 to " + MAX_PEERS);
            }
            if (replicas < 1 || replicas > peers) {
                throw new IllegalArgumentException("--replicas is from 1 to --peers (" + peers + ")");
            }
        }
    }

    private final Settings settings;
    private final Path dir;
    private final PrintStream progress;

    /** A benchmark working in {@code dir} (which it fills, and leaves to be deleted), telling its progress. */
    public Bench(Settings settings, Path dir, PrintStream progress) {
        this.settings = settings;
        this.dir = dir;
        this.progress = progress;
    }

    /** Runs it; a BenchException, with the end of every process's log, when it cannot measure or a restore differs. */
    public BenchReport run() throws BenchException, IOException {
        JarLauncher launcher = JarLauncher.of(Bench.class);
        Path sample = dir.resolve(SAMPLE);
        progress.println("bench: writing " + Sizes.human(settings.size()) + " of random bytes");
        SampleFile.write(sample, settings.size(), SEED);
        try (BenchCluster cluster = new BenchCluster(launcher, dir, settings.profile())) {
            try {
                return measure(cluster, sample);
            } catch (BenchException | IOException e) {
                throw new BenchException(e.getMessage() + cluster.logTails(LOG_LINES), e);
            }
        }
    }

    private BenchReport measure(BenchCluster cluster, Path sample) throws BenchException, IOException {
        long begun = System.nanoTime();
        cluster.start(settings.peers(), settings.replicas(), capacity());
        progress.printf(Locale.ROOT, "bench: server, %d storage peers and the owner ready in %.1f s%n",
                settings.peers(), (System.nanoTime() - begun) / 1e9);
        OwnerShell owner = cluster.owner();
        warmUp(owner);
        Timings backup = new Timings();
        Timings restore = new Timings();
        Timings sha256 = new Timings();
        Timings copy = new Timings();
        List<CpuUse> backupCpu = new ArrayList<>();
        List<CpuUse> restoreCpu = new ArrayList<>();
        Duration timeout = operationTimeout();
        Path copied = dir.resolve("copy.bin");
        byte[] expected = null;
        for (int run = 1; run <= settings.runs(); run++) {
            long start = System.nanoTime();
            byte[] digest = Baselines.sha256(sample);
            double shaSeconds = sha256.since(start);
            if (expected == null) {
                expected = digest;
            } else if (!Arrays.equals(expected, digest)) {
                throw new BenchException("the sample file changed on disk between runs");
            }
            start = System.nanoTime();
            Baselines.durableCopy(sample, copied);
            double copySeconds = copy.since(start);
            Files.delete(copied);

            CpuUse cpu = cluster.cpu();
            start = System.nanoTime();
            int version = owner.backup(sample, timeout);
            double backupSeconds = backup.since(start);
            CpuUse backupUse = cluster.cpu().minus(cpu);
            backupCpu.add(backupUse);
            cpu = cluster.cpu();
            start = System.nanoTime();
            Path restored = owner.restore(SAMPLE, version, timeout);
            double restoreSeconds = restore.since(start);
            CpuUse restoreUse = cluster.cpu().minus(cpu);
            restoreCpu.add(restoreUse);
            if (!Arrays.equals(expected, Baselines.sha256(restored))) {
                throw new BenchException("run " + run + ": version " + version + " restored differs from the original");
            }
            // Gone before the next run, which then restores into a new file as this one did.
            // Left in place, the second run's restore replaced it, and the freeing of its
            // blocks shared the disk with what came next (the copy baseline of the run after
            // took 3 s instead of 0.7).
            Files.delete(restored);
            progress.printf(Locale.ROOT, "bench: run %d of %d: sha256 %.2f s, copy %.2f s, backup %.2f s (CPU s "
                            + "owner %.2f, storage %.2f, server %.2f), restore %.2f s (%.2f, %.2f, %.2f), restored "
                            + "file verified%n", run, settings.runs(), shaSeconds, copySeconds, backupSeconds,
                    backupUse.owner(), backupUse.storage(), backupUse.server(), restoreSeconds, restoreUse.owner(),
                    restoreUse.storage(), restoreUse.server());
        }
        MemoryPeaks memory = owner.memory();
        List<String> outOfMemory = cluster.outOfMemory();
        if (!outOfMemory.isEmpty()) {
            progress.println("bench: WARNING out of heap at -Xmx" + BenchCluster.PEER_HEAP_MB + "m: "
                    + String.join(", ", outOfMemory) + "; every restore was verified, but a job that lost threads "
                    + "to it ran with fewer (see each process's log with --keep)");
        }
        return new BenchReport(settings, backup, restore, sha256, copy, memory, CpuTimings.of(backupCpu),
                CpuTimings.of(restoreCpu));
    }

    /**
     * --warm-ups backups and restores of a file as large (up to 1 GiB), untimed, before the
     * runs. Server and peers are long-running processes in real use; in a cluster just
     * started, the JIT compiles their hot paths during the first operations, and on two
     * cores that compiling took a third of the storage peers' CPU in the first runs (perf),
     * and most of the server's: its code runs once per chunk, not per byte, and is compiled
     * late. After one warm-up the server's CPU per GiB backed up still fell run after run
     * (2.7, 2.5, 1.7, 1.6, then 1.2 s from the fifth on; perf: its compiler threads busy
     * all along), the storage peers' from the third (4.2, 5.4, then about 3.6 s).
     */
    private void warmUp(OwnerShell owner) throws BenchException, IOException {
        long size = Math.min(settings.size(), WARM_UP_BYTES);
        Path warm = dir.resolve(WARM_UP);
        Duration timeout = operationTimeout();
        for (int round = 1; round <= settings.warmUps(); round++) {
            progress.printf(Locale.ROOT, "bench: warm-up %d of %d: an untimed backup and restore of %s%n", round,
                    settings.warmUps(), Sizes.human(size));
            // Other bytes each time: every round stores and seals anew, as a run does.
            SampleFile.write(warm, size, SEED + round);
            int version = owner.backup(warm, timeout);
            Files.delete(owner.restore(WARM_UP, version, timeout));
            Files.delete(warm);
        }
    }

    /**
     * What each storage peer offers: room for every version the runs and the warm-ups make
     * (nothing is forgotten between them), as if the server put every chunk on this one peer (a peer
     * holds at most one copy of a chunk), with room to spare for what sealing adds.
     */
    private long capacity() {
        long file = settings.size() + settings.size() / 16 + (1 << 20);
        return (settings.runs() + settings.warmUps()) * file;
    }

    // Far beyond any healthy run (a MB a second): a deadline only for a cluster that hangs.
    private Duration operationTimeout() {
        return Duration.ofSeconds(120 + settings.size() / 1_000_000);
    }
}
