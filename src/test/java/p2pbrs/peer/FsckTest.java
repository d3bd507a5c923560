package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;
import p2pbrs.server.HealthCheck;
import p2pbrs.store.RepairStore;

/** fsck counts each chunk once, the worst that applies, from a running server or a stopped one's database. */
class FsckTest {
    @TempDir
    Path dir;

    @Test
    void fsckSeesHealthyThenShortThenMissingChunks() throws Exception {
        Path db = dir.resolve("server");
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(300),
                Duration.ofMillis(600)))) {
            Duration beat = Duration.ofMillis(100);
            Peer s1 = c.start("S1", Role.STORAGE, GIB, beat);
            Peer s2 = c.start("S2", Role.STORAGE, GIB, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            owner.backup(c.source("watched.bin", LocalCluster.random(4 * CHUNK, 21)));

            assertEquals(new Fsck(4, 0, 0, 0), Fsck.of(db));

            // One holder dead, and nowhere else to copy to: short of copies, nothing missing.
            s1.close();
            assertEquals(new Fsck(0, 4, 0, 0), Fsck.await(db, new Fsck(0, 4, 0, 0)));
            // Both dead: missing, and the file is at risk.
            s2.close();
            assertEquals(new Fsck(0, 0, 0, 4), Fsck.await(db, new Fsck(0, 0, 0, 4)));
            HealthCheck.Report running = HealthCheck.check(db, null);
            assertTrue(running.fromRunningServer());
            assertEquals(List.of(new RepairStore.AtRisk("Ola", "watched.bin", 1, true)), running.health().atRisk());

            c.server.close();
            HealthCheck.Report stopped = HealthCheck.check(db, null);
            assertFalse(stopped.fromRunningServer(), "read from the stopped server's database");
            assertEquals(new Fsck(0, 0, 0, 4), Fsck.of(stopped));
        }
    }
}
