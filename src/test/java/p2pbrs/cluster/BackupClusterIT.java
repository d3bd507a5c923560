package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore across separate processes, started as the README says: a server,
 * three storage peers and owners, each its own JVM from the packaged jar.
 */
class BackupClusterIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration JOB = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    private static final List<Launched> running = new ArrayList<>();
    private static String server;

    @BeforeAll
    static void startCluster() throws Exception {
        Launched s = Launched.start(dir, List.of(), "server", "--udp-port", "0", "--sql-port", "0", "--db", "db/server",
                "--chunk-size", "256KiB", "--registration", "open");
        running.add(s);
        String port = s.awaitLine(l -> l.startsWith("LISTENING udp="), START).substring("LISTENING udp=".length());
        server = "127.0.0.1:" + port;
        for (String name : List.of("S1", "S2", "S3")) {
            Launched peer = Launched.start(dir, List.of(), "peer", "--name", name, "--role", "STORAGE",
                    "--server", server, "--capacity", "2GB");
            running.add(peer);
        }
        for (Launched peer : running.subList(1, running.size())) {
            peer.awaitLine(l -> l.startsWith("REGISTERED "), START);
            // Storage peers keep serving after their input ends.
            peer.stdin().close();
        }
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        for (Launched l : running) {
            l.close();
        }
    }

    private static Launched owner(String name, List<String> jvmArgs, String... commands) throws IOException {
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--role", "OWNER", "--server", server,
                "--restore-dir", "restored-" + name));
        for (String c : commands) {
            args.add("--exec");
            args.add(c);
        }
        return Launched.start(dir, jvmArgs, args.toArray(String[]::new));
    }

    @Test
    void ownerBacksUpAndRestoresAcrossProcesses() throws Exception {
        Path file = dir.resolve("photo album.bin");
        byte[] data = new byte[3 * 256 * 1024 + 17];
        new Random(1).nextBytes(data);
        Files.write(file, data);
        try (Launched alice = owner("Alice", List.of(), "backup \"photo album.bin\"", "files",
                "restore \"photo album.bin\"")) {
            assertEquals(0, alice.awaitExit(JOB), () -> String.join("\n", alice.output()));
            assertTrue(alice.output().stream().anyMatch(l -> l.startsWith("OK backup photo album.bin version=1")),
                    () -> alice.output().toString());
            assertTrue(alice.output().stream().anyMatch(l -> l.startsWith("OK restore photo album.bin")));
        }
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("restored-Alice/photo album.bin")));
        // Two copies of each of the 4 chunks, on the storage peers' disks.
        assertEquals(8, chunkFiles(dir.resolve("storage")));
    }

    @Test
    void anotherOwnerCannotRestoreAlicesFile() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "mine");
        try (Launched alice = owner("Carol", List.of(), "backup secret.txt")) {
            assertEquals(0, alice.awaitExit(JOB), () -> String.join("\n", alice.output()));
        }
        try (Launched mallory = owner("Mallory", List.of(), "restore secret.txt")) {
            assertEquals(1, mallory.awaitExit(JOB));
            assertTrue(mallory.output().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("Unknown-file")),
                    () -> mallory.output().toString());
        }
        assertTrue(Files.notExists(dir.resolve("restored-Mallory/secret.txt")));
    }

    /** A file eight times the owner's heap backs up and restores: memory stays bounded. */
    @Test
    void fileEightTimesTheHeapBacksUpAndRestores() throws Exception {
        Path file = dir.resolve("large.bin");
        long size = 256L << 20;
        MessageDigest written = writeRandom(file, size);
        try (Launched bob = owner("Bob", List.of("-Xmx32m"), "backup large.bin", "restore large.bin")) {
            assertEquals(0, bob.awaitExit(JOB), () -> String.join("\n", bob.output()));
        }
        Path restored = dir.resolve("restored-Bob/large.bin");
        assertEquals(size, Files.size(restored));
        assertArrayEquals(written.digest(), sha256(restored));
    }

    private static MessageDigest writeRandom(Path file, long size) throws IOException {
        MessageDigest digest = sha();
        Random random = new Random(8);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                random.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                digest.update(buf, 0, n);
            }
        }
        return digest;
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest digest = sha();
        byte[] buf = new byte[1 << 20];
        try (var in = Files.newInputStream(file)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                digest.update(buf, 0, r);
            }
        }
        return digest.digest();
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long chunkFiles(Path storage) throws IOException {
        try (Stream<Path> files = Files.walk(storage)) {
            return files.filter(Files::isRegularFile).filter(p -> p.getParent().getParent().getFileName()
                    .toString().equals("chunks")).count();
        }
    }
}
