package p2pbrs.cli;

import java.util.concurrent.Callable;
import p2pbrs.sql.Reports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peers}: each peer's state, capacity, bytes used, chunks held and last heartbeat. */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "Report each peer's role, state, capacity, bytes used, chunks held and last heartbeat (as last "
                + "written to the database: up to 30 s behind on a running server). Reads the running or stopped "
                + "server's database; run on its machine, as its user.")
final class PeersCommand implements Callable<Integer> {
    @Mixin
    ReportOptions options;

    @Option(names = "--all", description = "Include de-registered (GONE) peers whose rows remain.")
    boolean all;

    @Override
    public Integer call() {
        return Queries.print(options.db, options.format(), sql -> Reports.peers(sql, all));
    }
}
