package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/** Backups and restores of every shape of file, three storage peers, two copies. */
class BackupRestoreTest {
    private static final int CHUNK = (int) TestCluster.CHUNK;

    @TempDir
    static Path dir;

    private static TestCluster cluster;
    private static Peer owner;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(dir);
        for (String s : List.of("S1", "S2", "S3")) {
            cluster.peer(s, Role.STORAGE, 1L << 30);
        }
        owner = cluster.peer("Olga", Role.OWNER, 0);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static byte[] roundTrip(String name, byte[] data) throws Exception {
        Path file = dir.resolve("src").resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        BackupResult backup = owner.backup(file);
        assertEquals(data.length, backup.size());
        assertEquals((data.length + CHUNK - 1) / CHUNK, backup.chunks());
        assertEquals(0, backup.underReplicated());
        RestoreResult restore = owner.restore(name, null);
        assertEquals(cluster.restoreDir("Olga").resolve(name), restore.path());
        return Files.readAllBytes(restore.path());
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void emptyFile() throws Exception {
        assertArrayEquals(new byte[0], roundTrip("empty.txt", new byte[0]));
    }

    @Test
    void oneByte() throws Exception {
        assertArrayEquals(new byte[] {42}, roundTrip("one.bin", new byte[] {42}));
    }

    @Test
    void exactlyOneChunk() throws Exception {
        byte[] data = random(CHUNK, 1);
        assertArrayEquals(data, roundTrip("one-chunk.bin", data));
    }

    @Test
    void oneChunkPlusOneByte() throws Exception {
        byte[] data = random(CHUNK + 1, 2);
        assertArrayEquals(data, roundTrip("one-chunk-plus.bin", data));
    }

    @Test
    void manyChunks() throws Exception {
        byte[] data = random(37 * CHUNK + 123, 3);
        assertArrayEquals(data, roundTrip("many.bin", data));
    }

    @Test
    void everyByteValue() throws Exception {
        byte[] data = new byte[256 * 700];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertArrayEquals(data, roundTrip("binary.dat", data));
    }

    @Test
    void nameWithSpacesAndNonAsciiLetters() throws Exception {
        byte[] data = random(3 * CHUNK, 4);
        assertArrayEquals(data, roundTrip("résumé 2024 ✓ Ærø.txt", data));
        assertTrue(owner.files().stream().anyMatch(f -> f.name().equals("résumé 2024 ✓ Ærø.txt")));
    }

    @Test
    void everyChunkHasTwoCopiesOnDistinctPeers() throws Exception {
        byte[] data = random(9 * CHUNK, 5);
        Path file = dir.resolve("src/spread.bin");
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        owner.backup(file);
        Map<String, List<String>> holders = new HashMap<>();
        for (String s : List.of("S1", "S2", "S3")) {
            for (Path chunk : cluster.chunkFiles(s)) {
                holders.computeIfAbsent(chunk.getFileName().toString(), k -> new ArrayList<>()).add(s);
            }
        }
        for (int i = 0; i < 9; i++) {
            byte[] chunk = java.util.Arrays.copyOfRange(data, i * CHUNK, (i + 1) * CHUNK);
            String sum = p2pbrs.protocol.Sha256.hex(LocalCluster.sealed(owner.dataKey(), chunk));
            List<String> on = holders.get(sum);
            assertEquals(2, on == null ? 0 : on.size(), "copies of chunk " + i + ": " + on);
            assertEquals(2, on.stream().distinct().count());
        }
    }

    @Test
    void aRestoreReplacesAnOlderFileAtomically() throws Exception {
        Path old = cluster.restoreDir("Olga").resolve("replace.txt");
        Files.createDirectories(old.getParent());
        Files.writeString(old, "old contents");
        byte[] data = random(2 * CHUNK + 7, 6);
        assertArrayEquals(data, roundTrip("replace.txt", data));
        try (var files = Files.list(cluster.restoreDir("Olga"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary left");
        }
    }

    @Test
    void hostileNamesAreRefusedAndNothingIsWrittenOutside() throws Exception {
        for (String name : List.of("../x", "/etc/passwd", "a/../../b", "..", ".", "a\\b")) {
            PeerException e = assertThrows(PeerException.class, () -> owner.restore(name, null), name);
            assertTrue(e.getMessage().contains("cannot restore"), e.getMessage());
        }
        assertTrue(Files.notExists(dir.resolve("x")));
        assertTrue(Files.notExists(dir.resolve("b")));
    }

    @Test
    void theShellBacksUpAndRestoresWithOkLines() throws Exception {
        Path file = dir.resolve("src/shell file.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "hello");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Shell shell = new Shell(owner, new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Shell.Outcome.OK, shell.execute("backup \"" + file + "\""));
        assertEquals(Shell.Outcome.OK, shell.execute("files"));
        assertEquals(Shell.Outcome.OK, shell.execute("restore \"shell file.txt\""));
        assertEquals(Shell.Outcome.FAILED, shell.execute("restore \"no such file.txt\""));
        assertEquals(Shell.Outcome.FAILED, shell.execute("restore ../etc/passwd"));
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("OK backup shell file.txt version=1"), out);
        assertTrue(out.contains("OK restore shell file.txt version=1"), out);
        assertTrue(out.contains("ERROR restore refused: RESTORE-DENIED Unknown-file"), out);
        assertTrue(out.lines().noneMatch(l -> l.contains("\r")), "no progress bar in a pipe");
        assertEquals("hello", Files.readString(cluster.restoreDir("Olga").resolve("shell file.txt")));
    }
}
