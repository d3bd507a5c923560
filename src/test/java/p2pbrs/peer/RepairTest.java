package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/** A storage peer that dies takes no copy with it for long: its chunks are copied again. */
class RepairTest {
    @TempDir
    Path dir;

    @Test
    void theChunksOfADeadPeerAreCopiedAgainSoThatASecondLossIsSurvived() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Duration beat = Duration.ofMillis(100);
            Peer s1 = c.start("S1", Role.STORAGE, GIB, 5_000, null, 16, beat);
            c.start("S2", Role.STORAGE, GIB, 5_000, null, 16, beat);
            c.start("S3", Role.STORAGE, GIB, 5_000, null, 16, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, 5_000, null, 16, beat);
            byte[] data = LocalCluster.random(6 * CHUNK, 19);
            assertEquals(0, owner.backup(c.source("precious.bin", data)).underReplicated());

            s1.close();
            // Every chunk had a copy on S1 or not; once S1 is dead, both others hold all six.
            Object repaired = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30), () ->
                    c.bytesOnDisk("S2") == 6L * CHUNK && c.bytesOnDisk("S3") == 6L * CHUNK ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, repaired, "S2 holds " + c.bytesOnDisk("S2") + ", S3 " + c.bytesOnDisk("S3"));

            c.peer("S2").close();
            assertArrayEquals(data, restoreOnceRecorded(owner, "precious.bin"));
        }
    }

    @Test
    void aBackupMadeWithTooFewPeersIsToppedUpWhenAPeerWithRoomAppears() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Duration beat = Duration.ofMillis(100);
            c.start("S1", Role.STORAGE, GIB, 5_000, null, 16, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, 5_000, null, 16, beat);
            byte[] data = LocalCluster.random(4 * CHUNK, 20);
            assertEquals(4, owner.backup(c.source("lonely.bin", data)).underReplicated());

            c.start("S2", Role.STORAGE, GIB, 5_000, null, 16, beat);
            Object toppedUp = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30),
                    () -> c.bytesOnDisk("S2") == 4L * CHUNK ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, toppedUp, "S2 holds " + c.bytesOnDisk("S2"));
            c.peer("S1").close();
            assertArrayEquals(data, restoreOnceRecorded(owner, "lonely.bin"));
        }
    }

    // A copy is on the target's disk a moment before its STORE_ACK reaches the server, and
    // only then do restore plans name it.
    private static byte[] restoreOnceRecorded(Peer owner, String name) throws Exception {
        Object bytes = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20), () -> {
            try {
                return Files.readAllBytes(owner.restore(name, null).path());
            } catch (PeerException notYet) {
                return null;
            }
        });
        return (byte[]) bytes;
    }
}
