package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sql} command from the packaged jar, against a running server and then a stopped
 * one; and a second server process on the same database, refused without harm to the first.
 */
class SqlIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String COUNT = "SELECT COUNT(*) AS peers FROM peer";

    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheSameDatabaseIsRefusedAndTheFirstKeepsAnswering() throws Exception {
        String sqlFile;
        try (Launched server = Launched.start(dir, List.of(), "server", "--udp-port", "0", "--sql-port", "0",
                "--db", "db/server")) {
            server.awaitLine(l -> l.startsWith("LISTENING udp="), WAIT);
            assertEquals(List.of("[", "  {\"peers\": 0}", "]"), sql(0, COUNT, "--json"));
            sqlFile = Files.readString(dir.resolve("db/server.sql"));
            assertListensOnLoopbackOnly(Integer.parseInt(sqlFile.lines().filter(l -> l.startsWith("port="))
                    .findFirst().orElseThrow().substring("port=".length())));

            try (Launched second = Launched.start(dir, List.of(), "server", "--udp-port", "0", "--sql-port", "0",
                    "--db", "db/server")) {
                assertNotEquals(0, second.awaitExit(WAIT));
                assertTrue(second.output().stream().noneMatch(l -> l.startsWith("LISTENING")), 
                        second.output()::toString);
            }
            assertTrue(logs("server").stream().anyMatch(l -> l.startsWith("ERROR cannot start the server: another "
                    + "process (a server already running?) has the database db/server open")), () -> logs("server")
                    .toString());
            // The first still serves: the same access file, its SQL port and its UDP port answer.
            assertEquals(sqlFile, Files.readString(dir.resolve("db/server.sql")));
            assertEquals(List.of("peers", "0"), sql(0, COUNT, "--csv"));
            assertTrue(run(0, "fsck", "--db", "db/server").stream()
                    .anyMatch(l -> l.contains("from the running server")));
            assertEquals(List.of(), sql(1, "DELETE FROM peer"));
            assertTrue(logs("sql").stream().anyMatch(l -> l.startsWith("ERROR refused, this access is read-only: "
                    + "Not enough rights")), () -> logs("sql").toString());
        }
        // Stopped: the database file itself, read-only.
        assertEquals(List.of("peers", "-----", "    0", "(1 row)"), sql(0, COUNT));
        assertEquals(List.of(), sql(1, "CREATE TABLE x (i INT)"));
        assertEquals(List.of("peers", "-----", "    0", "(1 row)"), sql(0, COUNT));
    }

    /** Nothing answers on the port at any of this machine's other addresses. */
    private static void assertListensOnLoopbackOnly(int port) throws Exception {
        try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertTrue(loopback.isConnected());
        }
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    try (Socket other = new Socket()) {
                        assertThrows(IOException.class, () -> other.connect(new InetSocketAddress(address, port), 2_000),
                                address::toString);
                    }
                }
            }
        }
    }

    /** Runs sql QUERY --db db/server [options], expecting the exit code; returns its standard output. */
    private List<String> sql(int exit, String query, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("sql", query, "--db", "db/server"));
        args.addAll(List.of(options));
        return run(exit, args.toArray(String[]::new));
    }

    private List<String> run(int exit, String... args) throws Exception {
        try (Launched command = Launched.start(dir, List.of(), args)) {
            assertEquals(exit, command.awaitExit(WAIT), command.output()::toString);
            return command.output();
        }
    }

    /** The standard error of every process started with this command, line by line. */
    private List<String> logs(String command) {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.getFileName().toString().startsWith(command + "-")).toList()) {
                lines.addAll(Files.readAllLines(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return lines;
    }
}
