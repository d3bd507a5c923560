package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.store.Database;

/**
 * What the server records in its history (run, event, and the views over them) for the
 * registry, liveness and refused requests, driven over raw UDP on a clock the test moves.
 */
class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void registryLivenessAndRefusalsAreRecordedAndOutliveDeRegistration() throws Exception {
        LivenessTest.MovableClock clock = new LivenessTest.MovableClock();
        try (MetadataServer server = start(clock);
             UdpTestClient client = new UdpTestClient(server.udpPort());
             Database db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 2)) {
            String sam = client.register("Sam");
            String olga = client.register("Olga");
            assertEquals("REGISTERED", client.call("REGISTER " + nextRq()
                    + " Olga BOTH 127.0.0.1 5002 6002 1GB token=" + olga).command());

            assertEquals("RESTORE-DENIED", client.call("RESTORE_REQ " + nextRq() + " nothing.txt token=" + olga)
                    .command());

            clock.advance(Duration.ofSeconds(16));
            server.sweepLiveness();
            clock.advance(Duration.ofSeconds(61));
            server.sweepLiveness();
            // Olga went silent too; Sam comes back, Olga stays DEAD: no storage peer is alive.
            assertEquals("ACK", client.call("HEARTBEAT " + nextRq() + " Sam 3 0 token=" + sam).command());
            assertEquals("BACKUP-DENIED", client.call("BACKUP_REQ " + nextRq() + " f.bin 10 - token=" + sam)
                    .command());

            assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " Olga token=" + olga).command());

            String events = "SELECT kind, from_state, to_state FROM event WHERE peer_name = ? ORDER BY id";
            assertEquals(List.of("REGISTERED null>null", "STATE ALIVE>STALE", "STATE STALE>DEAD", "STATE DEAD>ALIVE"),
                    rows(db, events, "Sam"), "each event once, in order");
            assertEquals(List.of("REGISTERED null>null", "REBOUND ALIVE>ALIVE", "STATE ALIVE>STALE",
                    "STATE STALE>DEAD", "DEREGISTERED DEAD>GONE"), rows(db, events, "Olga"));
            assertEquals(List.of("Sam 1"),
                    rows(db, "SELECT peer_name, deaths FROM v_peer_deaths WHERE peer_name = 'Sam'"));
            // Olga's refused restore is a failed run, still there after she de-registered.
            assertEquals(List.of("RESTORE Olga nothing.txt FAILED Unknown-file",
                            "BACKUP Sam f.bin FAILED No-storage-peer"),
                    rows(db, "SELECT kind, owner_name, file_name, outcome, reason FROM v_failed_runs ORDER BY id"));
        }
    }

    @Test
    void anIdentityRepeatingRefusedRequestsIsRecordedOnlySoOften() throws Exception {
        LivenessTest.MovableClock clock = new LivenessTest.MovableClock();
        try (MetadataServer server = start(clock);
             UdpTestClient client = new UdpTestClient(server.udpPort());
             Database db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 2)) {
            String eve = client.register("Eve");
            String other = client.register("Other");
            for (int i = 0; i < RefusedRuns.PER_MINUTE + 10; i++) {
                assertEquals("RESTORE-DENIED", client.call("RESTORE_REQ " + nextRq() + " no" + i + ".txt token=" + eve)
                        .command(), "every one is refused");
            }
            assertEquals("RESTORE-DENIED", client.call("RESTORE_REQ " + nextRq() + " x.txt token=" + other).command());
            String count = "SELECT owner_name, COUNT(*) FROM run GROUP BY owner_name ORDER BY owner_name";
            assertEquals(List.of("Eve " + RefusedRuns.PER_MINUTE, "Other 1"), rows(db, count),
                    "a minute's budget each, the others' unaffected");

            clock.advance(Duration.ofSeconds(2));
            assertEquals("RESTORE-DENIED", client.call("RESTORE_REQ " + nextRq() + " later.txt token=" + eve)
                    .command());
            assertEquals(List.of("Eve " + (RefusedRuns.PER_MINUTE + 1), "Other 1"), rows(db, count),
                    "the budget refills with time");
        }
    }

    private MetadataServer start(LivenessTest.MovableClock clock) throws Exception {
        return MetadataServer.start(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0), clock);
    }

    // Each row as its values joined by spaces (from_state and to_state by '>', for events).
    private static List<String> rows(Database db, String sql, Object... args) {
        return db.dsl().fetch(sql, args).stream()
                .map(r -> r.size() == 3 && sql.contains("from_state")
                        ? r.get(0) + " " + r.get(1) + ">" + r.get(2)
                        : r.intoStream().map(String::valueOf).collect(Collectors.joining(" ")))
                .collect(Collectors.toList());
    }
}
