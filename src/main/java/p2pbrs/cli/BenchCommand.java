package p2pbrs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import p2pbrs.bench.Bench;
import p2pbrs.bench.BenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: how fast a backup and a restore are, measured against what this machine
 * does with the same file on its own (one SHA-256 pass, a durable copy).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure backup and restore: start a server, --peers storage peers and an owner from this jar "
                + "as separate processes on loopback (the peers at -Xmx128m), back up a generated file of --size "
                + "and restore it through the owner's shell, --runs times, verifying every restore; measure one "
                + "SHA-256 pass and a durable copy of the same file alongside. Prints the medians: seconds, MB/s, "
                + "ratios to each baseline (baseline seconds / operation seconds: above 1 is faster) and the "
                + "owner's peak heap and resident set. Exits 0 only when every restore was identical.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "1GiB", converter = SizeConverter.class,
            description = "Size of the generated file (default ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--replicas", defaultValue = "1", description = "Copies of each chunk (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--peers", defaultValue = "3", description = "Storage peers (default ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--runs", defaultValue = "3",
            description = "Backups and restores (and baselines) measured; the median is shown (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warm-ups", defaultValue = "4", description = "Untimed backups and restores before the runs, "
            + "so that the JIT has compiled what a long-running cluster runs (default ${DEFAULT-VALUE}).")
    int warmUps;

    @Option(names = "--json", description = "Print one JSON object and nothing else on standard output.")
    boolean json;

    @Option(names = "--dir", description = "Folder in which the benchmark makes its temporary folder (default: the "
            + "system's temporary folder). It needs room for the file about (--runs + --warm-ups) x --replicas + 3 times over.")
    Path parent;

    @Option(names = "--profile", description = "Record a JFR profile of every process (<label>.jfr in its folder; "
            + "implies --keep): where the time goes.")
    boolean profile;

    @Option(names = "--keep", description = "Keep the temporary folder (databases, chunks, each process's log).")
    boolean keep;

    @Override
    public Integer call() {
        Bench.Settings settings;
        try {
            settings = new Bench.Settings(size, runs, warmUps, peers, replicas, profile);
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR " + e.getMessage());
            return 2;
        }
        return BenchFolder.run(parent, "p2pbrs-bench-", keep || profile, "bench", dir -> {
            BenchReport report = new Bench(settings, dir, System.err).run();
            return json ? report.json() + System.lineSeparator() : report.plain();
        });
    }
}
