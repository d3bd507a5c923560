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
 * killed (kill -9), its copies are made again, then a second one is killed, and the file
 * still restores byte for byte.
 */
class RepairIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 40;

    @TempDir
    Path dir;

    @Test
    void aFileSurvivesTwoStoragePeersKilledOneAfterTheOther() throws Exception {
        List<Launched> running = new ArrayList<>();
        try {
            Launched server = Launched.start(dir, List.of(), "server", "--udp-port", "0", "--db", "db/server",
                    "--registration", "open", "--chunk-size", "64KiB", "--replicas", "2", "--stale-after", "1s",
                    "--dead-after", "2s");
            running.add(server);
            String address = "127.0.0.1:" + server.awaitLine(l -> l.startsWith("LISTENING udp="), START)
                    .substring("LISTENING udp=".length());
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
            byte[] data = new byte[CHUNKS * CHUNK];
            new Random(7).nextBytes(data);
            Files.write(dir.resolve("precious.bin"), data);
            assertEquals(0, owner(address, "backup precious.bin"));

            kill(storage.get("S1"));
            awaitTwoCopiesOn(data, List.of("S2", "S3", "S4"));
            kill(storage.get("S2"));
            awaitTwoCopiesOn(data, List.of("S3", "S4"));

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
        } finally {
            for (Launched l : running) {
                l.close();
            }
        }
    }

    private int owner(String server, String command) throws Exception {
        try (Launched owner = Launched.start(dir, List.of(), "peer", "--name", "Ola", "--role", "OWNER",
                "--server", server, "--restore-dir", "restored-Ola", "--rpc-timeout-ms", "100", "--exec", command)) {
            return owner.awaitExit(WITHIN);
        }
    }

    private static void kill(Launched peer) throws InterruptedException {
        peer.process().destroyForcibly();
        assertTrue(peer.process().waitFor(10, TimeUnit.SECONDS));
    }

    /** Waits until every chunk of the file lies in at least two of these peers' storage folders. */
    private void awaitTwoCopiesOn(byte[] data, List<String> peers) throws Exception {
        List<String> sums = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(data, i * CHUNK, CHUNK);
            sums.add(HexFormat.of().formatHex(d.digest()));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        try {
            poller.scheduleWithFixedDelay(() -> {
                if (shortOfTwo(sums, peers) == 0) {
                    done.complete(null);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            done.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(shortOfTwo(sums, peers) + " chunks still short of two copies on " + peers
                    + ": " + listing(peers));
        } finally {
            poller.shutdownNow();
        }
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
