package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ALIVE, STALE, DEAD: what a peer's silence makes of it, on a clock the test moves. */
class LivenessTest {
    @TempDir
    Path dir;

    /** A clock that stands still until the test moves it. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private ServerConfig config() {
        return ServerConfig.defaults(dir.resolve("server")).withOpenRegistration().withBindAddress("127.0.0.1")
                .withUdpPort(0).withSqlPort(0);
    }

    private static String stateOf(UdpTestClient client, String asker, String name) {
        return client.listAll(asker).stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().state();
    }

    private static String beat(UdpTestClient client, String name, String token) {
        String rq = nextRq();
        return client.call("HEARTBEAT " + rq + " " + name + " 3 " + System.currentTimeMillis()
                + (token == null ? "" : " token=" + token)).text().replace(" " + rq, " RQ");
    }

    @Test
    void aSilentPeerTurnsStaleThenDeadAndAHeartbeatBringsItBack() throws Exception {
        MovableClock clock = new MovableClock();
        try (MetadataServer server = MetadataServer.start(config(), clock);
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String sam = client.register("Sam");
            String owner = client.register("Olga");
            assertEquals("ALIVE", stateOf(client, owner, "Sam"));

            clock.advance(Duration.ofSeconds(14));
            server.sweepLiveness();
            assertEquals("ALIVE", stateOf(client, owner, "Sam"), "not yet 15 s of silence");
            clock.advance(Duration.ofSeconds(2));
            server.sweepLiveness();
            assertEquals("STALE", stateOf(client, owner, "Sam"));
            // No new chunks go to a STALE peer: Sam is the only storage peer Olga could use.
            assertEquals("BACKUP-DENIED", client.call("BACKUP_REQ " + nextRq() + " f.bin 10 - token=" + owner)
                    .command());

            assertEquals("ACK RQ", beat(client, "Sam", sam));
            assertEquals("ALIVE", stateOf(client, owner, "Sam"), "a heartbeat brings it back at once");

            clock.advance(Duration.ofSeconds(61));
            server.sweepLiveness();
            assertEquals("DEAD", stateOf(client, owner, "Sam"));
            assertEquals("ACK RQ", beat(client, "sam", sam), "the name is compared regardless of case");
            assertEquals("ALIVE", stateOf(client, owner, "Sam"));

            assertEquals("ACK-DENIED RQ Unknown-name", beat(client, "Olga", sam), "only under its own name");
            assertEquals("ACK-DENIED RQ Bad-token", beat(client, "Sam", owner.replace('a', 'b').replace('0', '1')));
            assertEquals("ACK-DENIED RQ Missing-token", beat(client, "Sam", null));
        }
    }

    @Test
    void statesSurviveARestartAndARestartAloneDeclaresNobodyDead() throws Exception {
        MovableClock clock = new MovableClock();
        String owner;
        try (MetadataServer server = MetadataServer.start(config(), clock);
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            client.register("Gone");
            owner = client.register("Kept");
            clock.advance(Duration.ofSeconds(61));
            assertEquals("ACK RQ", beat(client, "Kept", owner));
            server.sweepLiveness();
            assertEquals("DEAD", stateOf(client, owner, "Gone"));
            assertEquals("ALIVE", stateOf(client, owner, "Kept"));
        }
        // Ten minutes later the server comes back: the dead stay dead, and the rest get the
        // full time to be heard from before anything is said of them.
        clock.advance(Duration.ofMinutes(10));
        try (MetadataServer server = MetadataServer.start(config(), clock);
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            server.sweepLiveness();
            assertEquals("DEAD", stateOf(client, owner, "Gone"));
            assertEquals("ALIVE", stateOf(client, owner, "Kept"));
            clock.advance(Duration.ofSeconds(16));
            server.sweepLiveness();
            assertEquals("STALE", stateOf(client, owner, "Kept"));
        }
    }
}
