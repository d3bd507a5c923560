package p2pbrs.cli;

import static p2pbrs.sql.RowsFormat.quote;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import p2pbrs.server.HealthCheck;
import p2pbrs.store.RepairStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fsck}: like {@code hdfs fsck}, counts the chunks of every complete backup that are
 * healthy, under-replicated, being repaired and missing, lists the files at risk, and
 * exits 1 when any chunk is missing. Run on the server's machine as the server's user.
 */
@Command(name = "fsck", mixinStandardHelpOptions = true,
        description = "Check the health of every backup: chunks healthy, under-replicated, being repaired, missing. "
                + "Exits 1 when any chunk is missing. Run on the server's machine, as the server's user.")
final class FsckCommand implements Callable<Integer> {
    @Option(names = "--db", defaultValue = "db/server",
            description = "The server's database path, as given to the server (default ${DEFAULT-VALUE}).")
    Path db;

    @Option(names = "--server", description = "Where the server listens, host:port (default: as it last recorded).")
    String server;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        HealthCheck.Report report;
        try {
            report = HealthCheck.check(db, server == null ? null : address(server));
        } catch (Exception e) {
            System.err.println("ERROR " + e.getMessage());
            return 2;
        }
        RepairStore.Health h = report.health();
        if (json) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT,
                    "{\"healthy\":%d,\"under_replicated\":%d,\"repairing\":%d,\"missing\":%d,\"at_risk\":[",
                    h.healthy(), h.underReplicated(), h.repairing(), h.missing()));
            for (int i = 0; i < h.atRisk().size(); i++) {
                RepairStore.AtRisk r = h.atRisk().get(i);
                sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"owner\":%s,\"file\":%s,\"version\":%d,\"missing\":%b}", quote(r.owner()), quote(r.file()),
                        r.version(), r.missing()));
            }
            System.out.println(sb.append("]}"));
        } else {
            System.out.printf(Locale.ROOT, "chunks: healthy=%d under_replicated=%d repairing=%d missing=%d (%s)%n",
                    h.healthy(), h.underReplicated(), h.repairing(), h.missing(),
                    report.fromRunningServer() ? "from the running server" : "from the stopped server's database");
            for (RepairStore.AtRisk r : h.atRisk()) {
                System.out.printf(Locale.ROOT, "at risk: %s %s v%d (%s)%n", r.owner(), r.file(), r.version(),
                        r.missing() ? "chunks missing" : "short of copies");
            }
            System.out.println(h.missing() > 0 ? "MISSING" : h.underReplicated() + h.repairing() > 0 ? "DEGRADED"
                    : "HEALTHY");
        }
        return h.missing() > 0 ? 1 : 0;
    }

    private static InetSocketAddress address(String hostPort) throws Exception {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon).replace("[", "")
                .replace("]", "")), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
