package p2pbrs.cli;

import java.util.concurrent.Callable;
import p2pbrs.sql.Reports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code files}: every owner's files and versions with their health, the operator's view
 * of what the peer shell's {@code files} shows an owner of its own (the same health words).
 */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = "Report every owner's files and versions with their health: healthy, under-replicated or "
                + "missing (a version being backed up shows pending). Reads the running or stopped server's "
                + "database; run on its machine, as its user.")
final class FilesCommand implements Callable<Integer> {
    @Mixin
    ReportOptions options;

    @Override
    public Integer call() {
        return Queries.print(options.db, options.format(), Reports::files);
    }
}
