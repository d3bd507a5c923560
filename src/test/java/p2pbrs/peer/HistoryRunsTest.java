package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;
import p2pbrs.store.Database;

/**
 * What the server records of backups, restores, bad copies and repairs, on a cluster of
 * real peers: runs with their numbers, two versions side by side, a CHUNK_BAD and the
 * repair it sets off.
 */
class HistoryRunsTest {
    @TempDir
    Path dir;

    @Test
    void backupsRestoresBadCopiesAndRepairsAreRecorded() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)));
             Database db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 2)) {
            Duration beat = Duration.ofMillis(100);
            for (String name : List.of("S1", "S2", "S3")) {
                c.start(name, Role.STORAGE, GIB, beat);
            }
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Ola", Role.OWNER, 0);
            Peer owner = c.start("Ola", Role.OWNER, 0, 5_000, token, 16, beat);
            byte[] v1 = LocalCluster.random(6 * CHUNK, 41);
            byte[] v2 = LocalCluster.random(2 * CHUNK + 7, 42);
            assertEquals(0, owner.backup(c.source("precious.bin", v1)).underReplicated());
            assertArrayEquals(v1, Files.readAllBytes(owner.restore("precious.bin", 1).path()));
            assertEquals(0, owner.backup(c.source("precious.bin", v2)).underReplicated());
            assertEquals("ACK 2", udp.call("RESTORE_FAIL 2 precious.bin Local-IO-error version=2 token=" + token));

            List<Record> runs = db.dsl().fetch("SELECT * FROM v_runs WHERE owner_name = 'Ola' ORDER BY id");
            assertEquals(List.of("BACKUP 1 OK null", "RESTORE 1 OK null", "BACKUP 2 OK null",
                    "RESTORE 2 FAILED Local-IO-error"), runs.stream()
                    .map(r -> r.get("KIND") + " " + r.get("VERSION") + " " + r.get("OUTCOME") + " " + r.get("REASON"))
                    .collect(Collectors.toList()));
            Record backup = runs.get(0);
            assertEquals(6L * CHUNK, ((Number) backup.get("SIZE")).longValue());
            assertEquals(6, ((Number) backup.get("CHUNK_COUNT")).intValue());
            // Two copies of six chunks on three peers: at least two of them were used.
            assertTrue(((Number) backup.get("PEERS_USED")).intValue() >= 2, backup.toString());
            assertTrue(backup.get("STARTED_AT") != null && backup.get("SECONDS") != null, backup.toString());
            assertTrue(runs.get(1).get("STARTED_AT") != null, "the restore's first plan page was noted: " + runs.get(1));
            // Six chunks, two copies each, on three peers: the restore took each chunk from some of them.
            int served = ((Number) runs.get(1).get("PEERS_USED")).intValue();
            assertTrue(served >= 2 && served <= 3, runs.get(1).toString());
            assertEquals(null, runs.get(3).get("PEERS_USED"), "a report without peers= says nothing of them");
            assertEquals(List.of("1 healthy", "2 healthy"), column(db,
                    "SELECT version || ' ' || health FROM v_file_health WHERE file_name = 'precious.bin' ORDER BY version"));

            // The owner finds chunk 0 bad on one of its holders: recorded, and repaired.
            String holder = List.of("S1", "S2", "S3").stream()
                    .filter(n -> Files.exists(c.chunkFile(n, v1, 0))).findFirst().orElseThrow();
            assertEquals("ACK 3", udp.call("CHUNK_BAD 3 precious.bin 0 version=1 holder=" + holder + " token=" + token));
            assertEquals(List.of("CHUNK_BAD " + holder + " Ola precious.bin 1 0 OWNER"), column(db,
                    "SELECT kind || ' ' || peer_name || ' ' || owner_name || ' ' || file_name || ' ' || version"
                            + " || ' ' || chunk_idx || ' ' || reason FROM event WHERE kind = 'CHUNK_BAD'"));
            Object repair = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30), () -> {
                List<String> done = column(db, "SELECT file_name || ' ' || version || ' ' || chunk_idx || ' '"
                        + " || outcome || ' ' || (source_name <> target_name) || ' ' || (duration_ms >= 0)"
                        + " FROM event WHERE kind = 'REPAIR'");
                return done.isEmpty() ? null : done;
            });
            assertEquals(List.of("precious.bin 1 0 OK TRUE TRUE"), repair);

            // A holder leaves: decommissioning first (its copies are needed), gone once they
            // are elsewhere; its events stay, as do the runs that used it.
            String leaver = holder;
            String leaverToken = c.token(leaver);
            int[] rq = {100};
            Object gone = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30), () -> {
                String reply = udp.call("DE-REGISTER " + rq[0]++ + " " + leaver + " token=" + leaverToken);
                return reply.startsWith("DE-REGISTERED ") ? reply : null;
            });
            assertTrue(gone != null);
            // (Liveness events of a loaded machine's late heartbeats may come between: left out.)
            assertEquals(List.of("REGISTERED -", "DEREGISTERED DECOMMISSIONING", "DEREGISTERED GONE"),
                    column(db, "SELECT kind || ' ' || COALESCE(to_state, '-') FROM event WHERE peer_name = '" + leaver
                            + "' AND kind IN ('REGISTERED', 'DEREGISTERED') ORDER BY id"));
            assertEquals(4, column(db, "SELECT id FROM run WHERE owner_name = 'Ola'").size());
        }
    }

    @Test
    void aPlanThatExpiresIsAFailedBackupAndARefusalIsOneToo() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(1)));
             Database db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 2)) {
            c.start("Box", Role.STORAGE, 10L * CHUNK);
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Quitter", Role.OWNER, 0);
            assertTrue(udp.call("BACKUP_REQ 2 abandoned.bin " + 8L * CHUNK + " - token=" + token)
                    .startsWith("BACKUP_PLAN 2 "));
            assertEquals("BACKUP-DENIED 3 No-capacity",
                    udp.call("BACKUP_REQ 3 more.bin " + 8L * CHUNK + " - token=" + token));

            String expired = "SELECT file_name || ' ' || COALESCE(CAST(version AS VARCHAR), '-') || ' ' || reason"
                    + " || ' ' || (started_at <= finished_at) FROM v_failed_runs ORDER BY id";
            Object runs = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(15), () -> {
                List<String> failed = column(db, expired);
                return failed.size() == 2 ? failed : null;
            });
            assertEquals(List.of("more.bin - No-capacity TRUE", "abandoned.bin 1 Plan-expired TRUE"), runs);
        }
    }

    private static List<String> column(Database db, String sql) {
        return db.dsl().fetch(sql).getValues(0, String.class);
    }
}
