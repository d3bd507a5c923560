package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.server.UdpTestClient.Entry;
import p2pbrs.server.UdpTestClient.Reply;

/**
 * Many clients, each on its own socket and thread, registering, listing and leaving at the
 * same time (and all racing for one name); checked while it happens and afterwards.
 */
class ConcurrentPeersTest {
    private static final int THREADS = 16;
    private static final int PEERS_PER_THREAD = 4;
    private static final String CONTESTED = "Contested";

    @TempDir
    Path dir;

    /** What one thread did: its peers' tokens, which it kept, and its try at the contested name. */
    private record Outcome(List<String> names, List<String> tokens, List<String> kept, String contestedToken) {
    }

    @Test
    void manyPeersRegisteringListingAndLeavingAtOnceAreServedCorrectly() throws Exception {
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0))) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch ready = new CountDownLatch(THREADS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome>> futures = new ArrayList<>();
            try {
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> peerThread(server.udpPort(), thread, ready, go)));
                }
                assertTrue(ready.await(30, TimeUnit.SECONDS), "threads did not start");
                go.countDown();
                List<Outcome> outcomes = new ArrayList<>();
                for (Future<Outcome> f : futures) {
                    outcomes.add(result(f));
                }
                checkAfterwards(server, outcomes);
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
            }
        }
    }

    private static Outcome result(Future<Outcome> f) throws Exception {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static Outcome peerThread(int port, int thread, CountDownLatch ready, CountDownLatch go)
            throws InterruptedException {
        try (UdpTestClient client = new UdpTestClient(port)) {
            ready.countDown();
            assertTrue(go.await(30, TimeUnit.SECONDS));
            List<String> names = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int p = 0; p < PEERS_PER_THREAD; p++) {
                // Case varies between threads: t03-P1 and T04-p1 must sort together.
                String name = (thread % 2 == 0 ? "T" : "t") + String.format("%02d-", thread) + (p % 2 == 0 ? "p" : "P")
                        + p;
                names.add(name);
                tokens.add(client.call("REGISTER " + nextRq() + " " + name + " BOTH 127.0.0.1 " + (10000 + thread * 10 + p)
                        + " " + (20000 + thread * 10 + p) + " " + (p + 1) + "GB").token());
            }

            String rq = nextRq();
            Reply contested = client.call("REGISTER " + rq + " " + CONTESTED + " OWNER 127.0.0.1 5000 6000 1GB");
            String contestedToken = null;
            if (contested.command().equals("REGISTERED")) {
                contestedToken = contested.token();
            } else {
                assertEquals("REGISTER-DENIED " + rq + " Name-taken", contested.text());
            }

            // While others come and go: a consistent, sorted listing holding our own peers.
            List<String> seen = names(client.listAll(tokens.get(0)));
            assertSortedAndUnique(seen);
            assertTrue(seen.containsAll(names), "own peers missing from " + seen);

            for (int p = 2; p < PEERS_PER_THREAD; p++) {
                String deRq = nextRq();
                String deRegister = "DE-REGISTER " + deRq + " " + names.get(p) + " token=" + tokens.get(p);
                assertEquals("DE-REGISTERED " + deRq, client.call(deRegister).text());
                assertEquals("DE-REGISTERED " + deRq, client.call(deRegister).text(), "a retry");
            }
            seen = names(client.listAll(tokens.get(1)));
            assertSortedAndUnique(seen);
            assertTrue(seen.containsAll(names.subList(0, 2)), seen.toString());
            assertFalse(seen.contains(names.get(2)) || seen.contains(names.get(3)), seen.toString());
            return new Outcome(names, tokens, names.subList(0, 2), contestedToken);
        }
    }

    private static List<String> names(List<Entry> entries) {
        return entries.stream().map(Entry::name).toList();
    }

    private static void assertSortedAndUnique(List<String> names) {
        for (int i = 1; i < names.size(); i++) {
            assertTrue(names.get(i - 1).toLowerCase(Locale.ROOT).compareTo(names.get(i).toLowerCase(Locale.ROOT)) < 0,
                    "not sorted or repeated at " + i + ": " + names);
        }
    }

    private static void checkAfterwards(MetadataServer server, List<Outcome> outcomes) {
        List<String> winners = outcomes.stream().map(Outcome::contestedToken).filter(t -> t != null).toList();
        assertEquals(1, winners.size(), "exactly one thread gets the contested name");

        Set<String> tokens = new HashSet<>(winners);
        outcomes.forEach(o -> tokens.addAll(o.tokens()));
        int registered = THREADS * PEERS_PER_THREAD + 1;
        assertEquals(registered, tokens.size(), "every registration got a token of its own");

        assertEquals(THREADS * 2 + 1, server.registry().countActive());
        assertEquals(registered, server.registry().countAll(), "gone peers keep their rows");
        assertEquals(registered, server.registry().countSecrets());

        List<String> expected = new ArrayList<>();
        outcomes.forEach(o -> expected.addAll(o.kept()));
        expected.add(CONTESTED);
        expected.sort((a, b) -> a.toLowerCase(Locale.ROOT).compareTo(b.toLowerCase(Locale.ROOT)));
        try (UdpTestClient client = new UdpTestClient(server.udpPort())) {
            List<Entry> all = client.listAll(winners.get(0));
            assertEquals(expected, names(all));
            assertTrue(all.stream().allMatch(e -> e.state().equals("ALIVE")));
            for (Outcome o : outcomes) {
                for (int p = 2; p < PEERS_PER_THREAD; p++) {
                    String rq = nextRq();
                    assertEquals("LIST-DENIED " + rq + " Bad-token",
                            client.call("LIST " + rq + " token=" + o.tokens().get(p)).text());
                }
            }
        }
    }
}
