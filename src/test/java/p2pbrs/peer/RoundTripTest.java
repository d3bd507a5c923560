package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p2pbrs.protocol.Role;

/**
 * Files of every shape go out and come back byte for byte: three storage peers, two
 * copies of every chunk, one owner. One cluster for the class; every test its own name.
 */
class RoundTripTest {
    private static final List<String> STORAGE = List.of("Sa", "Sb", "Sc");

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static Peer owner;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster(dir);
        for (String s : STORAGE) {
            cluster.start(s, Role.STORAGE, GIB);
        }
        owner = cluster.start("Olive", Role.OWNER, 0);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Stream<Arguments> shapes() {
        byte[] allBytes = new byte[2 * CHUNK + 4321];
        byte[] noise = LocalCluster.random(allBytes.length, 77);
        for (int i = 0; i < allBytes.length; i++) {
            // Every byte value (the first 256 bytes count them up), then noise: no two chunks alike.
            allBytes[i] = i < 256 ? (byte) i : (byte) (noise[i] ^ (i % 251));
        }
        return Stream.of(
                Arguments.of("empty.txt", new byte[0]),
                Arguments.of("one-byte.bin", new byte[] {(byte) 0xFF}),
                Arguments.of("exactly-one-chunk.bin", LocalCluster.random(CHUNK, 1)),
                Arguments.of("one-chunk-plus-one.bin", LocalCluster.random(CHUNK + 1, 2)),
                Arguments.of("many-chunks.bin", LocalCluster.random(23 * CHUNK + 999, 3)),
                Arguments.of("all-256-byte-values.bin", allBytes),
                Arguments.of("résumé 2024 ✓.txt", "naïve café ✓ — 履歴書\n".repeat(5000)
                        .getBytes(StandardCharsets.UTF_8)),
                // Names that look like protocol syntax, and the longest names there are (255 bytes):
                // their long wire forms make the plans, sums and FILES_OK pages short.
                Arguments.of("a:b,c[d]=e%f #1 & token=x.txt", LocalCluster.random(2 * CHUNK + 1, 5)),
                Arguments.of("-", LocalCluster.random(10, 6)),
                Arguments.of(".hidden", LocalCluster.random(CHUNK - 1, 7)),
                Arguments.of("  spaced  out \u00A0📦 .txt ", LocalCluster.random(CHUNK + 2, 8)),
                Arguments.of("é".repeat(127) + "x", LocalCluster.random(21 * CHUNK + 3, 9)),
                Arguments.of("n".repeat(255), LocalCluster.random(3 * CHUNK, 10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void backsUpAndRestoresByteForByte(String name, byte[] data) throws Exception {
        Path source = cluster.source(name, data);
        BackupResult backup = owner.backup(source);
        assertEquals(name, backup.name());
        assertEquals(1, backup.version());
        assertEquals(data.length, backup.size());
        assertEquals((data.length + CHUNK - 1) / CHUNK, backup.chunks());
        assertEquals(0, backup.underReplicated(), "three storage peers hold two copies of everything");

        RestoreResult restore = owner.restore(name, null);
        Path expected = cluster.restoreDir("Olive").resolve(name);
        assertEquals(expected, restore.path());
        assertEquals(1, restore.version());
        assertEquals(data.length, restore.size());
        byte[] back = Files.readAllBytes(expected);
        assertEquals(LocalCluster.sha256(data), LocalCluster.sha256(back));
        assertArrayEquals(data, back);
        assertNoTemporaries();
    }

    @Test
    void filesListsEveryCompleteVersionInNameOrder() throws Exception {
        Peer fiona = cluster.start("Fiona", Role.OWNER, 0);
        List<String> names = List.of("zeta.txt", "a:b,c[d]=e%f.txt", "Ärger ✓.txt", "n".repeat(255), "-", "alpha");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            byte[] data = LocalCluster.random(i * 40_000, 20 + i);
            Path source = cluster.dir.resolve("src-Fiona").resolve(names.get(i));
            Files.createDirectories(source.getParent());
            fiona.backup(Files.write(source, data));
            expected.add(names.get(i) + ":1:" + data.length + ":" + (data.length + CHUNK - 1) / CHUNK);
        }
        // One more version of one of them.
        fiona.backup(cluster.dir.resolve("src-Fiona").resolve("alpha"));
        expected.add("alpha:2:" + 5 * 40_000 + ":4");
        List<String> listed = fiona.files().stream()
                .map(f -> f.name() + ":" + f.version() + ":" + f.size() + ":" + f.chunks()).toList();
        // By name, then version.
        assertEquals(expected.stream().sorted(java.util.Comparator.comparing(RoundTripTest::nameOf)
                .thenComparing(e -> e)).toList(), listed);
    }

    @Test
    void filesListsANameWhoseWireFormIsLong() throws Exception {
        Peer felix = cluster.start("Felix", Role.OWNER, 0);
        String longName = "é".repeat(127) + "x";
        Path folder = cluster.dir.resolve("src-Felix");
        Files.createDirectories(folder);
        felix.backup(Files.write(folder.resolve("a.txt"), new byte[] {1}));
        felix.backup(Files.write(folder.resolve(longName), new byte[] {2}));
        felix.backup(Files.write(folder.resolve("ü.txt"), new byte[] {3}));
        assertEquals(List.of("a.txt", longName, "ü.txt"), felix.files().stream().map(FileEntry::name).toList());
    }

    @Test
    void everyChunkLivesOnExactlyTwoDistinctStoragePeers() throws Exception {
        byte[] data = LocalCluster.random(10 * CHUNK + 17, 10);
        BackupResult backup = owner.backup(cluster.source("spread.bin", data));
        assertEquals(11, backup.chunks());
        int[] perPeer = new int[STORAGE.size()];
        for (int i = 0; i < backup.chunks(); i++) {
            byte[] chunk = LocalCluster.chunkOf(data, i);
            byte[] sealed = LocalCluster.sealed(owner.dataKey(), chunk);
            String sum = LocalCluster.sha256(sealed);
            List<String> holders = new ArrayList<>();
            for (int p = 0; p < STORAGE.size(); p++) {
                Path file = cluster.chunkFile(STORAGE.get(p), sum);
                if (Files.exists(file)) {
                    holders.add(STORAGE.get(p));
                    perPeer[p]++;
                    assertArrayEquals(sealed, Files.readAllBytes(file), "the stored copy is the chunk, sealed");
                }
            }
            assertEquals(2, holders.size(), "chunk " + i + " is on " + holders);
            assertEquals(2, new HashSet<>(holders).size());
        }
        // The rule spreads the copies: 22 copies over 3 peers, 7 or 8 each.
        for (int n : perPeer) {
            assertTrue(n == 7 || n == 8, "copies per peer: " + java.util.Arrays.toString(perPeer));
        }
    }

    @Test
    void aRestoreAtomicallyReplacesAnOlderFileOfThatName() throws Exception {
        String name = "replace me.txt";
        Path target = cluster.restoreDir("Olive").resolve(name);
        Files.createDirectories(target.getParent());
        byte[] old = LocalCluster.random(5 * CHUNK, 11);
        Files.write(target, old);
        byte[] data = LocalCluster.random(CHUNK + 5, 12);
        owner.backup(cluster.source(name, data));

        try (FileChannel before = FileChannel.open(target)) {
            owner.restore(name, null);
            assertArrayEquals(data, Files.readAllBytes(target), "the new bytes, not a mix (and no longer tail)");
            if (!System.getProperty("os.name").toLowerCase().contains("win")) {
                // Renamed over, not rewritten in place: a reader that had the old file open
                // still reads the old file whole.
                ByteBuffer seen = ByteBuffer.allocate(old.length);
                while (seen.hasRemaining() && before.read(seen) > 0) {
                    // reading the old file to its end
                }
                assertArrayEquals(old, seen.array());
            }
        }
        assertNoTemporaries();
    }

    @Test
    void theShellBacksUpAndRestoresANameWithSpacesAndNonAsciiLetters() throws Exception {
        String name = "Ünïcode ✓ notes 2024.txt";
        byte[] data = LocalCluster.random(3 * CHUNK + 3, 13);
        Path source = cluster.source(name, data);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Shell shell = new Shell(owner, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertEquals(Shell.Outcome.OK, shell.execute("backup \"" + source + "\""));
        assertEquals(Shell.Outcome.OK, shell.execute("restore \"" + name + "\""));
        assertEquals(Shell.Outcome.OK, shell.execute("restore \"" + name + "\" 1"));
        assertEquals(Shell.Outcome.OK, shell.execute("files"));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("OK backup " + name + " version=1 size=" + data.length
                + " chunks=4 under_replicated=0 ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("OK restore " + name + " version=1 size=" + data.length
                + " to " + cluster.restoreDir("Olive").resolve(name))), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("OK files: ")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("ERROR")), lines.toString());
        assertArrayEquals(data, Files.readAllBytes(cluster.restoreDir("Olive").resolve(name)));
    }

    @Test
    void withOneStoragePeerAndTwoReplicasTheBackupSucceedsUnderReplicated(@TempDir Path own) throws Exception {
        try (LocalCluster small = new LocalCluster(own)) {
            small.start("Lonely", Role.STORAGE, GIB);
            Peer o = small.start("Owen", Role.OWNER, 0);
            byte[] data = LocalCluster.random(4 * CHUNK + 100, 14);
            BackupResult r = o.backup(small.source("alone.bin", data));
            assertEquals(5, r.chunks());
            assertEquals(5, r.underReplicated(), "every chunk has one copy of the two wanted");
            assertEquals(5, small.chunkFiles("Lonely").size());
            assertArrayEquals(data, Files.readAllBytes(o.restore("alone.bin", null).path()));
        }
    }

    @Test
    void ownersBackUpAndRestoreAtTheSameTime() throws Exception {
        List<Peer> owners = new ArrayList<>(List.of(owner));
        owners.add(cluster.start("Otto", Role.OWNER, 0));
        owners.add(cluster.start("Opal", Role.OWNER, 0));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<String>> results = new ArrayList<>();
            for (int o = 0; o < owners.size(); o++) {
                for (int f = 0; f < 2; f++) {
                    Peer p = owners.get(o);
                    String name = "together-" + o + "-" + f + ".bin";
                    byte[] data = LocalCluster.random(5 * CHUNK + o * 1000 + f, 100 + o * 10 + f);
                    Path source = cluster.dir.resolve("src-" + p.name()).resolve(name);
                    Files.createDirectories(source.getParent());
                    Files.write(source, data);
                    results.add(pool.submit(() -> {
                        BackupResult b = p.backup(source);
                        byte[] back = Files.readAllBytes(p.restore(name, null).path());
                        return b.version() + " " + java.util.Arrays.equals(data, back);
                    }));
                }
            }
            for (java.util.concurrent.Future<String> r : results) {
                assertEquals("1 true", r.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String nameOf(String entry) {
        // name:version:size:chunks, the name possibly holding ':' itself
        int end = entry.length();
        for (int i = 0; i < 3; i++) {
            end = entry.lastIndexOf(':', end - 1);
        }
        return entry.substring(0, end);
    }

    private static void assertNoTemporaries() throws Exception {
        Path restored = cluster.restoreDir("Olive");
        if (!Files.isDirectory(restored)) {
            return;
        }
        Set<String> leftovers = new HashSet<>();
        try (Stream<Path> files = Files.list(restored)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).forEach(leftovers::add);
        }
        assertEquals(Set.of(), leftovers, "no temporary file left in the restore dir");
    }
}
