package p2pbrs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.store.Database;
import p2pbrs.testing.CounterAudit;

/** bench-reports, small: it fills, times every report with the rows filled, and refuses an existing database. */
class BenchReportsTest {
    private static final Pattern REPORT = Pattern.compile("report=(\\S+) rows=(\\d+) median_ms=\\d+\\.\\d");

    @TempDir
    Path dir;

    @Test
    void timesEveryReportOnWhatItFilled() {
        Path db = dir.resolve("bench");
        String out = run("bench-reports", "--db", db.toString(), "--placements", "2000", "--runs", "500");
        assertTrue(out.contains("filled placements=2000 chunks=1000 versions=100 files=50 peers=70 runs=500 "
                + "failed_runs=50 events=50"), out);
        Map<String, Integer> rows = new HashMap<>();
        Matcher m = REPORT.matcher(out);
        while (m.find()) {
            rows.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertEquals(Map.of("history", 500, "history-owner", 10, "history-failed", 50, "files", 100, "peers", 70,
                "usage", 70), rows, out);
        assertTrue(out.contains("done reports=6 max_median_ms="), out);
        // What it filled is what a server would have recorded: every counter agrees with the copies.
        try (Database database = Database.open(db, Database.Kind.SERVER, 2)) {
            assertEquals(List.of(), CounterAudit.mismatches(database.dsl()));
        }

        // The database is there now: a second run would mix two fills.
        assertEquals(1, Main.run("bench-reports", "--db", db.toString(), "--placements", "2000", "--runs", "500"));
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
