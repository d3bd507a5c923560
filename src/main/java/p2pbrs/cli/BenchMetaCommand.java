package p2pbrs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import p2pbrs.bench.MetaBench;
import p2pbrs.bench.MetaReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-meta}: how many requests a second the server answers, durably, to many peers at once. */
@Command(name = "bench-meta", mixinStandardHelpOptions = true,
        description = "Measure the server: start a server from this jar as a separate process (open registration, "
                + "its database on disk), then simulate --peers peers (a tenth of them storage peers) over UDP on "
                + "loopback from a few sockets, and measure for --seconds each the requests a second it answers: "
                + "REGISTER, HEARTBEAT, LIST, BACKUP_REQ, CHUNK_SUMS and STORE_ACK (of the versions planned), "
                + "with p50/p99 latency and the server's CPU time. Any denial, or a request never answered, fails "
                + "the run (exit 1).")
final class BenchMetaCommand implements Callable<Integer> {
    @Option(names = "--peers", defaultValue = "1000", description = "Simulated peers (default ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--seconds", defaultValue = "10",
            description = "Seconds of each request kind (default ${DEFAULT-VALUE}); BACKUP_REQ, CHUNK_SUMS and "
                    + "STORE_ACK end sooner once the versions they can use are used up.")
    long seconds;

    @Option(names = "--json", description = "Print one JSON object and nothing else on standard output.")
    boolean json;

    @Option(names = "--sockets", defaultValue = "4", description = "UDP sockets the peers share (default ${DEFAULT-VALUE}).")
    int sockets;

    @Option(names = "--window", defaultValue = "64",
            description = "Requests unanswered at once per socket (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--server-jvm", description = "An option for the server's JVM, for example "
            + "-XX:StartFlightRecording=filename=server.jfr,settings=profile (repeatable).")
    List<String> serverJvm = new ArrayList<>();

    @Option(names = "--dir", description = "Folder in which the benchmark makes its temporary folder (default: the "
            + "system's temporary folder).")
    Path parent;

    @Option(names = "--keep", description = "Keep the temporary folder (the server's database and log).")
    boolean keep;

    @Override
    public Integer call() {
        MetaBench.Settings settings;
        try {
            settings = new MetaBench.Settings(peers, seconds, sockets, window, serverJvm);
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR " + e.getMessage());
            return 2;
        }
        return BenchFolder.run(parent, "p2pbrs-bench-meta-", keep, "bench-meta", dir -> {
            MetaReport report = new MetaBench(settings, dir, System.err).run();
            return json ? report.json() + System.lineSeparator() : report.plain();
        });
    }
}
