package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.cluster.BenchOutput.number;
import static p2pbrs.cluster.BenchOutput.object;
import static p2pbrs.cluster.BenchOutput.stderr;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.testing.Json;

/**
 * The benchmark from the packaged jar, small (CI proves that it works, not how fast): it
 * starts its cluster as separate processes, backs up, restores and verifies, prints one
 * JSON object and nothing else, and leaves no folder behind.
 */
class BenchIT {
    private static final Duration WITHIN = Duration.ofMinutes(3);
    private static final long SIZE = 32L << 20;

    @TempDir
    Path dir;

    @Test
    void aSmallBenchmarkPrintsItsMediansAsJson() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path benchDirs = dir.resolve("bench");
        int exit;
        List<String> out;
        try (Launched bench = Launched.start(work, List.of(), "bench", "--size", "32MiB", "--runs", "1", "--warm-ups", "1", "--json",
                "--dir", benchDirs.toString())) {
            exit = bench.awaitExit(WITHIN);
            out = bench.output();
        }
        String log = stderr(work);
        assertEquals(0, exit, log);
        assertEquals(1, out.size(), "one line on standard output: " + out + log);

        Map<String, Object> report = object(Json.parse(out.get(0)));
        assertEquals(new BigDecimal(SIZE), report.get("size"));
        assertEquals(BigDecimal.ONE, report.get("runs"));
        assertEquals(BigDecimal.ONE, report.get("warm_ups"));
        assertEquals(new BigDecimal(3), report.get("peers"));
        assertEquals(BigDecimal.ONE, report.get("replicas"));
        Map<String, Object> baselines = object(report.get("baselines"));
        Map<String, Object> sha256 = timings(baselines.get("sha256"));
        Map<String, Object> copy = timings(baselines.get("copy"));
        for (String operation : List.of("backup", "restore")) {
            Map<String, Object> figures = timings(report.get(operation));
            // A ratio is the baseline's seconds over the operation's (to the rounding printed).
            assertClose(number(sha256, "seconds") / number(figures, "seconds"), number(figures, "vs_sha256"));
            assertClose(number(copy, "seconds") / number(figures, "seconds"), number(figures, "vs_copy"));
            // The owner ran at -Xmx128m: its heap never held more, and did hold something.
            double heap = number(figures, "heap_peak_mb");
            assertTrue(heap > 1 && heap <= 128, operation + ": heap_peak_mb " + heap);
            if (Files.isReadable(Path.of("/proc/self/status"))) {
                assertTrue(number(figures, "rss_peak_mb") > heap, operation + ": rss_peak_mb " + figures);
            }
        }
        Map<String, Object> heapMax = object(report.get("heap_max_mb"));
        assertEquals(new BigDecimal(128), heapMax.get("owner"));
        assertEquals(new BigDecimal(128), heapMax.get("storage"));
        Map<String, Object> machine = object(report.get("machine"));
        assertTrue(number(machine, "cores") >= 1, machine.toString());
        assertFalse(((String) machine.get("java")).isBlank(), machine.toString());

        // Its temporary folder (databases, chunks, the sample and the restored copy) is gone.
        try (Stream<Path> left = Files.list(benchDirs)) {
            assertEquals(List.of(), left.collect(Collectors.toList()));
        }
    }

    /** seconds, mb_s (MB of 10^6 bytes a second, of the whole file) and runs_seconds, all positive. */
    private static Map<String, Object> timings(Object value) {
        Map<String, Object> figures = object(value);
        double seconds = number(figures, "seconds");
        assertTrue(seconds > 0, figures.toString());
        assertClose(SIZE / 1e6 / seconds, number(figures, "mb_s"));
        List<?> runs = (List<?>) figures.get("runs_seconds");
        assertEquals(1, runs.size(), figures.toString());
        assertEquals(0, ((BigDecimal) runs.get(0)).compareTo(new BigDecimal(figures.get("seconds").toString())));
        return figures;
    }

    // Printed rounded: within a few per cent (and a rounding step) of the figure recomputed.
    private static void assertClose(double expected, double printed) {
        assertTrue(Math.abs(expected - printed) <= 0.02 * Math.abs(expected) + 0.05,
                "expected about " + expected + ", printed " + printed);
    }
}
