package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.transport.WireTap;

/** When this machine's disk or file fails, the peer says so, and does not blame the storage peers. */
class LocalFailuresTest {
    // Writes to it fail as on a full disk: "No space left on device".
    private static final Path FULL_DEVICE = Path.of("/dev/full");
    private static final long WITHIN_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void aRestoreOntoAFullDiskIsALocalIoErrorNotUnavailableChunks() throws Exception {
        assumeTrue(Files.isWritable(FULL_DEVICE), "needs " + FULL_DEVICE);
        List<String> wire = new CopyOnWriteArrayList<>();
        try (LocalCluster cluster = new LocalCluster(dir)) {
            cluster.start("S1", Role.STORAGE, GIB);
            cluster.start("S2", Role.STORAGE, GIB);
            Peer owner = cluster.start("Fulton", Role.OWNER, 0);
            owner.backup(cluster.source("big.bin", LocalCluster.random(3 * CHUNK, 51)));
            Path restoreDir = cluster.restoreDir("Fulton");
            // The part file is created where it belongs, but its bytes go to a device that is always full.
            PartFiles fullDisk = new PartFiles(restoreDir, (part, direct) -> {
                Files.createFile(part);
                return FileChannel.open(FULL_DEVICE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            });

            WireTap.listen(wire::add);
            PeerException e;
            try {
                e = assertThrows(PeerException.class, () -> owner.restore("big.bin", null, fullDisk));
            } finally {
                WireTap.listen(null);
            }
            assertTrue(e.getMessage().startsWith("restore of big.bin failed: writing to the local disk failed: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertTrue(wire.stream().anyMatch(l -> l.contains("RESTORE_FAIL ") && l.contains(" Local-IO-error ")),
                    "reported to the server as a local failure: " + wire);
            assertTrue(wire.stream().noneMatch(l -> l.contains("Chunks-unavailable")), wire.toString());
            List<String> asked = wire.stream().filter(l -> l.contains("-> GET_CHUNK "))
                    .map(l -> l.substring(l.indexOf("GET_CHUNK ")).split(" ")[3]).toList();
            assertEquals(asked.stream().distinct().count(), asked.size(),
                    "no chunk was asked of another holder: " + asked);
            try (Stream<Path> left = Files.list(restoreDir)) {
                assertEquals(List.of(), left.toList(), "no part file left");
            }
        }
    }

    @Test
    void aFileThatShrinksWhileItIsBackedUpSaysSo() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (LocalCluster cluster = new LocalCluster(dir);
             FakeStoragePeer holder = FakeStoragePeer.registered(cluster, "Holder", GIB, c -> {
                 Message send;
                 while ((send = c.readHeader()) != null) {
                     c.readBody(send);
                     // Every buffer of the owner stays in flight until the test has cut the file.
                     arrived.countDown();
                     release.await(WITHIN_SECONDS, TimeUnit.SECONDS);
                     c.chunkOk(send);
                 }
             })) {
            Peer owner = cluster.start("Sheila", Role.OWNER, 0);
            // More chunks than the owner holds in memory at once.
            Path source = cluster.source("shrinking.log", LocalCluster.random(16 * CHUNK, 52));
            CompletableFuture<BackupResult> backup = CompletableFuture.supplyAsync(() -> {
                try {
                    return owner.backup(source);
                } catch (PeerException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(arrived.await(WITHIN_SECONDS, TimeUnit.SECONDS), "the backup began sending");
            // The owner has read at least the first chunk: the file now ends before where it reads next.
            try (FileChannel file = FileChannel.open(source, StandardOpenOption.WRITE)) {
                file.truncate(CHUNK / 2);
            }
            release.countDown();

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> backup.get(WITHIN_SECONDS, TimeUnit.SECONDS));
            assertEquals("the file shrank while it was being backed up; try again",
                    e.getCause().getCause().getMessage());
            assertFalse(e.getCause().getCause().getMessage().contains("connection"));
        }
    }
}
