package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From the packaged jar: four storage peers, two copies of each chunk; a storage peer is
 * killed (kill -9), and the server too in the middle of the repair, then restarted: the
 * repair resumes from the queue in its database. Once it is done a second storage peer is
 * killed, and the file still restores byte for byte. (One run covers both of the issue's
 * scenarios: the plain one is this one without the server's death, which a process test
 * would only repeat; RepairTest covers it in one JVM.)
 */
class RepairIT {
    // The owner's data key, from the recovery key its first run printed.
    private p2pbrs.crypto.DataKey ownerKey;

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aFileSurvivesTwoStoragePeersKilledOneAfterTheOtherAndTheServerKilledMidRepair() throws Exception {
        List<Launched> running = new ArrayList<>();
        try {
            Launched server = server(running, "0");
            String port = port(server);
            String address = "127.0.0.1:" + port;
            Map<String, Launched> storage = storagePeers(running, address);
            // Enough chunks that S1's copies (about 100) take more than one repair pass (64 copies each).
            byte[] data = backUp(address, 200);
            List<String> survivors = List.of("S2", "S3", "S4");
            long before = chunkFiles(survivors);

            kill(storage.get("S1"));
            // The first repaired copy lands: the repair is under way. The server dies there.
            assertTrue(within(WITHIN, () -> chunkFiles(survivors) > before), "no repair began");
            kill(server);
            try (Launched fsck = Launched.start(dir, List.of(), "fsck", "--db", "db/server", "--json")) {
                assertEquals(0, fsck.awaitExit(WITHIN), () -> fsck.output().toString());
                String json = fsck.output().get(fsck.output().size() - 1);
                assertTrue(json.contains("\"missing\":0"), json);
                assertTrue(!json.contains("\"repairing\":0") || !json.contains("\"under_replicated\":0"),
                        "the repair was still under way when the server died: " + json);
            }

            running.add(server(running, port));
            awaitTwoCopiesOn(data, survivors);
            kill(storage.get("S2"));
            awaitTwoCopiesOn(data, List.of("S3", "S4"));
            assertRestoresAndNothingMissing(address, data);
        } finally {
            for (Launched l : running) {
                l.close();
            }
        }
    }

    private Launched server(List<Launched> running, String port) throws IOException {
        Launched server = Launched.start(dir, List.of(), "server", "--udp-port", port, "--sql-port", "0", "--db", "db/server",
                "--registration", "open", "--chunk-size", "64KiB", "--replicas", "2", "--stale-after", "1s",
                "--dead-after", "2s");
        running.add(server);
        return server;
    }

    private static String port(Launched server) throws Exception {
        return server.awaitLine(l -> l.startsWith("LISTENING udp="), START).substring("LISTENING udp=".length());
    }

    private Map<String, Launched> storagePeers(List<Launched> running, String address) throws Exception {
        Map<String, Launched> storage = new HashMap<>();
        for (String name : List.of("S1", "S2", "S3", "S4")) {
            Launched peer = Launched.start(dir, List.of(), "peer", "--name", name, "--role", "STORAGE",
                    "--server", address, "--capacity", "1GB", "--heartbeat-interval", "200ms");
            running.add(peer);
            storage.put(name, peer);
        }
        for (Launched peer : storage.values()) {
            peer.awaitLine(l -> l.startsWith("REGISTERED "), START);
            peer.stdin().close();
        }
        return storage;
    }

    private byte[] backUp(String address, int chunks) throws Exception {
        byte[] data = new byte[chunks * CHUNK];
        new Random(7).nextBytes(data);
        Files.write(dir.resolve("precious.bin"), data);
        assertEquals(0, owner(address, "backup precious.bin"));
        return data;
    }

    private void assertRestoresAndNothingMissing(String address, byte[] data) throws Exception {
        // The repaired copies are recorded a moment after they land: ask until a restore works.
        long deadline = System.nanoTime() + WITHIN.toNanos();
        int code;
        do {
            code = owner(address, "restore precious.bin");
        } while (code != 0 && System.nanoTime() < deadline);
        assertEquals(0, code);
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("restored-Ola").resolve("precious.bin")));

        // fsck, on the server's machine, sees nothing missing.
        try (Launched fsck = Launched.start(dir, List.of(), "fsck", "--db", "db/server", "--json")) {
            assertEquals(0, fsck.awaitExit(WITHIN), () -> fsck.output().toString());
            String json = fsck.output().get(fsck.output().size() - 1);
            assertTrue(json.contains("\"missing\":0") && json.contains("\"healthy\":"), json);
        }
    }

    private int owner(String server, String command) throws Exception {
        try (Launched owner = Launched.start(dir, List.of(), "peer", "--name", "Ola", "--role", "OWNER",
                "--server", server, "--restore-dir", "restored-Ola", "--rpc-timeout-ms", "100", "--exec", command)) {
            int code = owner.awaitExit(WITHIN);
            // Its first run prints the recovery key: the data key its chunks are sealed with.
            owner.output().stream().filter(l -> l.startsWith("RECOVERY-KEY ")).findFirst()
                    .ifPresent(l -> ownerKey = p2pbrs.crypto.RecoveryKey.parse(l.substring(13)).dataKey());
            return code;
        }
    }

    private static void kill(Launched process) throws InterruptedException {
        process.process().destroyForcibly();
        assertTrue(process.process().waitFor(10, TimeUnit.SECONDS));
    }

    /** Waits until every chunk of the file lies in at least two of these peers' storage folders. */
    private void awaitTwoCopiesOn(byte[] data, List<String> peers) throws Exception {
        // The chunks as stored: sealed with the owner's data key (the same chunk seals alike).
        List<String> sums = new ArrayList<>();
        p2pbrs.crypto.ChunkSeal seal = new p2pbrs.crypto.ChunkSeal(ownerKey);
        byte[] sealed = new byte[CHUNK + p2pbrs.crypto.ChunkSeal.OVERHEAD];
        for (int i = 0; i < data.length / CHUNK; i++) {
            int length = seal.seal(data, i * CHUNK, CHUNK, sealed, 0);
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(sealed, 0, length);
            sums.add(HexFormat.of().formatHex(d.digest()));
        }
        if (!within(WITHIN, () -> shortOfTwo(sums, peers) == 0)) {
            throw new AssertionError(shortOfTwo(sums, peers) + " chunks still short of two copies on " + peers
                    + ": " + listing(peers));
        }
    }

    /** Whether the condition came to hold within the time, checked every 20 ms. */
    private static boolean within(Duration time, java.util.function.BooleanSupplier condition) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        try {
            poller.scheduleWithFixedDelay(() -> {
                if (condition.getAsBoolean()) {
                    done.complete(null);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            done.get(time.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } finally {
            poller.shutdownNow();
        }
    }

    /** Chunk files in these peers' storage folders. */
    private long chunkFiles(List<String> peers) {
        long count = 0;
        for (String peer : peers) {
            Path chunks = dir.resolve("storage").resolve(peer).resolve("chunks");
            if (!Files.isDirectory(chunks)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(chunks)) {
                count += files.filter(Files::isRegularFile).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                // A file renamed while walking: counted next time.
                return -1;
            }
        }
        return count;
    }

    private int shortOfTwo(List<String> sums, List<String> peers) {
        int count = 0;
        for (String sum : sums) {
            int copies = 0;
            for (String peer : peers) {
                if (Files.exists(dir.resolve("storage").resolve(peer).resolve("chunks").resolve(sum.substring(0, 2))
                        .resolve(sum))) {
                    copies++;
                }
            }
            if (copies < 2) {
                count++;
            }
        }
        return count;
    }

    private String listing(List<String> peers) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String peer : peers) {
            try (Stream<Path> files = Files.walk(dir.resolve("storage").resolve(peer))) {
                sb.append(peer).append('=').append(files.filter(Files::isRegularFile).count()).append(' ');
            }
        }
        return sb.toString();
    }
}
