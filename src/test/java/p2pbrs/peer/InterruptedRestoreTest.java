package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;

/**
 * A restore cut short (Ctrl-C, SIGTERM, a crash) must not leave its hidden part file, as
 * large as the file, in the restore dir for ever: the closing peer removes it, and a
 * starting peer removes what an earlier one left.
 */
class InterruptedRestoreTest {
    private static final long WITHIN_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void aStartingPeerRemovesPartFilesLeftByInterruptedRestoresAndNothingElse() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir)) {
            Path restored = cluster.restoreDir("Phoenix");
            Files.createDirectories(restored);
            List<String> leftovers = List.of(".123456-7890123456789.part", ".-2147483648-42.part");
            List<String> others = List.of("notes.part", ".123-456.part.bak", ".abc-1.part", "123-456.part",
                    "photo.jpg", ".hidden");
            for (String name : leftovers) {
                Files.write(restored.resolve(name), new byte[1000]);
            }
            for (String name : others) {
                Files.write(restored.resolve(name), new byte[10]);
            }
            Files.createDirectory(restored.resolve(".7-8.part"));
            Path outside = Files.write(dir.resolve("outside.bin"), new byte[10]);
            Files.createSymbolicLink(restored.resolve(".9-10.part"), outside);

            cluster.start("Phoenix", Role.OWNER, 0);

            try (Stream<Path> files = Files.list(restored)) {
                assertEquals(Stream.concat(others.stream(), Stream.of(".7-8.part", ".9-10.part")).sorted().toList(),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertTrue(Files.exists(outside));
        }
    }

    @Test
    void aPeerClosingDuringARestoreRemovesItsPartFile() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, byte[]> kept = new ConcurrentHashMap<>();
        AtomicReference<FakeStoragePeer> self = new AtomicReference<>();
        try (LocalCluster cluster = new LocalCluster(dir);
             FakeStoragePeer holder = FakeStoragePeer.registered(cluster, "Holder", GIB, c -> {
                 Message request;
                 while ((request = c.readHeader()) != null) {
                     if (request.command() == Command.SEND_CHUNK) {
                         kept.put(request.field(1), c.readBody(request));
                         c.chunkOk(request);
                         self.get().storeAck(request);
                     } else {
                         // Half the chunk, then nothing until the test is done.
                         byte[] chunk = kept.get(request.field(1));
                         c.send("CHUNK_DATA " + request.rq() + " " + request.field(0) + " " + request.field(1) + " "
                                 + chunk.length + " " + LocalCluster.sha256(chunk));
                         c.send(Arrays.copyOf(chunk, chunk.length / 2));
                         fetching.countDown();
                         release.await(WITHIN_SECONDS, TimeUnit.SECONDS);
                         return;
                     }
                 }
             })) {
            self.set(holder);
            Peer owner = cluster.start("Ida", Role.OWNER, 0);
            owner.backup(cluster.source("cut.bin", LocalCluster.random(2 * CHUNK, 41)));

            CompletableFuture<RestoreResult> restore = CompletableFuture.supplyAsync(() -> {
                try {
                    return owner.restore("cut.bin", null);
                } catch (PeerException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(fetching.await(WITHIN_SECONDS, TimeUnit.SECONDS), "the restore began fetching");
            List<Path> parts = partFiles(cluster.restoreDir("Ida"));
            assertEquals(1, parts.size(), parts.toString());

            // What the shutdown hook does on Ctrl-C or SIGTERM.
            owner.close();
            assertFalse(Files.exists(parts.get(0)), "the part file is removed as the peer closes");

            release.countDown();
            assertThrows(ExecutionException.class, () -> restore.get(WITHIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(List.of(), partFiles(cluster.restoreDir("Ida")));
        }
    }

    private static List<Path> partFiles(Path restoreDir) throws Exception {
        try (Stream<Path> files = Files.list(restoreDir)) {
            return files.filter(p -> PartFiles.isPartName(p.getFileName().toString())).toList();
        }
    }
}
