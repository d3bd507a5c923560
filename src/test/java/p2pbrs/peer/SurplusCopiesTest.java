package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/**
 * A storage peer that comes back after being DEAD finds its chunks already copied again
 * elsewhere: its copies beyond what each chunk wants are released, and the space every
 * count holds agrees with the files on disk.
 */
class SurplusCopiesTest {
    private static final List<String> STORAGE = List.of("S1", "S2", "S3", "S4");

    @TempDir
    Path dir;

    @Test
    void aPeerBackAfterRepairHasItsExtraCopiesReleasedAndEveryCountAgreesWithItsDisk() throws Exception {
        Duration grace = Duration.ofSeconds(3);
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)).withReleaseGrace(grace))) {
            Duration beat = Duration.ofMillis(100);
            for (String name : STORAGE) {
                c.start(name, Role.STORAGE, GIB, beat);
            }
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            assertEquals(0, owner.backup(c.source("eight.bin", LocalCluster.random(8 * CHUNK, 36))).underReplicated());
            assertTrue(c.bytesOnDisk("S1") > 0, "S1 holds copies");
            String token = c.token("S1");

            c.peer("S1").close();
            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                // S1 is DEAD, and its chunks are copied again: two live copies each without it.
                await(() -> server.liveGoodCopies().equals(Collections.nCopies(8, 2))
                        && c.bytesOnDisk("S2") + c.bytesOnDisk("S3") + c.bytesOnDisk("S4") == 16L * LocalCluster.SEALED);

                long back = System.nanoTime();
                c.start("S1", Role.STORAGE, GIB, 5_000, token, 16, beat);
                // Its copies are the surplus: released after the grace, its files deleted, two
                // live copies each.
                await(() -> c.chunkFiles("S1").isEmpty());
                Duration waited = Duration.ofNanos(System.nanoTime() - back);
                assertTrue(waited.compareTo(grace) >= 0, "released after " + waited);
                await(() -> server.liveGoodCopies().equals(Collections.nCopies(8, 2)) && countsAgree(c, server));
            }
        }
    }

    /** Whether, for every storage peer, the server's count, the peer's own and its disk agree. */
    private static boolean countsAgree(LocalCluster c, ServerRecords server) throws Exception {
        for (String name : STORAGE) {
            long disk = c.bytesOnDisk(name);
            if (server.committed(name) != disk || c.peer(name).status().bytesStored() != disk) {
                return false;
            }
        }
        return true;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition) throws Exception {
        LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(40),
                () -> condition.holds() ? Boolean.TRUE : null);
    }
}
