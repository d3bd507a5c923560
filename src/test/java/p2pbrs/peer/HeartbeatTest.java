package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Role;

/** A running peer heartbeats on its own; one that stops is declared dead. */
class HeartbeatTest {
    @TempDir
    Path dir;

    @Test
    void aRunningPeerStaysAliveAndAStoppedOneDies() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withLiveness(Duration.ofSeconds(2),
                Duration.ofSeconds(4)))) {
            Duration beat = Duration.ofMillis(150);
            Peer watcher = c.start("Watcher", Role.OWNER, 0, beat);
            c.start("Steady", Role.STORAGE, GIB, beat);
            Peer quitter = c.start("Quitter", Role.STORAGE, GIB, beat);
            quitter.close();

            Object dead = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20),
                    () -> "DEAD".equals(state(watcher, "Quitter")) ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, dead, "the stopped peer is declared dead");
            // Meanwhile the running ones, heard from all along, are alive.
            assertEquals("ALIVE", state(watcher, "Steady"));
            assertEquals("ALIVE", state(watcher, "Watcher"));
        }
    }

    private static String state(Peer asker, String name) throws PeerException {
        return asker.list().stream().filter(p -> p.name().equals(name)).map(PeerEntry::state).findFirst()
                .orElseThrow();
    }
}
