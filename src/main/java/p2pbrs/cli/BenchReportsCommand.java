package p2pbrs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import p2pbrs.sql.ReadOnlySql;
import p2pbrs.sql.Reports;
import p2pbrs.sql.SqlAccessFile;
import p2pbrs.sql.SqlDoor;
import p2pbrs.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-reports}: fills a new database with a large history and times each report on
 * it, read the way the report commands read a stopped server's database. Prints plain lines:
 * {@code filled ...} (what was filled), one {@code report=<name> rows=<n> median_ms=<x>} per
 * report, and {@code done reports=<n> max_median_ms=<x>}.
 */
@Command(name = "bench-reports", mixinStandardHelpOptions = true,
        description = "Fill a NEW server database with a large history (storage peers, owners, files, chunk "
                + "placements, runs, events) and time each report on it (median of " + BenchReportsCommand.TIMED
                + " runs after " + BenchReportsCommand.WARM_UPS + " warm-ups). Prints 'report=<name> rows=<n> "
                + "median_ms=<x>' per report.")
final class BenchReportsCommand implements Callable<Integer> {
    static final int WARM_UPS = 2;
    static final int TIMED = 5;

    @Option(names = "--db", required = true,
            description = "Path of the new database (without extension); refused if a database is there already.")
    Path db;

    @Option(names = "--placements", defaultValue = "1000000",
            description = "Chunk placements (STORED copies) to fill, rounded down to whole files (default ${DEFAULT-VALUE}).")
    long placements;

    @Option(names = "--runs", defaultValue = "100000", description = "Backup and restore runs to fill (default ${DEFAULT-VALUE}).")
    long runs;

    /** A report as timed: its rows are counted, not printed. */
    private interface Report {
        int rows(ReadOnlySql sql) throws SQLException;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        if (placements < 1 || runs < 0) {
            System.err.println("ERROR --placements must be at least 1 and --runs at least 0");
            return 2;
        }
        Path mvDb = db.toAbsolutePath().normalize().resolveSibling(db.getFileName() + ".mv.db");
        if (Files.exists(mvDb) || Files.exists(SqlAccessFile.file(db))) {
            System.err.println("ERROR a database is already at " + db + ": bench-reports fills a new one only");
            return 1;
        }
        try {
            BenchData.Filled filled = fill();
            out.println(filled.line());
            double worst = 0;
            Map<String, Report> reports = reports();
            try (ReadOnlySql sql = ReadOnlySql.connect(db)) {
                for (Map.Entry<String, Report> report : reports.entrySet()) {
                    double[] ms = new double[TIMED];
                    int rows = 0;
                    for (int i = 0; i < WARM_UPS + TIMED; i++) {
                        long start = System.nanoTime();
                        rows = report.getValue().rows(sql);
                        if (i >= WARM_UPS) {
                            ms[i - WARM_UPS] = (System.nanoTime() - start) / 1e6;
                        }
                    }
                    Arrays.sort(ms);
                    double median = ms[TIMED / 2];
                    worst = Math.max(worst, median);
                    out.println("report=" + report.getKey() + " rows=" + rows + " median_ms="
                            + String.format(Locale.ROOT, "%.1f", median));
                }
            }
            out.println("done reports=" + reports.size() + " max_median_ms=" + String.format(Locale.ROOT, "%.1f", worst));
            return 0;
        } catch (IOException | SQLException | RuntimeException e) {
            System.err.println("ERROR " + e.getMessage());
            return 1;
        }
    }

    /**
     * Creates the database through the migrations, as a server's start does, fills it, and
     * sets up the read-only user and {@code <db>.sql} as a start does too; then stops, so that
     * the reports open it as a stopped server's.
     */
    private BenchData.Filled fill() throws IOException, SQLException {
        try (Database database = Database.open(db, Database.Kind.SERVER, 2)) {
            BenchData.Filled filled = database.dsl().connectionResult(c -> {
                try {
                    return BenchData.fill(c, placements, runs);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot fill the database: " + e.getMessage(), e);
                }
            });
            SqlDoor.open(database, 0).close();
            return filled;
        }
    }

    private static Map<String, Report> reports() {
        Map<String, Report> reports = new LinkedHashMap<>();
        reports.put("history", sql -> Reports.history(sql, null, null, null, false).rows().size());
        reports.put("history-owner", sql -> Reports.history(sql, BenchData.owner(7), null, null, false).rows().size());
        reports.put("history-failed", sql -> Reports.history(sql, null, null, null, true).rows().size());
        reports.put("files", sql -> Reports.files(sql).rows().size());
        reports.put("peers", sql -> Reports.peers(sql, false).rows().size());
        reports.put("usage", sql -> Reports.usage(sql).rows().size());
        return reports;
    }
}
