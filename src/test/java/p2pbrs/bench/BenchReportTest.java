package p2pbrs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import p2pbrs.peer.MemoryPeaks;
import p2pbrs.testing.Json;

/** How the benchmark reports: medians, MB/s, ratios to the baselines, memory; plain and JSON. */
class BenchReportTest {
    private static final long SIZE = 1_000_000_000;

    @Test
    void theMedianIsTheMiddleRunOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(2.0, timings(3.0, 1.0, 2.0).median());
        assertEquals(2.5, timings(4.0, 1.0, 2.0, 3.0).median());
        assertEquals(7.0, timings(7.0).median());
        assertThrows(IllegalStateException.class, () -> new Timings().median());
    }

    @Test
    void plainLinesGiveSecondsThroughputRatiosAndMemory() {
        String[] lines = report(new MemoryPeaks(100L << 20, 300L << 20)).plain().split("\\R");
        assertEquals(5, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("bench size=1000000000 runs=3 warm_ups=1 peers=3 replicas=1 peer_heap_max_mb=128 cores="),
                lines[0]);
        assertTrue(lines[0].contains("(median of 3 runs;"), lines[0]);
        // Backup: median 5 s of 1 GB, 200 MB/s; SHA-256 took 1 s, the copy 2 s.
        assertEquals("backup seconds=5.0000 mb_s=200.0 vs_sha256=0.200 vs_copy=0.400 heap_peak_mb=100.0 "
                + "rss_peak_mb=300.0 cpu_owner_s=3.00 cpu_storage_s=1.50 cpu_server_s=0.50", lines[1]);
        assertEquals("restore seconds=4.0000 mb_s=250.0 vs_sha256=0.250 vs_copy=0.500 heap_peak_mb=100.0 "
                + "rss_peak_mb=300.0 cpu_owner_s=2.00 cpu_storage_s=0.50 cpu_server_s=unknown", lines[2]);
        assertEquals("baseline sha256 seconds=1.0000 mb_s=1000.0", lines[3]);
        assertEquals("baseline copy seconds=2.0000 mb_s=500.0", lines[4]);
    }

    @Test
    void anUnknownResidentPeakIsLeftOutOfTheLinesAndNullInJson() {
        BenchReport report = report(new MemoryPeaks(100L << 20, null));
        assertTrue(report.plain().split("\\R")[1].contains(" heap_peak_mb=100.0 cpu_owner_s="), report.plain());
        Map<?, ?> backup = (Map<?, ?>) ((Map<?, ?>) Json.parse(report.json())).get("backup");
        assertTrue(backup.containsKey("rss_peak_mb") && backup.get("rss_peak_mb") == null, backup.toString());
    }

    @Test
    void jsonIsOneObjectWithEveryFigure() {
        Map<?, ?> json = (Map<?, ?>) Json.parse(report(new MemoryPeaks(100L << 20, 300L << 20)).json());
        assertEquals(List.of("size", "runs", "warm_ups", "peers", "replicas", "backup", "restore", "baselines", "heap_max_mb",
                "machine"), List.copyOf(json.keySet()));
        assertEquals(new BigDecimal(SIZE), json.get("size"));
        Map<?, ?> backup = (Map<?, ?>) json.get("backup");
        assertEquals(new BigDecimal("5.0000"), backup.get("seconds"));
        assertEquals(new BigDecimal("200.0"), backup.get("mb_s"));
        assertEquals(new BigDecimal("0.200"), backup.get("vs_sha256"));
        assertEquals(new BigDecimal("0.400"), backup.get("vs_copy"));
        assertEquals(new BigDecimal("100.0"), backup.get("heap_peak_mb"));
        assertEquals(new BigDecimal("300.0"), backup.get("rss_peak_mb"));
        assertEquals(Map.of("owner", new BigDecimal("3.00"), "storage", new BigDecimal("1.50"), "server",
                new BigDecimal("0.50")), backup.get("cpu_seconds"));
        Map<?, ?> restoreCpu = (Map<?, ?>) ((Map<?, ?>) json.get("restore")).get("cpu_seconds");
        assertEquals(new BigDecimal("2.00"), restoreCpu.get("owner"));
        assertTrue(restoreCpu.containsKey("server") && restoreCpu.get("server") == null, "unknown is null");
        assertEquals(List.of(new BigDecimal("9.0000"), new BigDecimal("5.0000"), new BigDecimal("4.0000")),
                backup.get("runs_seconds"));
        Map<?, ?> baselines = (Map<?, ?>) json.get("baselines");
        assertEquals(new BigDecimal("1000.0"), ((Map<?, ?>) baselines.get("sha256")).get("mb_s"));
        assertEquals(new BigDecimal("500.0"), ((Map<?, ?>) baselines.get("copy")).get("mb_s"));
        assertEquals(Map.of("owner", new BigDecimal(128), "storage", new BigDecimal(128)), json.get("heap_max_mb"));
        Map<?, ?> machine = (Map<?, ?>) json.get("machine");
        assertEquals(new BigDecimal(Runtime.getRuntime().availableProcessors()), machine.get("cores"));
        assertEquals(System.getProperty("java.version"), machine.get("java"));
    }

    private static BenchReport report(MemoryPeaks owner) {
        return new BenchReport(new Bench.Settings(SIZE, 3, 1, 3, 1, false), timings(9.0, 5.0, 4.0), timings(4.0, 3.0, 6.0),
                timings(1.0, 1.0, 1.5), timings(2.0, 2.5, 1.0), owner,
                new CpuTimings(timings(3.0, 2.0, 4.0), timings(1.0, 1.5, 2.5), timings(0.5, 0.25, 0.75)),
                new CpuTimings(timings(1.0, 2.0, 3.0), timings(0.5, 0.5, 0.5), timings(Double.NaN)));
    }

    private static Timings timings(double... seconds) {
        Timings t = new Timings();
        for (double s : seconds) {
            t.add(s);
        }
        return t;
    }
}
