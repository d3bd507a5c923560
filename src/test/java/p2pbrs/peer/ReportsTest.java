package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.cli.Main;
import p2pbrs.protocol.Role;
import p2pbrs.testing.Json;

/** The {@code peers} and {@code usage} reports on a known history, running and stopped, read back from JSON. */
class ReportsTest {
    @TempDir
    Path dir;

    @Test
    void peersAndUsageReportWhatIsStoredWhereFromARunningAndAStoppedServer() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            c.start("S1", Role.STORAGE, GIB);
            c.start("S2", Role.STORAGE, GIB);
            Peer ola = c.start("Ola", Role.OWNER, 0);
            Peer bo = c.start("Bo", Role.OWNER, 0);
            // Two copies of each chunk on two storage peers: each holds every chunk.
            ola.backup(c.source("a.bin", LocalCluster.random(3 * CHUNK, 1)));
            ola.backup(c.source("b.bin", LocalCluster.random(CHUNK, 2)));
            bo.backup(c.source("c.bin", LocalCluster.random(2 * CHUNK, 3)));
            Peer leaving = c.start("S3", Role.STORAGE, GIB);
            leaving.deRegister();

            Path db = dir.resolve("server");
            List<String> running = List.of(print("peers", db, "--json"), print("peers", db, "--all", "--json"),
                    print("usage", db, "--json"), print("peers", db), print("usage", db));
            assertTrue(running.get(4).contains("peer   S2"), running.get(4));

            List<Map<String, Object>> peers = Json.rows(running.get(0));
            assertEquals(List.of("Bo", "Ola", "S1", "S2"), column(peers, "name"));
            assertEquals(List.of("OWNER", "OWNER", "STORAGE", "STORAGE"), column(peers, "role"));
            assertEquals(List.of("ALIVE", "ALIVE", "ALIVE", "ALIVE"), column(peers, "state"));
            assertEquals(numbers(0, 0, GIB, GIB), column(peers, "capacity"));
            assertEquals(numbers(0, 0, 6L * LocalCluster.SEALED, 6L * LocalCluster.SEALED), column(peers, "bytes_used"));
            assertEquals(numbers(0, 0, 6, 6), column(peers, "chunks"));
            for (Object heard : column(peers, "last_heartbeat")) {
                assertTrue(((String) heard).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z"), heard.toString());
            }
            List<Map<String, Object>> all = Json.rows(running.get(1));
            assertEquals(List.of("Bo", "Ola", "S1", "S2", "S3"), column(all, "name"));
            assertEquals("GONE", all.get(4).get("state"));

            List<Map<String, Object>> usage = Json.rows(running.get(2));
            assertEquals(List.of(
                    row("owner", "Bo", 1L, 1L, 4, 4L * LocalCluster.SEALED),
                    row("owner", "Ola", 2L, 2L, 8, 8L * LocalCluster.SEALED),
                    row("peer", "S1", null, null, 6, 6L * LocalCluster.SEALED),
                    row("peer", "S2", null, null, 6, 6L * LocalCluster.SEALED)), usage);

            String table = running.get(3);
            assertTrue(table.lines().findFirst().orElseThrow().matches(
                    "name +role +state +capacity +bytes_used +chunks +committed_bytes +last_heartbeat"), table);
            assertTrue(table.contains("(4 rows)"), table);

            // Stopped, the same reports from the database file.
            c.server.close();
            // (The last heartbeat is left out: a running server may write a newer one meanwhile.)
            assertEquals(withoutHeartbeats(Json.rows(running.get(1))),
                    withoutHeartbeats(Json.rows(print("peers", db, "--all", "--json"))));
            assertEquals(running.get(2), print("usage", db, "--json"));
            assertEquals(running.get(4), print("usage", db));
        }
    }

    @Test
    void historyAndFilesReportRunsAndHealthWithTheirFilters() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withLiveness(java.time.Duration.ofMillis(300),
                java.time.Duration.ofMillis(600)))) {
            java.time.Duration beat = java.time.Duration.ofMillis(100);
            c.start("S1", Role.STORAGE, GIB, beat);
            Peer s2 = c.start("S2", Role.STORAGE, GIB, beat);
            Peer ola = c.start("Ola", Role.OWNER, 0, beat);
            Peer bo = c.start("Bo", Role.OWNER, 0, beat);
            ola.backup(c.source("a.bin", LocalCluster.random(2 * CHUNK, 4)));
            ola.backup(c.source("a.bin", LocalCluster.random(CHUNK, 5)));
            bo.backup(c.source("c.bin", LocalCluster.random(CHUNK, 6)));
            ola.restore("a.bin", null);
            assertThrows(PeerException.class, () -> bo.restore("nothing.bin", null));
            Path db = dir.resolve("server");

            List<Map<String, Object>> runs = Json.rows(print("history", db, "--json"));
            assertEquals(List.of("RESTORE", "RESTORE", "BACKUP", "BACKUP", "BACKUP"), column(runs, "kind"),
                    "newest first");
            assertEquals(List.of("Bo", "Ola", "Bo", "Ola", "Ola"), column(runs, "owner"));
            assertEquals(List.of("FAILED", "OK", "OK", "OK", "OK"), column(runs, "outcome"));
            assertEquals("Unknown-file", runs.get(0).get("reason"));
            List<Map<String, Object>> olas = Json.rows(print("history", db, "--owner", "ola", "--file", "a.bin",
                    "--json"));
            assertEquals(numbers(2, 2, 1), column(olas, "version"));
            assertEquals(List.of("Bo"), column(Json.rows(print("history", db, "--failed", "--json")), "owner"));
            assertEquals(5, Json.rows(print("history", db, "--since", "1d", "--json")).size());
            assertEquals(0, Json.rows(print("history", db, "--since", "2999-01-01", "--json")).size());

            // Health as fsck counts it: S2 dead leaves every chunk one copy short.
            List<Map<String, Object>> files = Json.rows(print("files", db, "--json"));
            assertEquals(List.of("Bo", "Ola", "Ola"), column(files, "owner"));
            assertEquals(List.of("healthy", "healthy", "healthy"), column(files, "health"));
            String s2Token = c.token("S2");
            s2.close();
            Object dead = LocalCluster.poll(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(20), () ->
                    column(Json.rows(print("files", db, "--json")), "health")
                            .equals(List.of("under-replicated", "under-replicated", "under-replicated"))
                            ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, dead);
            // Back with the copies it kept, it counts again.
            c.start("S2", Role.STORAGE, GIB, 5_000, s2Token, 16, beat);
            Object back = LocalCluster.poll(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(20), () ->
                    column(Json.rows(print("files", db, "--json")), "health")
                            .equals(List.of("healthy", "healthy", "healthy")) ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, back);

            // Stopped, the same from the database file.
            String history = print("history", db, "--json");
            c.server.close();
            assertEquals(history, print("history", db, "--json"));
        }
    }

    private static List<Map<String, Object>> withoutHeartbeats(List<Map<String, Object>> rows) {
        rows.forEach(r -> r.remove("last_heartbeat"));
        return rows;
    }

    private static List<Object> column(List<Map<String, Object>> rows, String key) {
        List<Object> values = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            assertTrue(row.containsKey(key), key + " in " + row);
            values.add(row.get(key));
        }
        return values;
    }

    private static List<Object> numbers(long... values) {
        List<Object> list = new ArrayList<>();
        for (long v : values) {
            list.add(BigDecimal.valueOf(v));
        }
        return list;
    }

    private static Map<String, Object> row(String kind, String name, Long files, Long versions, long chunks,
                                           long bytes) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", kind);
        row.put("name", name);
        row.put("files", files == null ? null : BigDecimal.valueOf(files));
        row.put("versions", versions == null ? null : BigDecimal.valueOf(versions));
        row.put("chunks", BigDecimal.valueOf(chunks));
        row.put("bytes", BigDecimal.valueOf(bytes));
        return row;
    }

    private static String print(String report, Path db, String... options) {
        List<String> args = new ArrayList<>(List.of(report, "--db", db.toString()));
        args.addAll(List.of(options));
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args.toArray(String[]::new)), args::toString);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
