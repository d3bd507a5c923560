package p2pbrs.cli;

import java.util.concurrent.Callable;
import p2pbrs.sql.Reports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code usage}: bytes stored per owner and per storage peer. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Report the bytes stored on storage peers per owner (copies of its files) and per storage peer "
                + "(copies it holds). Reads the running or stopped server's database; run on its machine, as its user.")
final class UsageCommand implements Callable<Integer> {
    @Mixin
    ReportOptions options;

    @Override
    public Integer call() {
        return Queries.print(options.db, options.format(), Reports::usage);
    }
}
