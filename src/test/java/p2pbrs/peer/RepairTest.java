package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;
import p2pbrs.server.HealthCheck;

/** A storage peer that dies takes no copy with it for long: its chunks are copied again. */
class RepairTest {
    @TempDir
    Path dir;

    @Test
    void theChunksOfADeadPeerAreCopiedAgainSoThatASecondLossIsSurvived() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Duration beat = Duration.ofMillis(100);
            Peer s1 = c.start("S1", Role.STORAGE, GIB, beat);
            c.start("S2", Role.STORAGE, GIB, beat);
            c.start("S3", Role.STORAGE, GIB, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            byte[] data = LocalCluster.random(6 * CHUNK, 19);
            assertEquals(0, owner.backup(c.source("precious.bin", data)).underReplicated());

            s1.close();
            // Every chunk had a copy on S1 or not; once S1 is dead, both others hold all six.
            Object repaired = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30), () ->
                    c.bytesOnDisk("S2") == 6L * LocalCluster.SEALED && c.bytesOnDisk("S3") == 6L * LocalCluster.SEALED ? Boolean.TRUE : null);
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
            c.start("S1", Role.STORAGE, GIB, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            byte[] data = LocalCluster.random(4 * CHUNK, 20);
            assertEquals(4, owner.backup(c.source("lonely.bin", data)).underReplicated());

            c.start("S2", Role.STORAGE, GIB, beat);
            Object toppedUp = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30),
                    () -> c.bytesOnDisk("S2") == 4L * LocalCluster.SEALED ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, toppedUp, "S2 holds " + c.bytesOnDisk("S2"));
            c.peer("S1").close();
            assertArrayEquals(data, restoreOnceRecorded(owner, "lonely.bin"));
        }
    }

    @Test
    void aRestartedServerWithEveryPeerHealthyCopiesNothing() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Duration beat = Duration.ofMillis(100);
            for (String name : new String[] {"S1", "S2", "S3"}) {
                c.start(name, Role.STORAGE, GIB, beat);
            }
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            assertEquals(0, owner.backup(c.source("steady.bin", LocalCluster.random(6 * CHUNK, 22))).underReplicated());
            long[] before = {c.bytesOnDisk("S1"), c.bytesOnDisk("S2"), c.bytesOnDisk("S3")};

            int port = c.server.udpPort();
            c.server.close();
            c.restartServer(port);
            // Safe mode over, and the repairer has looked for work a few times since.
            assertEquals(Boolean.TRUE, LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20),
                    () -> c.server.repairPasses() >= 3 ? Boolean.TRUE : null));

            HealthCheck.Report health = HealthCheck.check(dir.resolve("server"), null);
            assertEquals(6, health.health().healthy());
            assertEquals(0, health.health().repairing());
            assertArrayEquals(before, new long[] {c.bytesOnDisk("S1"), c.bytesOnDisk("S2"), c.bytesOnDisk("S3")});
        }
    }

    @Test
    void aRottenSourceIsFoundOutAndTheChunkIsTakenFromAGoodCopy() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(3).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Duration beat = Duration.ofMillis(100);
            List<String> names = List.of("S1", "S2", "S3", "S4");
            for (String name : names) {
                c.start(name, Role.STORAGE, GIB, beat);
            }
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            byte[] data = LocalCluster.random(4 * CHUNK, 28);
            assertEquals(0, owner.backup(c.source("rot.bin", data)).underReplicated());

            // A chunk S1 holds; of its other holders, the first by name is the one repair asks
            // first once S1 is dead. That copy has rotted, unknown to anyone.
            int chunk = -1;
            String rotten = null;
            for (int i = 0; i < 4 && rotten == null; i++) {
                if (Files.exists(c.chunkFile("S1", data, i))) {
                    chunk = i;
                    for (String name : names.subList(1, 4)) {
                        if (rotten == null && Files.exists(c.chunkFile(name, data, i))) {
                            rotten = name;
                        }
                    }
                }
            }
            LocalCluster.flipABit(c.chunkFile(rotten, data, chunk));
            c.peer("S1").close();
            assertEquals(Boolean.TRUE, LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20),
                    () -> owner.list().stream().anyMatch(p -> p.name().equals("S1") && p.state().equals("DEAD"))
                            ? Boolean.TRUE : null));

            // The rotten holder refuses to spread its copy, finds it bad and reports it; the
            // chunk is copied from the good one, and the three live peers end with all of it.
            assertEquals(new Fsck(4, 0, 0, 0), Fsck.await(dir.resolve("server"), new Fsck(4, 0, 0, 0)));
            for (String name : names.subList(1, 4)) {
                for (int i = 0; i < 4; i++) {
                    assertArrayEquals(LocalCluster.sealed(owner.dataKey(), LocalCluster.chunkOf(data, i)),
                            Files.readAllBytes(c.chunkFile(name, data, i)), "chunk " + i + " on " + name);
                }
            }
        }
    }

    @Test
    void aPeerThatLeftAndCameBackCanTakeRepairedCopiesAgain() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Duration beat = Duration.ofMillis(100);
            Peer s1 = c.start("S1", Role.STORAGE, GIB, beat);
            c.start("S2", Role.STORAGE, GIB, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            byte[] data = LocalCluster.random(2 * CHUNK, 29);
            assertEquals(0, owner.backup(c.source("back.bin", data)).underReplicated());
            c.start("S3", Role.STORAGE, GIB, beat);

            // S1 leaves once S3 holds its copies; its rows in the version's plan are released.
            s1.deRegister();
            s1.close();
            // It comes back (same identity), and S2 dies: S1 is where S2's copies can go.
            c.start("S1", Role.STORAGE, GIB, beat);
            c.peer("S2").close();
            assertEquals(new Fsck(2, 0, 0, 0), Fsck.await(dir.resolve("server"), new Fsck(2, 0, 0, 0)));
            assertEquals(Boolean.TRUE, LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20),
                    () -> c.bytesOnDisk("S1") == 2L * LocalCluster.SEALED ? Boolean.TRUE : null));
            c.peer("S3").close();
            assertArrayEquals(data, restoreOnceRecorded(owner, "back.bin"));
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
