package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Tokens;
import p2pbrs.protocol.WireList;
import p2pbrs.testing.UdpProbe;

/** The registry over real UDP on loopback, with H2 in a temporary folder. */
class RegistryServerTest {
    @TempDir
    static Path dir;

    private static MetadataServer server;
    private static UdpProbe probe;
    private static final AtomicInteger rq = new AtomicInteger(100);

    @BeforeAll
    static void start() throws Exception {
        server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration().withBindAddress("127.0.0.1")
                .withUdpPort(0).withSqlPort(0));
        probe = new UdpProbe(server.udpPort());
    }

    @AfterAll
    static void stop() {
        probe.close();
        server.close();
    }

    private static String rq() {
        return Integer.toString(rq.incrementAndGet());
    }

    /** Registers a new identity under this name with a token of its own; returns the token. */
    private static String registerNew(String name) throws Exception {
        String token = Tokens.generate();
        Message reply = register(name, " token=" + token);
        assertEquals(Command.REGISTERED, reply.command(), reply.toString());
        return token;
    }

    private static Message register(String name, String extra) throws Exception {
        return probe.call("REGISTER " + rq() + " " + name + " BOTH 127.0.0.1 5001 6001 1024MB" + extra);
    }

    private static List<PeerEntry> list(String token) throws Exception {
        List<PeerEntry> all = new ArrayList<>();
        String after = null;
        do {
            Message reply = probe.call("LIST " + rq() + " token=" + token + (after == null ? "" : " after=" + after));
            assertEquals(Command.LIST_OK, reply.command(), reply.toString());
            assertTrue(Codec.encode(reply).length < 1400);
            for (String item : WireList.parse(reply.field(0), reply.rq())) {
                all.add(PeerEntry.parse(item, reply.rq()));
            }
            after = reply.option("next");
        } while (after != null);
        return all;
    }

    private static PeerEntry find(String token, String name) throws Exception {
        return list(token).stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void courseExampleWithATokenRegistersAndEchoesTheRqExactly() throws Exception {
        String token = Tokens.generate();
        Message reply = probe.call("REGISTER 01 Alice BOTH 192.168.1.10 5001 6001 1024MB token=" + token);
        assertEquals(Command.REGISTERED, reply.command());
        assertEquals("01", reply.rq());
        assertNull(reply.option("token"), "no reply carries a secret");
        assertTrue(reply.option("id").matches("[0-9a-f]{32}"), "the identity's public id");
        PeerEntry alice = find(token, "Alice");
        assertEquals(new PeerEntry("Alice", p2pbrs.protocol.Role.BOTH, "192.168.1.10", 5001, 6001, 1L << 30, "ALIVE"),
                alice);
    }

    @Test
    void aRegisterWithoutATokenIsDeniedAndChangesNothing() throws Exception {
        int before = server.registry().countAll();
        Message denied = probe.call("REGISTER " + rq() + " Zed BOTH 127.0.0.1 5001 6001 1GB");
        assertEquals("REGISTER-DENIED " + denied.rq() + " Missing-token", denied.toString());
        assertEquals("Bad-token", register("Zed", " token=abc").field(0), "a token is at least 256 bits in hex");
        assertEquals(before, server.registry().countAll());
    }

    @Test
    void aTakenNameIsDeniedRegardlessOfCase() throws Exception {
        registerNew("Bobby");
        Message denied = register("BOBBY", " token=" + Tokens.generate());
        assertEquals(Command.REGISTER_DENIED, denied.command());
        assertEquals("Name-taken", denied.field(0));
        Message wrongToken = register("bobby", " token=" + "ab".repeat(32));
        assertEquals("Name-taken", wrongToken.field(0));
    }

    @Test
    void theTokenRebindsTheNameToANewAddress() throws Exception {
        String token = registerNew("Carl");
        Message again = probe.call("REGISTER " + rq() + " Carl STORAGE 10.0.0.9 7001 8001 2GB token=" + token);
        assertEquals(Command.REGISTERED, again.command());
        PeerEntry carl = find(token, "Carl");
        assertEquals("10.0.0.9", carl.ip());
        assertEquals(7001, carl.udpPort());
        assertEquals(p2pbrs.protocol.Role.STORAGE, carl.role());
        assertEquals(2L << 30, carl.capacity());
    }

    @Test
    void nobodyDeRegistersSomeoneElse() throws Exception {
        String dana = registerNew("Dana");
        String eli = registerNew("Eli");
        Message denied = probe.call("DE-REGISTER " + rq() + " Dana token=" + eli);
        assertEquals(Command.DE_REGISTER_DENIED, denied.command());
        assertEquals("Bad-token", denied.field(0));
        assertEquals("Missing-token", probe.call("DE-REGISTER " + rq() + " Dana").field(0));
        assertEquals("Unknown-name", probe.call("DE-REGISTER " + rq() + " Nobody token=" + eli).field(0));
        assertTrue(find(eli, "Dana") != null);

        assertEquals(Command.DE_REGISTERED, probe.call("DE-REGISTER " + rq() + " Dana token=" + dana).command());
        assertNull(find(eli, "Dana"), "gone from the list");
        assertEquals(Command.LIST_DENIED, probe.call("LIST " + rq() + " token=" + dana).command(),
                "a gone peer's token no longer lists");
        int rows = server.registry().countAll();
        // Dana owned nothing, so her name is free: another identity registers it as a new row.
        registerNew("Dana");
        assertEquals(rows + 1, server.registry().countAll(), "a gone peer is kept as a row, not reused by others");
    }

    @Test
    void aReturningOwnerRevivesItsOldIdentityWithItsToken() throws Exception {
        String token = registerNew("Fay");
        Message first = register("Fay", " token=" + token);
        assertEquals(Command.DE_REGISTERED, probe.call("DE-REGISTER " + rq() + " Fay token=" + token).command());
        int rows = server.registry().countAll();
        Message back = register("Fay", " token=" + token);
        assertEquals(Command.REGISTERED, back.command());
        assertEquals(first.option("id"), back.option("id"), "the same identity");
        assertEquals(rows, server.registry().countAll(), "the same row comes back");
    }

    @Test
    void listNeedsAToken() throws Exception {
        assertEquals("Missing-token", probe.call("LIST " + rq()).field(0));
        assertEquals("Bad-token", probe.call("LIST " + rq() + " token=" + "0".repeat(64)).field(0));
        assertEquals("Bad-token", probe.call("LIST " + rq() + " token=xyz").field(0));
    }

    @Test
    void malformedRequestsGetErrorAndChangeNothing() throws Exception {
        int before = server.registry().countAll();
        String[][] cases = {
            {"REGISTER 7 Gil BOTH 127.0.0.1 5001 6001", "Wrong-field-count"},
            {"REGISTER 7 Gil BOSS 127.0.0.1 5001 6001 1GB", "Bad-role"},
            {"REGISTER 7 -Gil BOTH 127.0.0.1 5001 6001 1GB", "Bad-name"},
            {"REGISTER 7 Gil BOTH 127.0.0.1 0 6001 1GB", "Bad-port"},
            {"REGISTER 7 Gil BOTH example.com 5001 6001 1GB", "Bad-address"},
            {"REGISTER 7 Gil BOTH 127.0.0.1 5001 6001 12XB", "Bad-size"},
            {"REGISTER 7 Gil BOTH 127.0.0.1 5001 6001 99999999999TB", "Bad-size"},
            {"FROB 7", "Unknown-command"},
            {"REGISTER x Gil BOTH 127.0.0.1 5001 6001 1GB", "Bad-RQ"},
        };
        for (String[] c : cases) {
            Message reply = probe.call(c[0]);
            assertEquals(Command.ERROR, reply.command(), c[0]);
            assertEquals(c[1], reply.field(0), c[0]);
        }
        assertEquals(before, server.registry().countAll());
    }

    @Test
    void aRepeatedRequestIsAppliedOnceAndAnsweredTheSame() throws Exception {
        String token = Tokens.generate();
        String request = "REGISTER 424242 Hana BOTH 127.0.0.1 5001 6001 1GB token=" + token;
        Message first = probe.call(request);
        Message second = probe.call(request);
        assertEquals(Command.REGISTERED, second.command(), "a retry is not denied as Name-taken");
        assertEquals(first, second);
        String de = "DE-REGISTER 424243 Hana token=" + token;
        assertEquals(Command.DE_REGISTERED, probe.call(de).command());
        assertEquals(Command.DE_REGISTERED, probe.call(de).command(), "not Unknown-name the second time");
        // A different request under a reused RQ# is a new request.
        String ida = Tokens.generate();
        Message reused = probe.call("REGISTER 424242 Ida BOTH 127.0.0.1 5001 6001 1GB token=" + ida);
        assertEquals(Command.REGISTERED, reused.command());
        assertNotEquals(first.option("id"), reused.option("id"));
        assertTrue(find(ida, "Ida") != null);
    }

    @Test
    void repliesToTheServerAreDroppedNotAnswered() throws Exception {
        probe.sendRaw("LIST_OK 77 []".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // A request sent after it is answered first: nothing came back for the reply.
        Message next = probe.call("LIST 78");
        assertEquals("78", next.rq());
        assertNull(probe.receive(java.time.Duration.ofMillis(100)));
    }
}
