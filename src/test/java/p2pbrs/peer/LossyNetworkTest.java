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
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Role;

/**
 * With a tenth of all datagrams lost, registration, heartbeats, backups, restores, releases
 * and repairs still converge.
 */
class LossyNetworkTest {
    private static final String LOSS = "p2pbrs.test.datagram-loss";

    @TempDir
    Path dir;

    @Test
    void everythingConvergesWhenDatagramsAreLost() throws Exception {
        String before = System.getProperty(LOSS);
        // Every endpoint made while this is set (server and peers) loses a tenth of what it sends.
        System.setProperty(LOSS, "0.1");
        try (LocalCluster c = new LocalCluster(dir, s -> s.withLiveness(Duration.ofSeconds(2),
                Duration.ofSeconds(4)))) {
            Duration beat = Duration.ofMillis(200);
            for (String s : List.of("S1", "S2", "S3")) {
                c.start(s, Role.STORAGE, GIB, beat);
            }
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            byte[] data = LocalCluster.random(20 * CHUNK + 3, 17);
            BackupResult r = owner.backup(c.source("lossy.bin", data));
            assertEquals(0, r.underReplicated());
            assertArrayEquals(data, Files.readAllBytes(owner.restore("lossy.bin", null).path()));

            assertEquals(1, owner.forget("lossy.bin", null));
            Object released = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30), () ->
                    c.bytesOnDisk("S1") + c.bytesOnDisk("S2") + c.bytesOnDisk("S3") == 0 ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, released, "every chunk released despite the loss");
            for (PeerEntry p : owner.list()) {
                assertEquals("ALIVE", p.state(), p.name() + " kept alive by its heartbeats");
            }
        } finally {
            if (before == null) {
                System.clearProperty(LOSS);
            } else {
                System.setProperty(LOSS, before);
            }
        }
    }

    @Test
    void aDeadPeersChunksAreRepairedWhenDatagramsAreLost() throws Exception {
        String before = System.getProperty(LOSS);
        System.setProperty(LOSS, "0.1");
        try (LocalCluster c = new LocalCluster(dir, s -> s.withLiveness(Duration.ofSeconds(1),
                Duration.ofSeconds(2)))) {
            Duration beat = Duration.ofMillis(100);
            Peer s1 = c.start("S1", Role.STORAGE, GIB, beat);
            c.start("S2", Role.STORAGE, GIB, beat);
            c.start("S3", Role.STORAGE, GIB, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            byte[] data = LocalCluster.random(12 * CHUNK, 27);
            assertEquals(0, owner.backup(c.source("healed.bin", data)).underReplicated());

            // S1 dies: the copies it held are made again on the other two, which then hold all twelve.
            s1.close();
            Object repaired = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(60), () ->
                    c.bytesOnDisk("S2") == 12L * LocalCluster.SEALED && c.bytesOnDisk("S3") == 12L * LocalCluster.SEALED ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, repaired, "S2 holds " + c.bytesOnDisk("S2") + ", S3 " + c.bytesOnDisk("S3"));
            // And the server knows it: every chunk healthy again, none missing or short.
            assertEquals(new Fsck(12, 0, 0, 0), Fsck.await(dir.resolve("server"), new Fsck(12, 0, 0, 0)));
            c.peer("S2").close();
            assertArrayEquals(data, Files.readAllBytes(owner.restore("healed.bin", null).path()));
        } finally {
            if (before == null) {
                System.clearProperty(LOSS);
            } else {
                System.setProperty(LOSS, before);
            }
        }
    }
}
