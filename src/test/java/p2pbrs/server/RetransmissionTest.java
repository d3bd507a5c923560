package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.server.UdpTestClient.Reply;

/**
 * Repeated requests (same source address, same RQ#, same text) get the same reply and are
 * applied once; a different request under a reused RQ# is a new request.
 */
class RetransmissionTest {
    @TempDir
    static Path dir;

    private static MetadataServer server;
    private static String observerToken;

    private UdpTestClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0));
        try (UdpTestClient c = new UdpTestClient(server.udpPort())) {
            observerToken = c.register("Observer");
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

    private boolean listed(String name) {
        return client.listNames(observerToken).contains(name);
    }

    @Test
    void aRetriedRegisterGetsTheSameTokenNotNameTaken() {
        String register = "REGISTER " + nextRq() + " Kate BOTH 127.0.0.1 5001 6001 1GB";
        Reply first = client.call(register);
        String token = first.token();
        Counts after = counts();
        for (int retry = 0; retry < 3; retry++) {
            assertEquals(first.text(), client.call(register).text(), "retry " + retry);
        }
        assertEquals(after, counts(), "applied once");
        assertEquals("LIST_OK", client.call("LIST " + nextRq() + " token=" + token).command());
    }

    @Test
    void aRetriedRebindGetsTheSameReply() {
        String token = client.register("Rick");
        String rebind = "REGISTER " + nextRq() + " Rick STORAGE 10.0.0.5 7001 8001 2GB token=" + token;
        Reply first = client.call(rebind);
        assertTrue(first.text().matches("REGISTERED " + first.rq() + " id=[0-9a-f]{32} cluster=[0-9a-f]{32}"), first.text());
        Counts after = counts();
        assertEquals(first.text(), client.call(rebind).text());
        assertEquals(after, counts());
    }

    @Test
    void aRetriedDeRegisterGetsDeRegisteredAgain() {
        String token = client.register("Liam");
        String rq = nextRq();
        String deRegister = "DE-REGISTER " + rq + " Liam token=" + token;
        assertEquals("DE-REGISTERED " + rq, client.call(deRegister).text());
        Counts after = counts();
        for (int retry = 0; retry < 3; retry++) {
            assertEquals("DE-REGISTERED " + rq, client.call(deRegister).text(), "retry " + retry);
        }
        assertEquals(after, counts());
        // The same request under a new RQ# is a new request: Liam is gone by now, and is told
        // so again (every reply to the first may have been lost), changing nothing.
        String fresh = nextRq();
        assertEquals("DE-REGISTERED " + fresh, client.call("DE-REGISTER " + fresh + " Liam token=" + token).text());
        assertEquals(after, counts());
    }

    @Test
    void aLateDuplicateGetsTheOriginalReplyButIsNotAppliedAgain() {
        String register = "REGISTER " + nextRq() + " Mona BOTH 127.0.0.1 5001 6001 1GB";
        Reply registered = client.call(register);
        String token = registered.token();
        String deRegister = "DE-REGISTER " + nextRq() + " Mona token=" + token;
        Reply deRegistered = client.call(deRegister);
        assertEquals("DE-REGISTERED", deRegistered.command());
        Counts gone = counts();

        // A REGISTER duplicate that arrives after the DE-REGISTER does not bring Mona back.
        assertEquals(registered.text(), client.call(register).text());
        assertEquals(gone, counts());
        assertFalse(listed("Mona"));

        // Mona comes back with her token; a stale DE-REGISTER duplicate does not drop her.
        assertEquals("REGISTERED", client.call("REGISTER " + nextRq() + " Mona BOTH 127.0.0.1 5001 6001 1GB token="
                + token).command());
        Counts back = counts();
        assertEquals(deRegistered.text(), client.call(deRegister).text());
        assertEquals(back, counts());
        assertTrue(listed("Mona"));
    }

    // About 3% of the names show the race below per burst: 100 names make it near certain.
    private static final int BURST_NAMES = 100;
    private static final int BURST_COPIES = 3;

    @Test
    void duplicateRegistersInFlightAtOnceAllGetTheSameReplyAndRegisterOnce() {
        Counts before = counts();
        // Each name's REGISTER is sent several times back to back, before any reply.
        Map<String, String> requests = new LinkedHashMap<>();
        for (int i = 0; i < BURST_NAMES; i++) {
            String rq = nextRq();
            requests.put(rq, String.format("REGISTER %s DupReg%02d BOTH 127.0.0.1 5001 6001 1GB token=%s", rq, i,
                    p2pbrs.protocol.Tokens.generate()));
        }
        Map<String, List<String>> replies = burst(requests, BURST_COPIES);
        Set<String> tokens = new HashSet<>();
        for (Map.Entry<String, List<String>> e : replies.entrySet()) {
            List<String> got = e.getValue();
            assertEquals(BURST_COPIES, got.size(), e.getKey() + ": " + got);
            assertTrue(got.get(0).matches("REGISTERED " + e.getKey() + " id=[0-9a-f]{32} cluster=[0-9a-f]{32}"), got.toString());
            assertEquals(1, new HashSet<>(got).size(), "every copy gets the same reply: " + got);
            tokens.add(got.get(0));
        }
        assertEquals(BURST_NAMES, tokens.size());
        assertEquals(new Counts(before.active() + BURST_NAMES, before.all() + BURST_NAMES,
                before.secrets() + BURST_NAMES), counts());
    }

    @Test
    void duplicateDeRegistersInFlightAtOnceAreAllAnsweredDeRegistered() {
        Map<String, String> requests = new LinkedHashMap<>();
        for (int i = 0; i < BURST_NAMES; i++) {
            String name = String.format("DupDe%02d", i);
            String token = client.register(name);
            String rq = nextRq();
            requests.put(rq, "DE-REGISTER " + rq + " " + name + " token=" + token);
        }
        Counts before = counts();
        Map<String, List<String>> replies = burst(requests, BURST_COPIES);
        for (Map.Entry<String, List<String>> e : replies.entrySet()) {
            assertEquals(Collections.nCopies(BURST_COPIES, "DE-REGISTERED " + e.getKey()), e.getValue());
        }
        assertEquals(new Counts(before.active() - BURST_NAMES, before.all(), before.secrets()), counts());
    }

    /** Sends each request `copies` times back to back, then collects every reply by RQ#. */
    private Map<String, List<String>> burst(Map<String, String> requests, int copies) {
        Map<String, List<String>> replies = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : requests.entrySet()) {
            replies.put(e.getKey(), new ArrayList<>());
            for (int c = 0; c < copies; c++) {
                client.send(e.getValue());
            }
        }
        int expected = requests.size() * copies;
        long deadline = System.nanoTime() + UdpTestClient.REPLY_TIMEOUT.toNanos();
        int received = 0;
        while (received < expected) {
            Reply r = client.receive(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            assertNotNull(r, "only " + received + " of " + expected + " replies: " + replies);
            List<String> forRq = replies.get(r.rq());
            assertNotNull(forRq, "a reply to no request: " + r.text());
            forRq.add(r.text());
            received++;
        }
        assertEquals(List.of(), client.drain(Duration.ofMillis(200)), "one reply per copy, no more");
        return replies;
    }

    @Test
    void aDifferentRequestUnderAReusedRqIsANewRequest() {
        String rq = nextRq();
        Counts before = counts();
        String nina = client.call("REGISTER " + rq + " Nina BOTH 127.0.0.1 5001 6001 1GB").token();
        String omar = client.call("REGISTER " + rq + " Omar BOTH 127.0.0.1 5002 6002 1GB").token();
        assertNotEquals(nina, omar, "Omar is registered, not answered with Nina's reply");
        assertEquals(new Counts(before.active() + 2, before.all() + 2, before.secrets() + 2), counts());
        assertTrue(listed("Nina") && listed("Omar"));

        assertEquals("DE-REGISTERED " + rq, client.call("DE-REGISTER " + rq + " Nina token=" + nina).text());
        assertFalse(listed("Nina"), "the DE-REGISTER was applied");
        assertTrue(client.call("LIST " + rq + " token=" + omar).text().startsWith("LIST_OK " + rq + " ["));
        String taken = client.call("REGISTER " + rq + " omar BOTH 127.0.0.1 5003 6003 1GB").text();
        assertEquals("REGISTER-DENIED " + rq + " Name-taken", taken);
        assertEquals(new Counts(before.active() + 1, before.all() + 2, before.secrets() + 2), counts());
    }

    @Test
    void theSameRqAndTextFromAnotherAddressIsADifferentRequest() {
        String register = "REGISTER " + nextRq() + " Quinn BOTH 127.0.0.1 5001 6001 1GB";
        String token = client.call(register).token();
        Counts after = counts();
        try (UdpTestClient other = new UdpTestClient(server.udpPort())) {
            Reply reply = other.call(register);
            assertEquals("REGISTER-DENIED " + reply.rq() + " Name-taken", reply.text(),
                    "another sender must not be handed Quinn's token");
            assertFalse(reply.text().contains(token));
        }
        assertEquals(after, counts());
        Set<String> names = new HashSet<>(client.listNames(observerToken));
        assertTrue(names.contains("Quinn"));
    }
}
