package p2pbrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The peer as a person or a script runs it: {@code java -jar p2pbrs.jar peer ...} against a
 * real server process (one per class), driven through --exec or its standard input.
 */
@Timeout(90)
class PeerProcessIT {
    private static final Pattern LISTENING = Pattern.compile("LISTENING udp=(\\d+)");
    private static final Pattern READY = Pattern.compile("READY name=(\\S+) udp=(\\d+) tcp=(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("RECOVERY-KEY (rk1[a-z2-7]+)");
    private static final Pattern OK_LIST = Pattern.compile("OK list: (\\d+) peers?");
    private static final Pattern ROW = Pattern.compile(
            "(\\S+)\\s+(OWNER|STORAGE|BOTH)\\s+(\\S+)\\s+udp=(\\d+)\\s+tcp=(\\d+)\\s+capacity=.*");
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration RUN = Duration.ofSeconds(45);

    @TempDir
    static Path serverDir;

    private static JarProcess server;
    private static InetSocketAddress serverAddress;
    private static WireClient wire;
    // A peer of our own making, registered over UDP: "another peer" whose LIST we read.
    private static String witnessToken;
    private static final AtomicInteger RQ = new AtomicInteger(100);

    @TempDir
    Path dir;

    private final List<JarProcess> started = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = JarProcess.start("server", serverDir, "server", "--udp-port", "0", "--sql-port", "0", "--bind", "127.0.0.1",
                "--db", serverDir.resolve("db").resolve("server").toString(), "--registration", "open",
                "--registrations-per-minute", "100000");
        int port = Integer.parseInt(server.awaitMatch(LISTENING, START).group(1));
        serverAddress = new InetSocketAddress("127.0.0.1", port);
        wire = new WireClient();
        witnessToken = wire.register(serverAddress, rq(), "Witness");
    }

    @AfterAll
    static void stopServer() {
        if (wire != null) {
            wire.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void stopPeers() {
        started.forEach(JarProcess::close);
    }

    @Test
    void execListShowsTheRegisteredPeersAndExitsZero() {
        JarProcess p = peer("Lister", "db-lister", "--exec", "list");
        assertEquals(0, p.awaitExit(RUN), "exec list should succeed" + p.describe());

        Matcher ready = ready(p);
        List<Row> rows = rows(p.output());
        assertTrue(names(rows).contains("Witness"), "list should show the peer registered before" + p.describe());
        Row self = only(rows, "Lister", p);
        assertEquals(Integer.parseInt(ready.group(2)), self.udp, "the peer's own row should carry its UDP port");
        assertEquals(Integer.parseInt(ready.group(3)), self.tcp, "the peer's own row should carry its TCP port");
        String last = last(p);
        Matcher ok = OK_LIST.matcher(last);
        assertTrue(ok.matches(), "the outcome should end with 'OK list: N peers', got: " + last);
        assertEquals(rows.size(), Integer.parseInt(ok.group(1)), "OK list should count the rows it printed");
    }

    @Test
    void anUnknownCommandInExecStopsTheRunWithAnErrorLineAndExitOne() {
        JarProcess p = peer("Oops", "db-oops", "--exec", "help", "--exec", "frobnicate", "--exec", "list");
        assertEquals(1, p.awaitExit(RUN), "a failed --exec command should exit 1" + p.describe());

        List<String> out = p.output();
        assertTrue(out.contains("OK help"), "the command before the failure should have run" + p.describe());
        String last = last(p);
        assertTrue(last.startsWith("ERROR") && last.contains("frobnicate"),
                "the failure should end with an ERROR line naming the command, got: " + last);
        assertTrue(out.stream().noneMatch(l -> l.startsWith("OK list")),
                "commands after the failure should not run" + p.describe());
    }

    static Stream<List<String>> usageErrors() {
        return Stream.of(
                List.of("--name", "Usage1", "--no-such-flag"),
                List.of("--role", "OWNER"),
                List.of("--name", "Usage3", "--capacity", "lots"),
                List.of("--name", "Usage4", "--ip", "255.255.255.255"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void usageErrorsExitTwoBeforeStarting(List<String> args) {
        List<String> command = new ArrayList<>(List.of("peer"));
        command.addAll(args);
        // Were the line accepted, these keep the run short and out of the repository.
        command.addAll(List.of("--server", "127.0.0.1:" + serverAddress.getPort(),
                "--db", dir.resolve("db-usage").toString(), "--storage", dir.resolve("storage-usage").toString(),
                "--restore-dir", dir.resolve("restored").toString(), "--rpc-timeout-ms", "100", "--exec", "list"));
        JarProcess p = track(JarProcess.start("usage", dir, command));
        assertEquals(2, p.awaitExit(RUN), "a usage error should exit 2: " + args + p.describe());
        assertTrue(p.output().stream().noneMatch(l -> l.startsWith("READY")),
                "a usage error should not start a peer" + p.describe());
    }

    @Test
    void aPeerRestartedOnTheSameDatabaseKeepsItsNameWithoutANewToken() {
        JarProcess first = peer("Phoenix", "db-phoenix", "--exec", "list");
        assertEquals(0, first.awaitExit(RUN), first.describe());
        List<String> out = first.output();
        int tokenAt = indexOf(out, TOKEN);
        assertTrue(tokenAt >= 0, "the first registration should print RECOVERY-KEY rk1..." + first.describe());
        assertTrue(tokenAt + 1 < out.size() && out.get(tokenAt + 1).toLowerCase(Locale.ROOT).contains("keep")
                        && out.get(tokenAt + 1).toLowerCase(Locale.ROOT).contains("safe"),
                "RECOVERY-KEY should be followed by a line saying to keep it safe" + first.describe());

        JarProcess second = peer("Phoenix", "db-phoenix", "--exec", "list");
        assertEquals(0, second.awaitExit(RUN), "the restarted peer should register again" + second.describe());
        assertEquals(-1, indexOf(second.output(), TOKEN), "a restart should not print a new TOKEN" + second.describe());
        assertTrue(second.output().stream().anyMatch(l -> l.startsWith("REGISTERED name=Phoenix")), second.describe());
        Row row = only(rows(second.output()), "Phoenix", second);
        assertEquals(Integer.parseInt(ready(second).group(2)), row.udp,
                "the name should now point at the restarted peer's port");
    }

    @Test
    void aFreshDatabaseWithTheTokenTakesTheNameBackWhileOthersAreRefused() {
        JarProcess holder = peer("Rover", "db-rover-1");
        ready(holder);
        String token = holder.awaitMatch(TOKEN, START).group(1);
        holder.awaitPrefix("REGISTERED name=Rover", START);

        // Another machine, another case, no token: the name is taken.
        JarProcess intruder = peer("rover", "db-rover-2", "--exec", "list");
        assertEquals(1, intruder.awaitExit(RUN), "a taken name without its token should fail" + intruder.describe());
        String refusal = last(intruder);
        assertTrue(refusal.startsWith("ERROR") && refusal.contains("Name-taken"),
                "the refusal should be an ERROR line saying the name is taken, got: " + refusal);
        assertEquals(-1, indexOf(intruder.output(), TOKEN), "a refused peer should get no token");

        // A new machine: empty database, the token on the command line.
        JarProcess heir = peer("Rover", "db-rover-3", "--token", token, "--exec", "list");
        assertEquals(0, heir.awaitExit(RUN), "the token should take the name back" + heir.describe());
        assertEquals(-1, indexOf(heir.output(), TOKEN), "taking a name back should not print a new TOKEN"
                + heir.describe());
        Row row = only(rows(heir.output()), "Rover", heir);
        assertEquals(Integer.parseInt(ready(heir).group(2)), row.udp,
                "the name should now point at the new machine's port" + heir.describe());
        assertTrue(rows(heir.output()).stream().noneMatch(r -> r.name.equals("rover")), heir.describe());
    }

    @Test
    void deDeRegistersThePeer() {
        JarProcess p = peer("Leaver", "db-leaver", "--exec", "list", "--exec", "de");
        assertEquals(0, p.awaitExit(RUN), p.describe());
        assertTrue(names(rows(p.output())).contains("Leaver"), "registered before de" + p.describe());
        assertTrue(last(p).startsWith("OK") && last(p).contains("Leaver"),
                "de should end with an OK line naming the peer, got: " + last(p));

        List<String> listed = wire.listNames(serverAddress, witnessToken, RQ.getAndAdd(1000));
        assertTrue(listed.contains("Witness"), "the other peer's LIST should work: " + listed);
        assertFalse(listed.contains("Leaver"), "LIST should no longer show a de-registered peer: " + listed);
    }

    @Test
    void aStoragePeerKeepsServingAfterItsInputEndsAndStopsOnSigterm() throws IOException {
        JarProcess keeper = peer("Keeper", "db-keeper", "--role", "STORAGE");
        Matcher ready = ready(keeper);
        int udp = Integer.parseInt(ready.group(2));
        int tcp = Integer.parseInt(ready.group(3));
        keeper.awaitPrefix("REGISTERED name=Keeper", START);
        keeper.send("help");
        keeper.awaitPrefix("OK help", START);
        keeper.closeStdin();

        JarProcess looker = peer("Looker", "db-looker", "--role", "OWNER", "--exec", "list");
        assertEquals(0, looker.awaitExit(RUN), looker.describe());
        Row row = only(rows(looker.output()), "Keeper", looker);
        assertEquals(udp, row.udp, "another peer's list should show the storage peer");

        assertFalse(keeper.exitsWithin(Duration.ofMillis(500)),
                "a storage peer should keep running after its input ends" + keeper.describe());
        // It still answers on both of its ports.
        String rq = rq();
        String reply = wire.call("LIST " + rq, new InetSocketAddress("127.0.0.1", udp), Duration.ofSeconds(5));
        assertEquals(rq, reply.split(" ")[1], "the storage peer should answer on UDP: " + reply);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcp), 5000);
            assertTrue(socket.isConnected(), "the storage peer should accept chunk connections");
        }
        assertTrue(keeper.isAlive(), keeper.describe());

        keeper.terminate();
        assertTrue(keeper.exitsWithin(Duration.ofSeconds(15)), "a storage peer should stop on SIGTERM"
                + keeper.describe());
    }

    @Test
    void anOwnerPeerExitsZeroWhenItsInputEnds() {
        JarProcess owner = peer("Solo", "db-solo", "--role", "OWNER");
        owner.awaitPrefix("REGISTERED name=Solo", START);
        owner.closeStdin();
        assertEquals(0, owner.awaitExit(Duration.ofSeconds(20)), "an owner peer should exit 0 at the end of its input"
                + owner.describe());
        assertTrue(owner.output().stream().noneMatch(l -> l.startsWith("ERROR")), owner.describe());
    }

    @Test
    void aPipedSessionListsThenQuits() {
        JarProcess p = peer("Piper", "db-piper");
        p.send("list");
        p.send("quit");
        p.closeStdin();
        assertEquals(0, p.awaitExit(RUN), "list then quit from a pipe should exit 0" + p.describe());

        List<String> out = p.output();
        int list = indexOf(out, OK_LIST);
        int quit = out.indexOf("OK quit");
        assertTrue(list >= 0, "list should end with 'OK list: N peers'" + p.describe());
        assertTrue(quit > list, "quit should answer 'OK quit' after the list" + p.describe());
        assertEquals(out.size() - 1, quit, "nothing should follow OK quit" + p.describe());
        assertTrue(names(rows(out)).contains("Piper"), p.describe());
        assertTrue(out.stream().noneMatch(l -> l.startsWith("ERROR")), p.describe());
    }

    // ---- helpers ----

    private record Row(String name, String role, int udp, int tcp) {
    }

    /** Starts a peer against the class's server; its database and chunks live under this test's folder. */
    private JarProcess peer(String name, String dbName, String... more) {
        List<String> args = new ArrayList<>(List.of("peer", "--name", name,
                "--server", "127.0.0.1:" + serverAddress.getPort(), "--ip", "127.0.0.1",
                "--udp-port", "0", "--tcp-port", "0",
                "--db", dir.resolve(dbName).resolve("peer").toString(),
                "--storage", dir.resolve(dbName).resolve("storage").toString(),
                "--restore-dir", dir.resolve(dbName).resolve("restored").toString(),
                "--rpc-timeout-ms", "100", "--quiet"));
        args.addAll(List.of(more));
        return track(JarProcess.start(name, dir, args));
    }

    private JarProcess track(JarProcess p) {
        started.add(p);
        return p;
    }

    private static String rq() {
        return Integer.toString(RQ.getAndIncrement());
    }

    private static Matcher ready(JarProcess p) {
        List<String> out = p.output();
        for (String line : out) {
            Matcher m = READY.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
        return p.awaitMatch(READY, START);
    }

    private static String last(JarProcess p) {
        List<String> out = p.output();
        assertFalse(out.isEmpty(), "no output" + p.describe());
        return out.get(out.size() - 1);
    }

    private static int indexOf(List<String> lines, Pattern pattern) {
        for (int i = 0; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    private static List<Row> rows(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(new Row(m.group(1), m.group(2), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))));
            }
        }
        return rows;
    }

    private static List<String> names(List<Row> rows) {
        return rows.stream().map(Row::name).toList();
    }

    private static Row only(List<Row> rows, String name, JarProcess p) {
        List<Row> found = rows.stream().filter(r -> r.name.equals(name)).toList();
        assertEquals(1, found.size(), "the list should show " + name + " exactly once" + p.describe());
        assertNotEquals(0, found.get(0).udp);
        return found.get(0);
    }
}
