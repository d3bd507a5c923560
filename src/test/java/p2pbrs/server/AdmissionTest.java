package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tokens;

/** Who may register a new identity: invitations, and a pace per source address. */
class AdmissionTest {
    @TempDir
    Path dir;

    private MetadataServer start(ServerConfig config) throws IOException {
        return MetadataServer.start(config.withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0));
    }

    private static String register(UdpTestClient client, String name, String role, String extra) {
        String rq = nextRq();
        return client.call("REGISTER " + rq + " " + name + " " + role + " 127.0.0.1 5001 6001 1GB token="
                + Tokens.generate() + extra).text().replace(" " + rq + " ", " RQ ");
    }

    @Test
    void byDefaultANewPeerNeedsAnInvitationThatWorksOnce() throws Exception {
        Path db = dir.resolve("server");
        try (MetadataServer server = start(ServerConfig.defaults(db));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            int before = server.registry().countAll();
            assertEquals("REGISTER-DENIED RQ Invite-required", register(client, "Ann", "BOTH", ""));
            assertEquals("REGISTER-DENIED RQ Invite-unknown", register(client, "Ann", "BOTH",
                    " invite=" + Tokens.newInvite()));
            assertEquals("REGISTER-DENIED RQ Invite-unknown", register(client, "Ann", "BOTH", " invite=nonsense"));
            assertEquals(before, server.registry().countAll(), "refusals register nobody");

            String code = Invites.request(db, Role.BOTH, Duration.ofHours(1));
            String token = Tokens.generate();
            String rq = nextRq();
            String first = "REGISTER " + rq + " Ann BOTH 127.0.0.1 5001 6001 1GB token=" + token + " invite=" + code;
            assertTrue(client.call(first).text().startsWith("REGISTERED " + rq + " id="));
            assertEquals(before + 1, server.registry().countAll());
            // A retransmission of the same datagram is answered the same, the code used once.
            assertTrue(client.call(first).text().startsWith("REGISTERED " + rq + " id="));
            assertEquals("REGISTER-DENIED RQ Invite-used", register(client, "Ben", "BOTH", " invite=" + code));

            // The admitted identity re-registers, moves or renames itself without a code.
            rq = nextRq();
            assertTrue(client.call("REGISTER " + rq + " Ann OWNER 127.0.0.2 5002 6002 2GB token=" + token).text()
                    .startsWith("REGISTERED " + rq + " id="));
            assertEquals(before + 1, server.registry().countAll());
        }
    }

    @Test
    void anInvitationAdmitsItsRoleOnlyAndExpires() throws Exception {
        Path db = dir.resolve("server");
        try (MetadataServer server = start(ServerConfig.defaults(db));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String storage = Invites.request(db, Role.STORAGE, Duration.ofHours(1));
            assertEquals("REGISTER-DENIED RQ Invite-role", register(client, "Owen", "OWNER", " invite=" + storage));
            assertEquals("REGISTER-DENIED RQ Invite-role", register(client, "Owen", "BOTH", " invite=" + storage));
            assertTrue(register(client, "Stan", "STORAGE", " invite=" + storage).startsWith("REGISTERED RQ id="));

            // A code whose time is over (signed as the invite command signs, expiring a second ago).
            String late = Tokens.newInvite();
            Message unsigned = Message.of(Command.INVITE, nextRq(), "BOTH",
                    Long.toString(System.currentTimeMillis() / 1000 - 1)).withOption("code_hash", Tokens.hash(late));
            String signed = Codec.format(ServerKeys.load(db).sign(unsigned));
            assertEquals("INVITED " + unsigned.rq(), client.call(signed).text());
            assertEquals("REGISTER-DENIED RQ Invite-expired", register(client, "Lou", "BOTH", " invite=" + late));
        }
    }

    @Test
    void onlyTheHolderOfTheAdminKeyInvites() throws Exception {
        Path db = dir.resolve("server");
        try (MetadataServer server = start(ServerConfig.defaults(db));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String code = Tokens.newInvite();
            Message unsigned = Message.of(Command.INVITE, nextRq(), "BOTH",
                    Long.toString(System.currentTimeMillis() / 1000 + 3600)).withOption("code_hash", Tokens.hash(code));
            for (String auth : new String[] {"", "00".repeat(32), Tokens.generate()}) {
                String rq = unsigned.rq();
                assertEquals("INVITE-DENIED " + rq + " Bad-auth",
                        client.call(Codec.format(unsigned.withOption("auth", auth))).text());
            }
            assertEquals("INVITE-DENIED " + unsigned.rq() + " Bad-auth", client.call(Codec.format(unsigned)).text());
            assertEquals("REGISTER-DENIED RQ Invite-unknown", register(client, "Mal", "BOTH", " invite=" + code));
        }
        // With the server stopped, the command says so instead of waiting for ever.
        IOException e = assertThrows(IOException.class, () -> Invites.request(db, Role.BOTH, Duration.ofHours(1),
                new p2pbrs.transport.RetryPolicy(50, 100, 3)));
        assertTrue(e.getMessage().contains("does not answer"), e.getMessage());
    }

    @Test
    void newIdentitiesFromOneAddressArePacedButReturningOnesAreNot() throws Exception {
        try (MetadataServer server = start(ServerConfig.defaults(dir.resolve("server"))
                .withRegistration(ServerConfig.Registration.OPEN).withRegistrationsPerMinute(3));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String first = client.register("P1");
            client.register("P2");
            client.register("P3");
            int rows = server.registry().countAll();
            for (int i = 4; i < 20; i++) {
                assertEquals("REGISTER-DENIED RQ Rate-limited", register(client, "P" + i, "BOTH", ""));
            }
            assertEquals(rows, server.registry().countAll(), "a flood leaves no rows behind");
            String rq = nextRq();
            assertTrue(client.call("REGISTER " + rq + " P1 BOTH 127.0.0.1 5009 6009 1GB token=" + first).text()
                    .startsWith("REGISTERED " + rq + " id="), "a known identity is not held back");
        }
    }
}
