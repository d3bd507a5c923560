package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * bench-meta from the packaged jar, small (CI proves that it works, not how fast): it starts
 * a server as a process of its own, simulates peers over UDP, measures every request kind,
 * prints one JSON object and nothing else, and leaves no folder behind.
 */
class BenchMetaIT {
    private static final Duration WITHIN = Duration.ofMinutes(2);
    private static final List<String> KINDS = List.of("REGISTER", "HEARTBEAT", "LIST", "BACKUP_REQ", "CHUNK_SUMS",
            "STORE_ACK");

    @TempDir
    Path dir;

    @Test
    void aSmallRunMeasuresEveryRequestKindAsJson() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path benchDirs = dir.resolve("bench");
        int exit;
        List<String> out;
        try (Launched bench = Launched.start(work, List.of(), "bench-meta", "--peers", "20", "--seconds", "1",
                "--json", "--dir", benchDirs.toString())) {
            exit = bench.awaitExit(WITHIN);
            out = bench.output();
        }
        String log = stderr(work);
        assertEquals(0, exit, log);
        assertEquals(1, out.size(), "one line on standard output: " + out + log);

        Map<String, Object> report = object(Json.parse(out.get(0)));
        assertEquals(new BigDecimal(20), report.get("peers"));
        assertEquals(new BigDecimal(2), report.get("storage"));
        assertEquals(new BigDecimal(18), report.get("owners"));
        assertEquals(BigDecimal.ONE, report.get("seconds"));
        Map<String, Object> requests = object(report.get("requests"));
        assertEquals(KINDS, List.copyOf(requests.keySet()));
        for (String kind : KINDS) {
            Map<String, Object> figures = object(requests.get(kind));
            double count = number(figures, "count");
            double seconds = number(figures, "seconds");
            assertTrue(count > 0 && seconds > 0, kind + ": " + figures);
            // Requests a second are the count over the seconds (to the rounding printed).
            assertTrue(Math.abs(count / seconds - number(figures, "per_second")) <= 0.01 * count / seconds + 0.1,
                    kind + ": " + figures);
            assertTrue(number(figures, "p50_ms") <= number(figures, "p99_ms"), kind + ": " + figures);
            assertEquals(BigDecimal.ZERO, figures.get("denied"), kind + ": " + figures);
        }
        // Every peer registered at least once before anything else was asked of it.
        assertTrue(number(object(requests.get("REGISTER")), "count") >= 20, requests.toString());
        // Each of the 18 owners has at most 16 backups under way: the server's limit.
        assertTrue(number(object(requests.get("BACKUP_REQ")), "count") <= 18 * 16, requests.toString());
        assertTrue(report.get("server") instanceof Map, report.toString());

        try (Stream<Path> left = Files.list(benchDirs)) {
            assertEquals(List.of(), left.collect(Collectors.toList()));
        }
    }
}
