package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer program as a user runs it: its output lines, its exit codes, its lifecycle. */
class PeerProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static Launched server;
    private static String serverAddress;

    @BeforeAll
    static void startServer() throws Exception {
        server = Launched.start(dir, List.of(), "server", "--udp-port", "0", "--sql-port", "0", "--db", "db/server",
                "--registration", "open", "--registrations-per-minute", "100000");
        serverAddress = "127.0.0.1:" + server.awaitLine(l -> l.startsWith("LISTENING udp="), WAIT)
                .substring("LISTENING udp=".length());
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.close();
    }

    private static Launched peer(String name, String db, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--server", serverAddress,
                "--db", "db/" + db, "--storage", "storage/" + db, "--rpc-timeout-ms", "100"));
        args.addAll(List.of(more));
        return Launched.start(dir, List.of(), args.toArray(String[]::new));
    }

    private static boolean has(Launched p, String prefix) {
        return p.output().stream().anyMatch(l -> l.startsWith(prefix));
    }

    @Test
    void execRunsCommandsAndExitsZero() throws Exception {
        try (Launched a = peer("Ann", "ann", "--exec", "list", "--exec", "help")) {
            assertEquals(0, a.awaitExit(WAIT), () -> a.output().toString());
            List<String> out = a.output();
            assertTrue(out.get(0).matches("READY name=Ann udp=\\d+ tcp=\\d+"), out.get(0));
            assertTrue(has(a, "RECOVERY-KEY rk1"), "the first registration prints the recovery key");
            assertTrue(out.stream().anyMatch(l -> l.startsWith("Ann ") && l.contains("ALIVE")), out.toString());
            assertTrue(has(a, "OK list"));
            assertTrue(has(a, "OK help"));
        }
    }

    @Test
    void execStopsAtTheFirstFailureAndExitsOne() throws Exception {
        try (Launched b = peer("Ben", "ben", "--exec", "frobnicate", "--exec", "list")) {
            assertEquals(1, b.awaitExit(WAIT));
            assertTrue(has(b, "ERROR unknown command 'frobnicate'"), () -> b.output().toString());
            assertFalse(has(b, "OK list"), "nothing runs after the failure");
        }
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        try (Launched c = Launched.start(dir, List.of(), "peer", "--name", "Cy", "--capacity", "lots")) {
            assertEquals(2, c.awaitExit(WAIT));
        }
        try (Launched c = Launched.start(dir, List.of(), "peer", "--role", "BOTH")) {
            assertEquals(2, c.awaitExit(WAIT));
        }
    }

    @Test
    void restartKeepsTheNameAndTheRecoveryKeyTakesItBack() throws Exception {
        String key;
        try (Launched d = peer("Dora", "dora", "--exec", "list")) {
            assertEquals(0, d.awaitExit(WAIT));
            key = d.awaitLine(l -> l.startsWith("RECOVERY-KEY "), WAIT).substring("RECOVERY-KEY ".length());
        }
        // Same database: re-registers under the same name, no new recovery key.
        try (Launched d = peer("Dora", "dora", "--exec", "list")) {
            assertEquals(0, d.awaitExit(WAIT), () -> d.output().toString());
            assertFalse(has(d, "RECOVERY-KEY "), () -> d.output().toString());
        }
        // Someone else, any case of the name, without the token: refused.
        try (Launched impostor = peer("dora", "impostor", "--exec", "list")) {
            assertEquals(1, impostor.awaitExit(WAIT));
            assertTrue(has(impostor, "ERROR") && impostor.output().toString().contains("Name-taken"));
        }
        // A new machine with an empty database and the recovery key takes the name back.
        try (Launched d = peer("Dora", "dora-new-machine", "--recovery-key", key, "--exec", "list")) {
            assertEquals(0, d.awaitExit(WAIT), () -> d.output().toString());
            assertFalse(has(d, "RECOVERY-KEY "), "the same recovery key stays valid");
        }
    }

    @Test
    void deRegisteredPeerLeavesTheList() throws Exception {
        try (Launched e = peer("Eve", "eve", "--exec", "de")) {
            assertEquals(0, e.awaitExit(WAIT), () -> e.output().toString());
            assertTrue(has(e, "OK de-registered Eve"));
        }
        try (Launched f = peer("Finn", "finn", "--exec", "list")) {
            assertEquals(0, f.awaitExit(WAIT));
            assertTrue(f.output().stream().noneMatch(l -> l.startsWith("Eve ")), () -> f.output().toString());
        }
    }

    @Test
    void pipedCommandsAndQuit() throws Exception {
        try (Launched g = peer("Gus", "gus", "--role", "OWNER")) {
            g.stdin().write("list\nquit\n".getBytes(StandardCharsets.UTF_8));
            g.stdin().flush();
            assertEquals(0, g.awaitExit(WAIT));
            assertTrue(has(g, "OK list"));
            assertTrue(has(g, "OK quit"));
        }
    }

    @Test
    void ownerExitsWhenItsInputEnds() throws Exception {
        try (Launched h = peer("Hal", "hal", "--role", "OWNER")) {
            h.awaitLine(l -> l.startsWith("REGISTERED "), WAIT);
            h.stdin().close();
            assertEquals(0, h.awaitExit(WAIT));
        }
    }

    @Test
    void storagePeerKeepsServingAfterItsInputEndsAndStopsOnSigterm() throws Exception {
        try (Launched s = peer("Sol", "sol", "--role", "STORAGE")) {
            s.awaitLine(l -> l.startsWith("REGISTERED "), WAIT);
            s.stdin().close();
            // Still registered and still running: another peer sees it, after its input closed.
            try (Launched other = peer("Ivy", "ivy", "--exec", "list")) {
                assertEquals(0, other.awaitExit(WAIT));
                assertTrue(other.output().stream().anyMatch(l -> l.startsWith("Sol ")));
            }
            assertTrue(s.process().isAlive(), "a storage peer keeps serving after its input ends");
            s.process().destroy();
            assertTrue(s.process().waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
                    "SIGTERM stops it");
        }
        // It shut down cleanly: its database opens again.
        try (Launched again = peer("Sol", "sol", "--role", "STORAGE", "--exec", "list")) {
            assertEquals(0, again.awaitExit(WAIT), () -> again.output().toString());
        }
    }
}
