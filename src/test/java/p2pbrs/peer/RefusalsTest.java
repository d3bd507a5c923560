package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/** What the server and the owner refuse, and that a refusal changes nothing. */
class RefusalsTest {
    private static final String GARBAGE_TOKEN = "0123456789abcdef".repeat(4);

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static LocalCluster.RawUdp udp;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster(dir);
        cluster.start("S1", Role.STORAGE, GIB);
        cluster.start("S2", Role.STORAGE, GIB);
        cluster.start("Alice", Role.OWNER, 0);
        cluster.start("Bob", Role.OWNER, 0);
        udp = cluster.udp();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aWrongOrMissingTokenIsDenied() throws Exception {
        assertEquals("BACKUP-DENIED 7 Bad-token", udp.call("BACKUP_REQ 7 f.txt 10 - token=" + GARBAGE_TOKEN));
        assertEquals("BACKUP-DENIED 8 Missing-token", udp.call("BACKUP_REQ 8 f.txt 10 -"));
        assertEquals("BACKUP-DENIED 9 Bad-token", udp.call("BACKUP_REQ 9 f.txt 10 - token=not-hex"));
        assertEquals("RESTORE-DENIED 10 Bad-token", udp.call("RESTORE_REQ 10 f.txt token=" + GARBAGE_TOKEN));
        assertEquals("RESTORE-DENIED 11 Missing-token", udp.call("RESTORE_REQ 11 f.txt"));
        assertEquals("FILES-DENIED 12 Bad-token", udp.call("FILES 12 token=" + GARBAGE_TOKEN));
    }

    @Test
    void noPeerRegistersAnAddressNobodyCanReachItAt() throws Exception {
        int rq = 260;
        for (String ip : List.of("255.255.255.255", "224.0.0.251", "[ff02::1]", "0.0.0.0", "::", ".::1")) {
            assertEquals("ERROR " + rq + " Bad-address",
                    udp.call("REGISTER " + rq + " Nowhere BOTH " + ip + " 5001 6001 1GB"), ip);
            rq++;
        }
        // Refused as malformed: the name is still free.
        assertTrue(udp.call("REGISTER " + rq + " Nowhere BOTH 127.0.0.1 5001 6001 1GB token="
                + p2pbrs.protocol.Tokens.generate()).startsWith("REGISTERED " + rq + " id="));
    }

    @Test
    void anOwnerThatDeRegisteredIsUnknown() throws Exception {
        String token = udp.register("20", "Gone", Role.OWNER, 0);
        assertTrue(udp.call("BACKUP_REQ 21 f.txt 10 - token=" + token).startsWith("BACKUP_PLAN 21 f.txt "));
        assertEquals("DE-REGISTERED 22", udp.call("DE-REGISTER 22 Gone token=" + token));
        assertEquals("BACKUP-DENIED 23 Bad-token", udp.call("BACKUP_REQ 23 f.txt 10 - token=" + token));
    }

    @Test
    void aStoragePeerCannotBackUp() throws Exception {
        Path file = cluster.source("not-mine.bin", LocalCluster.random(100, 1));
        PeerException e = assertThrows(PeerException.class, () -> cluster.peer("S1").backup(file));
        assertTrue(e.getMessage().contains("Not-an-owner"), e.getMessage());
        assertEquals("BACKUP-DENIED 30 Not-an-owner",
                udp.call("BACKUP_REQ 30 f.txt 10 - token=" + cluster.token("S2")));
    }

    @Test
    void noStoragePeerNoBackup(@TempDir Path own) throws Exception {
        try (LocalCluster alone = new LocalCluster(own)) {
            // A BOTH peer never stores its own copies, and an OWNER stores nothing.
            Peer both = alone.start("Both", Role.BOTH, GIB);
            Peer other = alone.start("Other", Role.OWNER, 0);
            Path file = alone.source("lonely.bin", LocalCluster.random(CHUNK, 2));
            PeerException e = assertThrows(PeerException.class, () -> both.backup(file));
            assertTrue(e.getMessage().contains("No-storage-peer"), e.getMessage());
            // Other could store on Both, which is storage-capable.
            assertEquals(1, other.backup(file).version());
            assertEquals(List.of(), both.files());
        }
    }

    @Test
    void notEnoughCapacityIsNoCapacityAndStoresNothing(@TempDir Path own) throws Exception {
        try (LocalCluster tiny = new LocalCluster(own)) {
            tiny.start("T1", Role.STORAGE, 2L * LocalCluster.SEALED);
            tiny.start("T2", Role.STORAGE, 2L * LocalCluster.SEALED);
            Peer o = tiny.start("Owner", Role.OWNER, 0);
            Path big = tiny.source("big.bin", LocalCluster.random(2 * CHUNK + 1, 3));
            PeerException e = assertThrows(PeerException.class, () -> o.backup(big));
            assertTrue(e.getMessage().contains("No-capacity"), e.getMessage());
            assertEquals(List.of(), tiny.chunkFiles("T1"));
            assertEquals(List.of(), tiny.chunkFiles("T2"));

            // Exactly the capacity fits (two chunks, two copies, on each of the two peers) ...
            assertEquals(0, o.backup(tiny.source("fits.bin", LocalCluster.random(2 * CHUNK, 4))).underReplicated());
            // ... and then not one more byte.
            PeerException full = assertThrows(PeerException.class,
                    () -> o.backup(tiny.source("one-more.bin", new byte[] {1})));
            assertTrue(full.getMessage().contains("No-capacity"), full.getMessage());
            // An empty file needs no space at all.
            assertEquals(0, o.backup(tiny.source("nothing.txt", new byte[0])).chunks());
        }
    }

    @Test
    void anOwnerCannotRestoreAnotherOwnersFile() throws Exception {
        Peer alice = cluster.peer("Alice");
        Peer bob = cluster.peer("Bob");
        byte[] secret = LocalCluster.random(2 * CHUNK + 9, 5);
        alice.backup(cluster.source("secret.txt", secret));

        PeerException e = assertThrows(PeerException.class, () -> bob.restore("secret.txt", null));
        assertTrue(e.getMessage().contains("Unknown-file"), e.getMessage());
        PeerException v1 = assertThrows(PeerException.class, () -> bob.restore("secret.txt", 1));
        assertTrue(v1.getMessage().contains("Unknown-file"), v1.getMessage());
        assertEquals("RESTORE-DENIED 40 Unknown-file",
                udp.call("RESTORE_REQ 40 secret.txt token=" + cluster.token("Bob")));
        assertTrue(Files.notExists(cluster.restoreDir("Bob").resolve("secret.txt")));
        assertTrue(bob.files().stream().noneMatch(f -> f.name().equals("secret.txt")));

        // Bob's file of the same name is his own, from version 1; Alice's stays hers.
        byte[] bobs = LocalCluster.random(100, 6);
        Path bobsDir = dir.resolve("bob-src");
        Files.createDirectories(bobsDir);
        assertEquals(1, bob.backup(Files.write(bobsDir.resolve("secret.txt"), bobs)).version());
        assertArrayEquals(bobs, Files.readAllBytes(bob.restore("secret.txt", null).path()));
        assertArrayEquals(secret, Files.readAllBytes(alice.restore("secret.txt", null).path()));
    }

    @Test
    void hostileRestoreNamesAreRefusedAndNothingIsWrittenOutsideTheRestoreDir() throws Exception {
        Peer alice = cluster.peer("Alice");
        alice.backup(cluster.source("x", new byte[] {1, 2, 3}));
        alice.backup(cluster.source("b", new byte[] {4, 5, 6}));
        Path restoreDir = cluster.restoreDir("Alice");
        Files.createDirectories(restoreDir);
        Set<Path> before = allFiles();

        for (String name : List.of("../x", "/etc/passwd", "a/../../b", "..", ".", "a\\..\\b", "sub/x", "")) {
            PeerException e = assertThrows(PeerException.class, () -> alice.restore(name, null), name);
            assertTrue(e.getMessage().startsWith("cannot restore"), e.getMessage());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Shell shell = new Shell(alice, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (String line : List.of("restore ../x", "restore /etc/passwd", "restore a/../../b")) {
            assertEquals(Shell.Outcome.FAILED, shell.execute(line), line);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("ERROR cannot restore")), lines.toString());

        // The server refuses such names too, whoever asks.
        assertEquals("ERROR 50 Bad-file-name", udp.call("RESTORE_REQ 50 ..%2Fx token=" + cluster.token("Alice")));
        assertEquals("ERROR 51 Bad-file-name", udp.call("RESTORE_REQ 51 %2Fetc%2Fpasswd token="
                + cluster.token("Alice")));

        assertEquals(before, allFiles(), "not a file written anywhere");
        assertTrue(Files.notExists(restoreDir.getParent().resolve("x")));
        assertTrue(Files.notExists(restoreDir.getParent().resolve("b")));
    }

    @Test
    void aSymlinkUnderTheFinalNameIsReplacedNotFollowed() throws Exception {
        Peer alice = cluster.peer("Alice");
        byte[] data = LocalCluster.random(CHUNK + 3, 7);
        alice.backup(cluster.source("linked.txt", data));
        Path outside = Files.writeString(dir.resolve("outside.txt"), "not yours");
        Path link = cluster.restoreDir("Alice").resolve("linked.txt");
        Files.createDirectories(link.getParent());
        try {
            Files.createSymbolicLink(link, outside);
        } catch (UnsupportedOperationException | IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no symbolic links here: " + e);
        }
        alice.restore("linked.txt", null);
        assertEquals("not yours", Files.readString(outside));
        assertTrue(Files.isRegularFile(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(data, Files.readAllBytes(link));
    }

    @Test
    void aBackupRequestForAPathIsBadFileName() throws Exception {
        String token = cluster.token("Alice");
        assertEquals("ERROR 60 Bad-file-name", udp.call("BACKUP_REQ 60 ..%2Fx 10 - token=" + token));
        assertEquals("ERROR 61 Bad-file-name", udp.call("BACKUP_REQ 61 %2Fetc%2Fpasswd 10 - token=" + token));
        assertEquals("ERROR 62 Bad-file-name", udp.call("BACKUP_REQ 62 %2E%2E 10 - token=" + token));
        assertEquals("ERROR 63 Bad-file-name", udp.call("BACKUP_REQ 63 a%5C..%5Cb 10 - token=" + token));
        assertEquals("ERROR 64 Bad-file-name", udp.call("BACKUP_REQ 64 ..%2fx 10 - token=" + token),
                "only the canonical upper-case spelling");
        assertEquals("ERROR 65 Bad-file-name", udp.call("BACKUP_REQ 65 a%00b 10 - token=" + token));
        assertEquals("ERROR 66 Bad-file-name", udp.call("BACKUP_REQ 66 . 10 - token=" + token));
        assertEquals("ERROR 67 Bad-file-name", udp.call("BACKUP_REQ 67 a%0Ab 10 - token=" + token));
    }

    /** Every regular file under the test folder but the databases, which change on their own. */
    private static Set<Path> allFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !dir.relativize(p).toString().startsWith("db-")
                            && !dir.relativize(p).toString().startsWith("server"))
                    .collect(Collectors.toSet());
        }
    }
}
