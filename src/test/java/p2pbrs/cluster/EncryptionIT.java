package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.crypto.RecoveryKey;
import p2pbrs.peer.Peer;
import p2pbrs.peer.PeerConfig;
import p2pbrs.protocol.Role;
import p2pbrs.transport.RetryPolicy;

/**
 * Chunks sealed at the owner, from the packaged jar: one server and three storage peers
 * (two copies of each chunk, 64 KiB chunks), each peer a "machine" of its own, a folder
 * holding everything it writes (chunks, database, key file, log). Storage peers never hold
 * a byte of a file or its name; a new machine with only the recovery key restores; a
 * storage peer that alters a chunk and covers it up is caught by the owner, who uses the
 * other copy; a version stored before chunks were sealed still restores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EncryptionIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;
    private static final List<String> STORAGE = List.of("S1", "S2", "S3");
    // Some fifteen programs start on two cores: the quick compiler alone and the serial
    // collector start them in about half the time, and what they do here needs no more.
    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    @TempDir
    static Path dir;

    private static final Map<String, Launched> running = new LinkedHashMap<>();
    private static String address;

    @BeforeAll
    static void startCluster() throws Exception {
        Launched server = Launched.start(dir, JVM, "server", "--udp-port", "0", "--sql-port", "0",
                "--db", "db/server", "--registration", "open", "--registrations-per-minute", "100000",
                "--chunk-size", "64KiB", "--replicas", "2");
        running.put("server", server);
        address = "127.0.0.1:" + server.awaitLine(l -> l.startsWith("LISTENING udp="), WAIT)
                .substring("LISTENING udp=".length());
        for (String name : STORAGE) {
            running.put(name, startStoragePeer(name));
        }
        for (String name : STORAGE) {
            awaitServing(running.get(name));
        }
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        for (Launched l : running.values()) {
            l.close();
        }
    }

    @Test
    @Order(1)
    void storagePeersHoldNeitherAByteOfTheFileNorItsName() throws Exception {
        String name = "quokka-tax-return-q7zx.bin";
        byte[] data = randomFile("ann", name, 3 * 1024 * 1024 + 321, 1);
        exec("ann", "Ann", "backup " + name);

        Windows plaintext = new Windows(data);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        for (String peer : STORAGE) {
            // Not vacuous: the storage peer does hold chunks.
            assertTrue(chunkFiles(peer) > 0, peer + " holds no chunk file");
            for (Path file : filesUnder(dir.resolve(peer))) {
                byte[] bytes = Files.readAllBytes(file);
                assertEquals(-1, plaintext.find(bytes), () -> file + " holds 16 bytes of the plaintext");
                assertEquals(-1, indexOf(bytes, nameBytes), () -> file + " holds the file's name");
            }
        }
        int chunks = (data.length + CHUNK - 1) / CHUNK;
        assertTrue(STORAGE.stream().mapToLong(EncryptionIT::chunkFiles).sum() >= 2L * chunks,
                "two copies of each of the " + chunks + " chunks");

        // The server knows the file's name (its database holds it: names are found in an H2
        // file), never its content.
        assertTrue(indexOf(Files.readAllBytes(dir.resolve("db").resolve("server.mv.db")), nameBytes) >= 0);
        for (Path file : serverFiles()) {
            assertEquals(-1, plaintext.find(Files.readAllBytes(file)), () -> file + " holds 16 bytes of the plaintext");
        }
    }

    @Test
    @Order(2)
    void aNewMachineWithOnlyTheRecoveryKeyRestoresByteForByte() throws Exception {
        String name = "bea-diary.bin";
        byte[] data = randomFile("bea", name, 700 * 1024 + 13, 2);
        String key;
        try (Launched bea = owner("bea", "Bea")) {
            String line = bea.awaitLine(l -> l.startsWith("RECOVERY-KEY "), WAIT);
            key = line.substring("RECOVERY-KEY ".length());
            assertTrue(key.startsWith("rk1"), line);
            bea.awaitLine(l -> l.startsWith("Keep this recovery key safe"), WAIT);
            bea.stdin().write(("backup " + name + "\n").getBytes(StandardCharsets.UTF_8));
            bea.stdin().flush();
            bea.awaitLine(l -> l.startsWith("OK backup " + name + " "), WAIT);
            kill(bea);
        }
        // The owner's database alone does not hold its data key.
        byte[] dataKey = RecoveryKey.parse(key).dataKey().raw();
        byte[] database = Files.readAllBytes(dir.resolve("bea").resolve("db.mv.db"));
        assertEquals(-1, indexOf(database, dataKey));
        assertEquals(-1, indexOf(database, HexFormat.of().formatHex(dataKey).getBytes(StandardCharsets.US_ASCII)));

        // The new machine: nothing of the old one but the recovery key, in a file.
        Path newMachine = machine("bea-new");
        Files.writeString(newMachine.resolve("recovery.key"), key + "\n");
        List<String> out = exec("bea-new", "Bea", "--recovery-key-file", "recovery.key", "restore " + name);
        // The same identity and data key: no new recovery key to keep.
        assertTrue(out.stream().noneMatch(l -> l.startsWith("RECOVERY-KEY ")), out::toString);
        assertArrayEquals(data, Files.readAllBytes(newMachine.resolve("restored").resolve(name)));
    }

    @Test
    @Order(3)
    void aStoragePeerThatAltersAChunkIsCaughtAndTheOtherCopyUsed() throws Exception {
        String name = "cy-ledger.bin";
        int size = 1024 * 1024 + 77;
        byte[] data = randomFile("cy", name, size, 3);
        exec("cy", "Cy", "backup " + name);

        // S1 comes first of the live holders (they are tried by name): every copy it holds
        // is asked for first. It stops, alters one, and makes its own records agree.
        kill(running.get("S1"));
        int altered = alterOneChunk(dir.resolve("S1"), size);
        running.put("S1", startStoragePeer("S1"));
        awaitServing(running.get("S1"));

        exec("cy", "Cy", "restore " + name);
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("cy").resolve("restored").resolve(name)));
        // And the owner reported S1's copy, which the server recorded (and counts lost).
        String reported = "SELECT COUNT(*) AS n FROM event WHERE kind = 'CHUNK_BAD' AND reason = 'OWNER'"
                + " AND peer_name = 'S1' AND file_name = '" + name + "' AND chunk_idx = " + altered;
        assertTrue(poll(() -> sqlValue(reported).equals("1")), "no CHUNK_BAD of S1's copy of chunk " + altered);
    }

    @Test
    @Order(4)
    void aVersionStoredBeforeChunksWereSealedStillRestores() throws Exception {
        String name = "dan-old-notes.bin";
        byte[] data = randomFile("dan", name, 300 * 1024 + 5, 4);
        Path machine = dir.resolve("dan");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int plain;
        int sealed;
        PeerConfig config = new PeerConfig("Dan", Role.OWNER, new InetSocketAddress("127.0.0.1", port()), "127.0.0.1",
                0, 0, 0, machine.resolve("storage"), machine.resolve("db"), null, null, new RetryPolicy(100, 1000, 6),
                machine.resolve("restored"), true, 5_000, 16, PeerConfig.DEFAULT_HEARTBEAT_INTERVAL,
                PeerConfig.DEFAULT_SCRUB_RATE, PeerConfig.DEFAULT_SCRUB_INTERVAL);
        try (Peer dan = Peer.start(config, new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            plain = dan.backupUnsealed(machine.resolve(name)).version();
            sealed = dan.backup(machine.resolve(name)).version();
        }
        String key = printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RECOVERY-KEY "))
                .findFirst().orElseThrow().substring("RECOVERY-KEY ".length());

        // The first version is really the old format: its chunks lie on the storage peers as
        // the file's bytes (which also shows that the first test's search finds them).
        Windows plaintext = new Windows(data);
        assertTrue(STORAGE.stream().flatMap(p -> filesUnder(dir.resolve(p)).stream())
                .anyMatch(f -> plaintext.find(read(f)) >= 0), "no storage peer holds the unsealed chunks");

        // The jar on the same database restores the unsealed version...
        exec("dan", "Dan", "restore " + name + " " + plain);
        assertArrayEquals(data, Files.readAllBytes(machine.resolve("restored").resolve(name)));
        // ...and a new machine with the recovery key restores both.
        Path newMachine = machine("dan-new");
        List<String> out = exec("dan-new", "Dan", "--recovery-key", key, "restore " + name + " " + plain);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("OK restore " + name + " version=" + plain + " ")),
                out::toString);
        assertArrayEquals(data, Files.readAllBytes(newMachine.resolve("restored").resolve(name)));
        Files.delete(newMachine.resolve("restored").resolve(name));
        out = exec("dan-new", "Dan", "restore " + name + " " + sealed);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("OK restore " + name + " version=" + sealed + " ")),
                out::toString);
        assertArrayEquals(data, Files.readAllBytes(newMachine.resolve("restored").resolve(name)));
    }

    // --- the lying storage peer ---

    /**
     * Rewrites one of the peer's chunk files of a file of this size with other bytes of the
     * same length, stored under their own checksum, and points its index row there: its
     * start-up check and its scrub then find nothing wrong. Returns the chunk's index.
     */
    private static int alterOneChunk(Path peer, long fileSize) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + peer.resolve("db").toAbsolutePath(),
                "sa", "")) {
            int idx;
            String checksum;
            try (PreparedStatement find = db.prepareStatement(
                    "SELECT chunk_idx, checksum FROM chunk WHERE file_size = ? ORDER BY chunk_idx LIMIT 1")) {
                find.setLong(1, fileSize);
                try (ResultSet row = find.executeQuery()) {
                    assertTrue(row.next(), () -> peer.getFileName() + " holds no chunk of the file");
                    idx = row.getInt(1);
                    checksum = row.getString(2);
                }
            }
            Path storage = peer.resolve("storage");
            Path original = storage.resolve(chunkPath(checksum));
            byte[] bytes = Files.readAllBytes(original);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] ^= 0x5a;
            }
            String forged = sha256(bytes);
            Path replaced = storage.resolve(chunkPath(forged));
            Files.createDirectories(replaced.getParent());
            Files.write(replaced, bytes);
            Files.delete(original);
            try (PreparedStatement update = db.prepareStatement(
                    "UPDATE chunk SET checksum = ?, path = ? WHERE checksum = ?")) {
                update.setString(1, forged);
                update.setString(2, chunkPath(forged));
                update.setString(3, checksum);
                assertEquals(1, update.executeUpdate());
            }
            return idx;
        }
    }

    private static String chunkPath(String checksum) {
        return "chunks/" + checksum.substring(0, 2) + "/" + checksum;
    }

    // --- processes ---

    /** A storage peer on its own machine: a folder of its own, where it keeps everything. */
    private static Launched startStoragePeer(String name) throws IOException {
        return Launched.start(machine(name), JVM, "peer", "--name", name, "--role", "STORAGE",
                "--server", address, "--db", "db", "--storage", "storage", "--capacity", "1GB",
                "--rpc-timeout-ms", "100");
    }

    private static void awaitServing(Launched storagePeer) throws Exception {
        storagePeer.awaitLine(l -> l.startsWith("REGISTERED "), WAIT);
        storagePeer.stdin().close();
    }

    /** An owner reading commands from its standard input, on its machine. */
    private static Launched owner(String machine, String name) throws IOException {
        return Launched.start(machine(machine), JVM, ownerArgs(name).toArray(String[]::new));
    }

    /** How an owner is started: everything it keeps in its machine's folder. */
    private static List<String> ownerArgs(String name) {
        return new ArrayList<>(List.of("peer", "--name", name, "--role", "OWNER", "--server", address,
                "--db", "db", "--storage", "storage", "--restore-dir", "restored", "--rpc-timeout-ms", "100"));
    }

    /**
     * Runs an owner on its machine with these options, the last argument the one command it
     * runs, and expects it to succeed; returns what it printed.
     */
    private static List<String> exec(String machine, String name, String... optionsThenCommand) throws Exception {
        List<String> args = ownerArgs(name);
        args.addAll(Arrays.asList(optionsThenCommand).subList(0, optionsThenCommand.length - 1));
        args.add("--exec");
        args.add(optionsThenCommand[optionsThenCommand.length - 1]);
        try (Launched owner = Launched.start(machine(machine), JVM, args.toArray(String[]::new))) {
            assertEquals(0, owner.awaitExit(WAIT), owner.output()::toString);
            return owner.output();
        }
    }

    /** The one value a query gives, asked of the running server through the sql command. */
    private static String sqlValue(String query) {
        try (Launched sql = Launched.start(dir, JVM, "sql", query, "--db", "db/server", "--csv")) {
            assertEquals(0, sql.awaitExit(WAIT), sql.output()::toString);
            List<String> out = sql.output();
            return out.get(out.size() - 1);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static int port() {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1));
    }

    private static void kill(Launched process) throws InterruptedException {
        process.process().destroyForcibly();
        assertTrue(process.process().waitFor(10, TimeUnit.SECONDS));
    }

    /** Whether the condition holds within the wait, checked again at once after each look. */
    private static boolean poll(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        do {
            if (condition.getAsBoolean()) {
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    // --- files ---

    private static Path machine(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    private static byte[] randomFile(String machine, String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(machine(machine).resolve(name), data);
        return data;
    }

    private static long chunkFiles(String peer) {
        Path chunks = dir.resolve(peer).resolve("storage").resolve("chunks");
        return Files.isDirectory(chunks) ? filesUnder(chunks).size() : 0;
    }

    private static List<Path> filesUnder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The server's database files and its logs. */
    private static List<Path> serverFiles() throws IOException {
        try (Stream<Path> db = Files.list(dir.resolve("db")); Stream<Path> logs = Files.list(dir)) {
            List<Path> files = new ArrayList<>(db.filter(p -> p.getFileName().toString().startsWith("server."))
                    .toList());
            files.addAll(logs.filter(p -> p.getFileName().toString().startsWith("server-")).toList());
            assertFalse(files.isEmpty());
            return files;
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Where needle first occurs in haystack, or -1. */
    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Every 16-byte window of a plaintext, to find any of them in other bytes in one pass:
     * an open-addressing table of the windows' offsets, hashed by their first 8 bytes (an
     * int per slot, so a 3 MiB plaintext takes 32 MB, not the gigabyte of a set of objects).
     */
    private static final class Windows {
        private static final int WIDTH = 16;
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.LITTLE_ENDIAN);
        private final byte[] plain;
        private final int[] slots;
        private final int shift;

        Windows(byte[] plain) {
            this.plain = plain;
            int windows = Math.max(plain.length - WIDTH + 1, 0);
            // Fewer than half the slots taken: short probes.
            int size = Integer.highestOneBit(Math.max(windows, 1)) * 4;
            this.slots = new int[size];
            this.shift = 64 - Integer.numberOfTrailingZeros(size);
            for (int i = 0; i < windows; i++) {
                int slot = slot(plain, i);
                while (slots[slot] != 0) {
                    slot = (slot + 1) & (slots.length - 1);
                }
                slots[slot] = i + 1;
            }
        }

        /** The first offset in bytes where some 16 bytes of the plaintext begin, or -1. */
        int find(byte[] bytes) {
            for (int j = 0; j + WIDTH <= bytes.length; j++) {
                for (int slot = slot(bytes, j); slots[slot] != 0; slot = (slot + 1) & (slots.length - 1)) {
                    int i = slots[slot] - 1;
                    if (Arrays.equals(plain, i, i + WIDTH, bytes, j, j + WIDTH)) {
                        return j;
                    }
                }
            }
            return -1;
        }

        private int slot(byte[] bytes, int at) {
            return (int) (((long) LONG.get(bytes, at) * 0x9E3779B97F4A7C15L) >>> shift);
        }
    }
}
