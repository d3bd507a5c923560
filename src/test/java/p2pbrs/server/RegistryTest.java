package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p2pbrs.server.UdpTestClient.Entry;
import p2pbrs.server.UdpTestClient.Reply;
import p2pbrs.store.RegisteredPeer;

/**
 * The registry rules (REGISTER, DE-REGISTER, LIST, errors) over real UDP on loopback,
 * against one server whose H2 database lives in a temporary folder. Every test uses names
 * of its own, so the tests do not depend on each other's order.
 */
class RegistryTest {
    private static final String TOKEN_FORMAT = "[0-9a-f]{32,}";

    @TempDir
    static Path dir;

    private static MetadataServer server;
    /** A peer that stays registered throughout: its token lets any test LIST. */
    private static String observerToken;
    /** A peer the malformed-input cases try (and must fail) to change. */
    private static String ivyToken;

    private UdpTestClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0));
        try (UdpTestClient c = new UdpTestClient(server.udpPort())) {
            observerToken = c.register("Observer");
            ivyToken = c.call("REGISTER " + nextRq() + " Ivy OWNER 10.0.0.1 5101 6101 3GB").token();
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openClient() {
        client = new UdpTestClient(server.udpPort());
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private record Counts(int active, int all, int secrets) {
    }

    private static Counts counts() {
        return new Counts(server.registry().countActive(), server.registry().countAll(),
                server.registry().countSecrets());
    }

    private Optional<Entry> listed(String name) {
        return client.listAll(observerToken).stream().filter(e -> e.name().equals(name)).findFirst();
    }

    private static Optional<RegisteredPeer> active(String name) {
        return server.registry().transaction(tx -> tx.boundToName(name).filter(p -> !p.gone()));
    }

    // --- REGISTER ---------------------------------------------------------------------

    @Test
    void registerTakesThePeersOwnTokenRepliesWithAPublicIdAndEchoesTheRqAsWritten() {
        Counts before = counts();
        Reply reply = client.call("REGISTER 01 Alice BOTH 192.168.1.10 5001 6001 1024MB");
        assertTrue(reply.text().matches("REGISTERED 01 id=[0-9a-f]{32} cluster=[0-9a-f]{32}"), reply.text());
        String token = reply.token();
        assertTrue(token.length() * 4 >= 256, "at least 256 bits: " + token);

        assertEquals(new Counts(before.active() + 1, before.all() + 1, before.secrets() + 1), counts());
        assertEquals(Optional.of(new Entry("Alice", "BOTH", "192.168.1.10", 5001, 6001, 1L << 30, "ALIVE")),
                listed("Alice"));
        // The token identifies its peer: it lets the peer LIST.
        assertEquals("LIST_OK", client.call("LIST " + nextRq() + " token=" + token).command());

        Reply other = client.call("REGISTER 000000007 Alice2 STORAGE 10.0.0.2 5002 6002 2GB");
        assertTrue(other.text().matches("REGISTERED 000000007 id=[0-9a-f]{32} cluster=[0-9a-f]{32}"), other.text());
        assertNotEquals(reply.option("id"), other.option("id"), "every identity has its own public id");
    }

    @Test
    void aTakenNameIsDeniedRegardlessOfCase() {
        String bobToken = client.call("REGISTER " + nextRq() + " Bob BOTH 127.0.0.1 5201 6201 1GB").token();
        Entry bob = listed("Bob").orElseThrow();
        Counts before = counts();

        for (String variant : List.of("Bob", "bob", "BOB", "bOb")) {
            String rq = nextRq();
            assertEquals("REGISTER-DENIED " + rq + " Name-taken",
                    client.call("REGISTER " + rq + " " + variant + " STORAGE 10.9.9.9 7001 8001 5GB").text());
        }
        // A token that is not this name's does not help either.
        String wrongToken = bobToken.substring(0, bobToken.length() - 1) + (bobToken.endsWith("0") ? "1" : "0");
        for (String token : List.of(observerToken, wrongToken, "0".repeat(64))) {
            String rq = nextRq();
            assertEquals("REGISTER-DENIED " + rq + " Name-taken",
                    client.call("REGISTER " + rq + " bob STORAGE 10.9.9.9 7001 8001 5GB token=" + token).text());
        }
        for (String token : List.of("not-hex", "", bobToken.substring(0, 32))) {
            String rq = nextRq();
            assertEquals("REGISTER-DENIED " + rq + " Bad-token",
                    client.call("REGISTER " + rq + " bob STORAGE 10.9.9.9 7001 8001 5GB token=" + token).text());
        }

        assertEquals(before, counts());
        assertEquals(Optional.of(bob), listed("Bob"), "the denied requests changed nothing");
    }

    @Test
    void theNamesTokenRebindsItKeepingTheToken() {
        Reply registered = client.call("REGISTER " + nextRq() + " Carol BOTH 127.0.0.1 5301 6301 1GB");
        String token = registered.token();
        String publicId = registered.option("id");
        long id = active("Carol").orElseThrow().id();
        Counts before = counts();

        String rq = nextRq();
        assertEquals("REGISTERED " + rq + " id=" + publicId + " cluster=" + server.registry().clusterId(),
                client.call("REGISTER " + rq + " Carol STORAGE 10.1.2.3 7001 8001 2GB token=" + token).text());
        assertEquals(before, counts(), "a re-bind is no new peer");
        assertEquals(id, active("Carol").orElseThrow().id());
        assertEquals(Optional.of(new Entry("Carol", "STORAGE", "10.1.2.3", 7001, 8001, 2L << 30, "ALIVE")),
                listed("Carol"));

        // The name is compared regardless of case for the re-bind too.
        rq = nextRq();
        assertEquals("REGISTER-DENIED " + rq + " Name-taken",
                client.call("REGISTER " + rq + " CAROL OWNER 10.1.2.4 7002 8002 3GB").text());
        rq = nextRq();
        assertEquals("REGISTERED " + rq + " id=" + publicId + " cluster=" + server.registry().clusterId(),
                client.call("REGISTER " + rq + " CAROL OWNER 10.1.2.4 7002 8002 3GB token=" + token).text());
        assertEquals(before, counts());
        List<Entry> carols = client.listAll(observerToken).stream()
                .filter(e -> e.name().equalsIgnoreCase("carol")).toList();
        assertEquals(1, carols.size(), carols.toString());
        Entry carol = carols.get(0);
        assertEquals(List.of("OWNER", "10.1.2.4", 7002, 8002, 3L << 30, "ALIVE"),
                List.of(carol.role(), carol.ip(), carol.udpPort(), carol.tcpPort(), carol.capacity(), carol.state()));

        // The kept token still works.
        rq = nextRq();
        assertEquals("DE-REGISTERED " + rq, client.call("DE-REGISTER " + rq + " Carol token=" + token).text());
    }

    @Test
    void aTokenIsOneIdentityUnderOneNameAtATime() {
        // The token of a registered peer does not register a second name.
        Counts before = counts();
        String rq = nextRq();
        assertEquals("REGISTER-DENIED " + rq + " Token-in-use",
                client.call("REGISTER " + rq + " Twin BOTH 127.0.0.1 5001 6001 1GB token=" + observerToken).text());
        assertEquals(before, counts());

        // A de-registered identity that owns nothing may come back under another name: the
        // same row, the same public id, and its old name is free.
        Reply first = client.call("REGISTER " + nextRq() + " Gone1 BOTH 127.0.0.1 5001 6001 1GB");
        String gone = first.token();
        client.call("DE-REGISTER " + nextRq() + " Gone1 token=" + gone);
        Counts afterLeaving = counts();
        Reply renamed = client.call("REGISTER " + nextRq() + " Renamed1 BOTH 127.0.0.1 5001 6001 1GB token=" + gone);
        assertEquals(first.option("id"), renamed.option("id"));
        assertEquals(new Counts(afterLeaving.active() + 1, afterLeaving.all(), afterLeaving.secrets()), counts());
        assertTrue(listed("Gone1").isEmpty());

        // A token nobody holds is a new identity.
        Reply fresh = client.call("REGISTER " + nextRq() + " Fresh1 BOTH 127.0.0.1 5001 6001 1GB token="
                + "ab".repeat(32));
        assertEquals("REGISTERED", fresh.command(), fresh.text());
        assertNotEquals(first.option("id"), fresh.option("id"));
    }

    // --- DE-REGISTER ------------------------------------------------------------------

    @Test
    void deRegisterIsDeniedForAnUnknownNameAMissingTokenOrAWrongToken() {
        String daveToken = client.register("Dave");
        Entry dave = listed("Dave").orElseThrow();
        Counts before = counts();

        String rq = nextRq();
        assertEquals("DE-REGISTER-DENIED " + rq + " Unknown-name",
                client.call("DE-REGISTER " + rq + " Nobody token=" + daveToken).text());
        rq = nextRq();
        assertEquals("DE-REGISTER-DENIED " + rq + " Missing-token", client.call("DE-REGISTER " + rq + " Dave").text());
        for (String wrong : List.of(observerToken, "0".repeat(64), "xyz", "", daveToken.substring(0, 32),
                daveToken + "0")) {
            rq = nextRq();
            assertEquals("DE-REGISTER-DENIED " + rq + " Bad-token",
                    client.call("DE-REGISTER " + rq + " Dave token=" + wrong).text(), "token " + wrong);
        }
        assertEquals(before, counts());
        assertEquals(Optional.of(dave), listed("Dave"));
    }

    @Test
    void deRegisterKeepsTheRowAsGoneAndDropsThePeerFromList() {
        String token = client.register("Erin");
        Counts before = counts();

        assertEquals("DE-REGISTERED 01", client.call("DE-REGISTER 01 Erin token=" + token).text());

        assertEquals(new Counts(before.active() - 1, before.all(), before.secrets()), counts());
        assertTrue(listed("Erin").isEmpty(), "a gone peer is not listed");
        assertTrue(active("Erin").isEmpty());
        RegisteredPeer row = server.registry()
                .transaction(tx -> tx.byTokenHash(p2pbrs.protocol.Tokens.hash(token))).orElseThrow();
        assertEquals(p2pbrs.store.PeerState.GONE, row.state());

        String rq = nextRq();
        assertEquals("LIST-DENIED " + rq + " Bad-token", client.call("LIST " + rq + " token=" + token).text(),
                "a gone peer's token no longer lists");
        rq = nextRq();
        assertEquals("DE-REGISTERED " + rq, client.call("DE-REGISTER " + rq + " Erin token=" + token).text(),
                "asked again, it is told again that it is gone");
        assertEquals(new Counts(before.active() - 1, before.all(), before.secrets()), counts());
        assertTrue(listed("Erin").isEmpty(), "and nothing brings it back");
    }

    @Test
    void registeringAGoneNameWithItsOldTokenRevivesTheSamePeer() {
        String token = client.register("Fay");
        RegisteredPeer fay = active("Fay").orElseThrow();
        long id = fay.id();
        client.call("DE-REGISTER " + nextRq() + " Fay token=" + token);
        Counts gone = counts();

        String rq = nextRq();
        assertEquals("REGISTERED " + rq + " id=" + fay.publicId() + " cluster=" + server.registry().clusterId(),
                client.call("REGISTER " + rq + " Fay STORAGE 10.0.0.9 7100 8100 5GB token=" + token).text());

        assertEquals(new Counts(gone.active() + 1, gone.all(), gone.secrets()), counts(), "the same row, revived");
        assertEquals(id, active("Fay").orElseThrow().id());
        assertEquals(Optional.of(new Entry("Fay", "STORAGE", "10.0.0.9", 7100, 8100, 5L << 30, "ALIVE")),
                listed("Fay"));
        assertEquals("LIST_OK", client.call("LIST " + nextRq() + " token=" + token).command());
    }

    @Test
    void aGoneNameRegisteredWithoutTokenIsANewPeerWithANewToken() {
        String first = client.register("Gus");
        RegisteredPeer firstGus = active("Gus").orElseThrow();
        long firstId = firstGus.id();
        client.call("DE-REGISTER " + nextRq() + " Gus token=" + first);
        Counts gone = counts();

        String second = client.register("Gus");
        assertNotEquals(first, second);
        assertTrue(second.matches(TOKEN_FORMAT), second);
        assertEquals(new Counts(gone.active() + 1, gone.all() + 1, gone.secrets() + 1), counts());
        assertNotEquals(firstId, active("Gus").orElseThrow().id());

        // The old token belongs to the old, gone peer: it neither lists nor takes the name.
        String rq = nextRq();
        assertEquals("LIST-DENIED " + rq + " Bad-token", client.call("LIST " + rq + " token=" + first).text());
        rq = nextRq();
        assertEquals("REGISTER-DENIED " + rq + " Name-taken",
                client.call("REGISTER " + rq + " Gus BOTH 127.0.0.1 5001 6001 1GB token=" + first).text());

        // Once the new Gus leaves, the old token brings the old Gus back.
        client.call("DE-REGISTER " + nextRq() + " Gus token=" + second);
        rq = nextRq();
        assertEquals("REGISTERED " + rq + " id=" + firstGus.publicId() + " cluster=" + server.registry().clusterId(),
                client.call("REGISTER " + rq + " gus BOTH 127.0.0.1 5001 6001 1GB token=" + first).text());
        assertEquals(firstId, active("Gus").orElseThrow().id());
        assertEquals(new Counts(gone.active() + 1, gone.all() + 1, gone.secrets() + 1), counts());
    }

    // --- LIST -------------------------------------------------------------------------

    @Test
    void listNeedsTheTokenOfARegisteredPeer() {
        String rq = nextRq();
        assertEquals("LIST-DENIED " + rq + " Missing-token", client.call("LIST " + rq).text());
        for (String wrong : List.of("0".repeat(64), "zz", "", observerToken.substring(1))) {
            rq = nextRq();
            assertEquals("LIST-DENIED " + rq + " Bad-token", client.call("LIST " + rq + " token=" + wrong).text());
        }
    }

    @Test
    void listShowsRegisteredPeersSortedByNameRegardlessOfCase() {
        List<String> names = List.of("zeta", "Alpha2", "alpha1", "Mike", "mike.b", "MIKE_c", "mike-d", "0day");
        int port = 5400;
        for (String name : names) {
            port++;
            assertEquals("REGISTERED", client.call("REGISTER " + nextRq() + " " + name + " OWNER 172.16.0." + (port - 5400)
                    + " " + port + " " + (port + 1000) + " " + port + "KB").command());
        }
        List<Entry> all = client.listAll(observerToken);
        List<String> keys = all.stream().map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        for (int i = 1; i < keys.size(); i++) {
            assertTrue(keys.get(i - 1).compareTo(keys.get(i)) < 0, "sorted and unique: " + keys);
        }
        port = 5400;
        for (String name : names) {
            port++;
            Entry expected = new Entry(name, "OWNER", "172.16.0." + (port - 5400), port, port + 1000, port * 1024L,
                    "ALIVE");
            assertTrue(all.contains(expected), expected.encode() + " in " + all);
        }
        assertTrue(all.stream().allMatch(e -> e.state().equals("ALIVE")), all.toString());

        String token = client.call("REGISTER " + nextRq() + " MIKE.b2 BOTH 127.0.0.1 5001 6001 1GB").token();
        client.call("DE-REGISTER " + nextRq() + " MIKE.b2 token=" + token);
        assertFalse(client.listNames(observerToken).contains("MIKE.b2"));
    }

    // --- malformed input ----------------------------------------------------------------

    static Stream<Arguments> malformed() {
        String ok = " BOTH 127.0.0.1 5001 6001 1GB";
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("REGISTER 21 Newbie BOTH 127.0.0.1 5001 6001", "ERROR 21 Wrong-field-count"));
        cases.add(Arguments.of("REGISTER 22 Newbie" + ok + " extra", "ERROR 22 Wrong-field-count"));
        cases.add(Arguments.of("REGISTER 23 New!bie" + ok, "ERROR 23 Bad-name"));
        cases.add(Arguments.of("REGISTER 24 -Newbie" + ok, "ERROR 24 Bad-name"));
        cases.add(Arguments.of("REGISTER 25 " + "n".repeat(65) + ok, "ERROR 25 Bad-name"));
        cases.add(Arguments.of("REGISTER 26 Newbie both 127.0.0.1 5001 6001 1GB", "ERROR 26 Bad-role"));
        cases.add(Arguments.of("REGISTER 27 Newbie BOTH 256.0.0.1 5001 6001 1GB", "ERROR 27 Bad-address"));
        cases.add(Arguments.of("REGISTER 28 Newbie BOTH localhost 5001 6001 1GB", "ERROR 28 Bad-address"));
        cases.add(Arguments.of("REGISTER 29 Newbie BOTH 127.0.0.1 0 6001 1GB", "ERROR 29 Bad-port"));
        cases.add(Arguments.of("REGISTER 30 Newbie BOTH 127.0.0.1 5001 65536 1GB", "ERROR 30 Bad-port"));
        cases.add(Arguments.of("REGISTER 31 Newbie BOTH 127.0.0.1 5001 6001 -1", "ERROR 31 Bad-size"));
        cases.add(Arguments.of("REGISTER 32 Newbie BOTH 127.0.0.1 5001 6001 1XB", "ERROR 32 Bad-size"));
        cases.add(Arguments.of("REGISTER 33 Newbie BOTH 127.0.0.1 5001 6001 99999999999TB", "ERROR 33 Bad-size"));
        cases.add(Arguments.of("REGISTER 34 Newbie  BOTH 127.0.0.1 5001 6001 1GB", "ERROR 34 Bad-spacing"));
        cases.add(Arguments.of("REGISTER 35 Newbie" + ok + " ", "ERROR 35 Bad-spacing"));
        cases.add(Arguments.of("REGISTER 36 Newbie\tBOTH 127.0.0.1 5001 6001 1GB", "ERROR 36 Bad-character"));
        cases.add(Arguments.of("REGISTER 37 New\u00a0bie" + ok, "ERROR 37 Bad-character"));
        cases.add(Arguments.of("REGISTER 38 Newbie" + ok + "\n\n", "ERROR 38 Bad-character"));
        cases.add(Arguments.of("REGISTER x1 Newbie" + ok, "ERROR 0 Bad-RQ"));
        cases.add(Arguments.of("REGISTER 1234567890 Newbie" + ok, "ERROR 0 Bad-RQ"));
        cases.add(Arguments.of("REGISTER", "ERROR 0 Bad-RQ"));
        cases.add(Arguments.of("register 39 Newbie" + ok, "ERROR 39 Unknown-command"));
        cases.add(Arguments.of("HELLO 40", "ERROR 40 Unknown-command"));
        cases.add(Arguments.of("REGISTER 41 Newbie" + ok + " token=a token=b", "ERROR 41 Bad-option"));
        cases.add(Arguments.of("REGISTER 42 Newbie BOTH 127.0.0.1 5001 token=a 6001 1GB", "ERROR 42 Bad-option"));
        cases.add(Arguments.of("REGISTER 43 Newbie" + ok + " Token=a", "ERROR 43 Bad-option"));
        // Malformed requests that carry a valid token must not act on it.
        cases.add(Arguments.of("DE-REGISTER 44 Ivy token=IVY =x", "ERROR 44 Bad-option"));
        cases.add(Arguments.of("DE-REGISTER 45 Ivy Ivy token=IVY", "ERROR 45 Wrong-field-count"));
        cases.add(Arguments.of("DE-REGISTER 46 token=IVY", "ERROR 46 Wrong-field-count"));
        cases.add(Arguments.of("DE-REGISTER 47 Iv@y token=IVY", "ERROR 47 Bad-name"));
        cases.add(Arguments.of("REGISTER 48 Ivy STORAGE 10.9.9.9 5001 6001 1GB  token=IVY", "ERROR 48 Bad-spacing"));
        cases.add(Arguments.of("REGISTER 49 Ivy STORAGE 10.9.9.9 5001 6001 1QB token=IVY", "ERROR 49 Bad-size"));
        cases.add(Arguments.of("LIST 50 extra token=IVY", "ERROR 50 Wrong-field-count"));
        cases.add(Arguments.of("LIST 51 token=IVY after=bad!name", "ERROR 51 Bad-name"));
        cases.add(Arguments.of("", "ERROR 0 Empty-datagram"));
        cases.add(Arguments.of("\n", "ERROR 0 Empty-datagram"));
        cases.add(Arguments.of(" ", "ERROR 0 Bad-spacing"));
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformed")
    void malformedInputIsAnsweredWithErrorAndChangesNothing(String request, String expected) {
        assertRejectedWithoutChange(request.replace("IVY", ivyToken).getBytes(StandardCharsets.UTF_8), expected);
    }

    @Test
    void undecodableOrOversizedDatagramsAreAnsweredWithErrorRqZero() {
        byte[] notUtf8 = ("REGISTER 52 N\u00e9wbie BOTH 127.0.0.1 5001 6001 1GB").getBytes(StandardCharsets.ISO_8859_1);
        assertRejectedWithoutChange(notUtf8, "ERROR 0 Not-UTF8");
        byte[] overlong = "REGISTER 53 Newbie BOTH 127.0.0.1 5001 6001 1GB".getBytes(StandardCharsets.UTF_8);
        overlong[12] = (byte) 0xC1; // an overlong encoding, never valid UTF-8
        assertRejectedWithoutChange(overlong, "ERROR 0 Not-UTF8");

        String valid = "REGISTER 54 Newbie BOTH 127.0.0.1 5001 6001 1GB pad=";
        byte[] tooLarge = (valid + "x".repeat(1400 - valid.length())).getBytes(StandardCharsets.UTF_8);
        assertEquals(1400, tooLarge.length);
        assertRejectedWithoutChange(tooLarge, "ERROR 0 Datagram-too-large");
        assertRejectedWithoutChange(new byte[9000], "ERROR 0 Datagram-too-large");

        // One byte less is a datagram like any other (and unknown options are ignored).
        String list = "LIST 55 token=" + observerToken + " pad=";
        String largest = list + "x".repeat(1399 - list.length());
        assertEquals("LIST_OK", client.call(largest).command());
    }

    @Test
    void aTcpCommandSentOverUdpIsNotServed() {
        Counts before = counts();
        String rq = nextRq();
        assertEquals("ERROR " + rq + " Not-served",
                client.call("GET_CHUNK " + rq + " file.txt 0 owner=Ivy version=1 expires=1 ticket=" + "a".repeat(32))
                        .text());
        assertEquals(before, counts());
    }

    private void assertRejectedWithoutChange(byte[] datagram, String expected) {
        Counts before = counts();
        List<Reply> listBefore = client.listPages(observerToken);
        client.send(datagram);
        Reply reply = client.receive(UdpTestClient.REPLY_TIMEOUT);
        assertTrue(reply != null, "no reply; expected " + expected);
        assertEquals(expected, reply.text());
        assertEquals(before, counts());
        assertEquals(texts(listBefore), texts(client.listPages(observerToken)));
        assertTrue(listed("Newbie").isEmpty());
        assertTrue(listed("Ivy").isPresent());
    }

    private static List<String> texts(List<Reply> pages) {
        // The RQ# differs from one LIST to the next; what follows it must not.
        return pages.stream().map(p -> p.text().substring(p.text().indexOf(' ', "LIST_OK ".length()))).toList();
    }

    @Test
    void repliesSentToTheServerAreDroppedSilently() {
        Counts before = counts();
        List<String> strays = List.of(
                "LIST_OK 61 []",
                "LIST_OK 62 [Evil:BOTH:127.0.0.1:5001:6001:1:ALIVE] next=Evil",
                "REGISTERED 63 token=" + "ab".repeat(32),
                "REGISTER-DENIED 64 Name-taken",
                "DE-REGISTERED 65",
                "DE-REGISTER-DENIED 66 Bad-token",
                "LIST-DENIED 67 Bad-token",
                "ERROR 68 Bad-RQ",
                "ERROR 0 Empty-datagram",
                "ACK 69");
        for (String stray : strays) {
            client.send(stray);
        }
        String rq = nextRq();
        client.send("LIST " + rq + " token=" + observerToken);
        // Everything that comes back until the line goes quiet: only the LIST's answer.
        List<Reply> got = client.drain(Duration.ofMillis(500));
        assertEquals(List.of("LIST_OK " + rq), got.stream().map(r -> r.command() + " " + r.rq()).toList(),
                () -> got.stream().map(Reply::text).toList().toString());
        assertEquals(before, counts());
        assertTrue(listed("Evil").isEmpty());
    }

    @Test
    void theReplyGoesToTheRequestsSourceAddressNotTheRegisteredPort() {
        try (UdpTestClient other = new UdpTestClient(server.udpPort())) {
            // The REGISTER names the other socket's port as its own UDP port.
            String rq = nextRq();
            Reply reply = client.call("REGISTER " + rq + " Hank BOTH 127.0.0.1 " + other.localPort() + " 6001 1GB");
            assertEquals("REGISTERED", reply.command());
            rq = nextRq();
            assertEquals("LIST_OK", client.call("LIST " + rq + " token=" + reply.token()).command());
            assertEquals(List.of(), other.drain(Duration.ofMillis(300)), "nothing goes anywhere else");
        }
    }

    @Test
    void theRqIsEchoedExactlyInEveryKindOfReply() {
        String token = client.call("REGISTER 0007 Jill BOTH 127.0.0.1 5001 6001 1GB").token();
        assertEquals("REGISTER-DENIED 00008 Name-taken",
                client.call("REGISTER 00008 jill BOTH 127.0.0.1 5001 6001 1GB").text());
        assertTrue(client.call("LIST 009 token=" + token).text().startsWith("LIST_OK 009 ["));
        assertEquals("LIST-DENIED 0010 Missing-token", client.call("LIST 0010").text());
        assertEquals("DE-REGISTER-DENIED 0000011 Unknown-name",
                client.call("DE-REGISTER 0000011 Nobody token=" + token).text());
        assertEquals("ERROR 012 Unknown-command", client.call("HELLO 012").text());
        assertEquals("ERROR 00013 Bad-port", client.call("REGISTER 00013 Jack BOTH 127.0.0.1 99999 1 1GB").text());
        assertEquals("DE-REGISTERED 000000014", client.call("DE-REGISTER 000000014 Jill token=" + token).text());
    }
}
