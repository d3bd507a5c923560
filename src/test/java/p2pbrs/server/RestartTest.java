package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.server.UdpTestClient.Entry;
import p2pbrs.server.UdpTestClient.Reply;
import p2pbrs.testing.Bytes;

/**
 * A server closed and started again on the same database still knows its peers, and still
 * answers a retry of a request it acknowledged before the restart with the same reply.
 */
class RestartTest {
    @TempDir
    Path dir;

    private record Counts(int active, int all, int secrets) {
    }

    private static Counts counts(MetadataServer server) {
        return new Counts(server.registry().countActive(), server.registry().countAll(),
                server.registry().countSecrets());
    }

    @Test
    void registrationsAndAcknowledgedRepliesSurviveARestart() throws Exception {
        ServerConfig config = ServerConfig.defaults(dir.resolve("server")).withOpenRegistration().withBindAddress("127.0.0.1")
                .withUdpPort(0).withSqlPort(0);
        String registerKim = "REGISTER " + nextRq() + " Kim BOTH 10.0.0.1 5001 6001 1GB";
        String registerLee = "REGISTER " + nextRq() + " Lee STORAGE 10.0.0.2 5002 6002 2GB";
        // One client socket throughout: its retries come from the same source address.
        try (UdpTestClient client = new UdpTestClient(0)) {
            Reply kim;
            Reply lee;
            Reply leeGone;
            String deRegisterLee;
            List<Entry> listed;
            Counts counts;
            try (MetadataServer server = MetadataServer.start(config)) {
                client.retarget(server.udpPort());
                kim = client.call(registerKim);
                lee = client.call(registerLee);
                deRegisterLee = "DE-REGISTER " + nextRq() + " Lee token=" + lee.token();
                leeGone = client.call(deRegisterLee);
                assertEquals("DE-REGISTERED", leeGone.command());
                assertEquals("REGISTERED", client.call("REGISTER " + nextRq() + " Kim BOTH 10.0.0.11 5011 6011 1GB token="
                        + kim.token()).command(), "Kim moves before the restart");
                client.register("Max");
                listed = client.listAll(kim.token());
                counts = counts(server);
                assertEquals(new Counts(2, 3, 3), counts);
            }

            try (MetadataServer server = MetadataServer.start(config)) {
                client.retarget(server.udpPort());
                assertEquals(counts, counts(server), "the rows survive, the gone one included");
                assertEquals(listed, client.listAll(kim.token()), "the same registry");
                assertTrue(listed.contains(new Entry("Kim", "BOTH", "10.0.0.11", 5011, 6011, 1L << 30, "ALIVE")),
                        listed.toString());

                // Retries of requests acknowledged before the restart get the same replies,
                // and are not applied again.
                assertEquals(kim.text(), client.call(registerKim).text(), "not Name-taken: the original reply");
                assertEquals(leeGone.text(), client.call(deRegisterLee).text());
                assertEquals(lee.text(), client.call(registerLee).text());
                assertEquals(counts, counts(server));
                assertEquals(listed, client.listAll(kim.token()), "the retries changed nothing");
                assertFalse(client.listNames(kim.token()).contains("Lee"));

                // The names are still taken, and the gone peer can come back with its token.
                try (UdpTestClient stranger = new UdpTestClient(server.udpPort())) {
                    String rq = nextRq();
                    assertEquals("REGISTER-DENIED " + rq + " Name-taken",
                            stranger.call("REGISTER " + rq + " kim BOTH 127.0.0.1 5001 6001 1GB").text());
                }
                String rq = nextRq();
                assertEquals("REGISTERED " + rq + " id=" + lee.option("id") + " cluster=" + server.registry().clusterId(),
                        client.call("REGISTER " + rq
                        + " Lee STORAGE 10.0.0.2 5002 6002 2GB token=" + lee.token()).text());
                assertEquals(new Counts(3, 3, 3), counts(server));
            }

            try (MetadataServer server = MetadataServer.start(config)) {
                client.retarget(server.udpPort());
                assertEquals(new Counts(3, 3, 3), counts(server));
                assertEquals(List.of("Kim", "Lee", "Max"), client.listNames(lee.token()));
            }
        }
    }

    @Test
    void aCopyOfTheDatabaseHoldsNoTokenNorTicketKeyAndOnlyItsUserCanReadIt() throws Exception {
        Path db = dir.resolve("copy");
        String token;
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(db.resolve("server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            token = client.register("Tess");
        }
        String ticketKey = p2pbrs.protocol.Tickets.keyFor(token);
        List<Path> holding = new ArrayList<>();
        try (Stream<Path> files = Files.walk(db)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (Bytes.contains(bytes, token.getBytes(StandardCharsets.US_ASCII))
                        || Bytes.contains(bytes, ticketKey.getBytes(StandardCharsets.US_ASCII))) {
                    holding.add(db.relativize(file));
                }
            }
        }
        assertEquals(List.of(), holding, "files holding the plain token or ticket key");
        for (String name : List.of("server.mv.db", "server.keys", "server.access")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(db.resolve(name))), name);
        }
    }

}
