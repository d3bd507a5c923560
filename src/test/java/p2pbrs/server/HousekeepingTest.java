package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What comes and goes without leaving anything of value does not stay for ever. */
class HousekeepingTest {
    @TempDir
    Path dir;

    @Test
    void peersThatLeftOwningNothingAreRemovedAndOwnersAreKept() throws Exception {
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server"))
                .withOpenRegistration().withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0)
                .withRequestLogRetention(Duration.ofSeconds(2)));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            int before = server.registry().countAll();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                tokens.add(client.register("Passer" + i));
            }
            for (int i = 0; i < 40; i++) {
                assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " Passer" + i + " token="
                        + tokens.get(i)).command());
            }
            // An owner that leaves keeps its row (and its name): its backups point at it.
            String owner = client.register("Keeper");
            assertTrue(client.call("BACKUP_REQ " + nextRq() + " empty.bin 0 - token=" + owner).text()
                    .startsWith("BACKUP_PLAN"));
            assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " Keeper token=" + owner).command());
            assertEquals(before + 41, server.registry().countAll());

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.registry().countAll() > before + 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                client.drain(Duration.ofMillis(50));
            }
            assertEquals(before + 1, server.registry().countAll(), "the 40 that owned nothing are gone");
            assertEquals(before + 1, server.registry().countSecrets());
            String rq = nextRq();
            assertEquals("REGISTER-DENIED " + rq + " Name-taken", client.call("REGISTER " + rq
                    + " keeper BOTH 127.0.0.1 5001 6001 1GB").text(), "the owner's name is still its own");
        }
    }
}
