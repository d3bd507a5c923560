package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup requests name their caller from memory (store.KnownPeers), and that memory never
 * answers for a peer as it was before a change: a peer that registers again in another
 * role, or leaves, is looked up afresh on its next request.
 */
class KnownCallersTest {
    @TempDir
    Path dir;

    @Test
    void aCallerRememberedIsReadAgainOnceAPeerChanged() throws Exception {
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server"))
                .withOpenRegistration().withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String token = client.register("Ann");
            client.register("Keeper");
            // Twice: the second is answered from memory.
            assertEquals("BACKUP_PLAN", backUp(client, token, "a.bin").command());
            assertEquals("BACKUP_PLAN", backUp(client, token, "b.bin").command());

            // Ann registers again as a storage peer only: no longer an owner.
            assertEquals("REGISTERED", client.call("REGISTER " + nextRq() + " Ann STORAGE 127.0.0.1 5001 6001 1GB token="
                    + token).command());
            UdpTestClient.Reply asStorage = backUp(client, token, "c.bin");
            assertEquals("BACKUP-DENIED Not-an-owner", words(asStorage), asStorage.text());

            // Back as an owner, remembered again, then gone: its token no longer names anyone.
            assertEquals("REGISTERED", client.call("REGISTER " + nextRq() + " Ann BOTH 127.0.0.1 5001 6001 1GB token="
                    + token).command());
            assertEquals("BACKUP_PLAN", backUp(client, token, "d.bin").command());
            assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " Ann token=" + token).command());
            UdpTestClient.Reply gone = backUp(client, token, "e.bin");
            assertEquals("BACKUP-DENIED Bad-token", words(gone), gone.text());
        }
    }

    private static UdpTestClient.Reply backUp(UdpTestClient client, String token, String file) {
        return client.call("BACKUP_REQ " + nextRq() + " " + file + " 1000 - token=" + token);
    }

    // The reply's command and fields, without its RQ#.
    private static String words(UdpTestClient.Reply reply) {
        return reply.text().replaceFirst("^(\\S+) [0-9]+", "$1");
    }
}
