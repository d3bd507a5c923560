package p2pbrs.cli;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import p2pbrs.protocol.Durations;
import p2pbrs.sql.Reports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code history}: backup and restore runs, newest first, with filters. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Report the backup and restore runs (refused requests included), newest first. Reads the "
                + "running or stopped server's database; run on its machine, as its user.")
final class HistoryCommand implements Callable<Integer> {
    @Mixin
    ReportOptions options;

    @Option(names = "--owner", description = "Only this owner's runs (any case).")
    String owner;

    @Option(names = "--file", description = "Only the runs of this file.")
    String file;

    @Option(names = "--since", description = "Only runs finished since: an ISO date or time (2026-11-01, "
            + "2026-11-01T12:00:00Z), or a time ago (12h, 7d).")
    String since;

    @Option(names = "--failed", description = "Only the runs that failed or were refused.")
    boolean failed;

    @Override
    public Integer call() {
        OffsetDateTime from;
        try {
            from = since == null ? null : since(since, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR " + e.getMessage());
            return 2;
        }
        return Queries.print(options.db, options.format(), sql -> Reports.history(sql, owner, file, from, failed));
    }

    /** An ISO date (its midnight, UTC), an ISO instant with its offset, or a time ago (7d, 12h). */
    static OffsetDateTime since(String text, Clock clock) {
        try {
            return OffsetDateTime.now(clock).minus(Durations.parse(text));
        } catch (IllegalArgumentException notAgo) {
            try {
                return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException notDate) {
                try {
                    return OffsetDateTime.parse(text);
                } catch (DateTimeParseException notTime) {
                    throw new IllegalArgumentException("--since takes an ISO date (2026-11-01), an ISO time with its "
                            + "offset (2026-11-01T12:00:00Z) or a time ago (12h, 7d), not '" + text + "'");
                }
            }
        }
    }
}
