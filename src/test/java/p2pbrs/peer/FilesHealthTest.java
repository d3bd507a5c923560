package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.VersionHealth;

/** {@code files} shows each version's health, counted the way fsck counts its chunks. */
class FilesHealthTest {
    @TempDir
    Path dir;

    @Test
    void filesShowsHealthyThenUnderReplicatedThenMissing() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(300),
                Duration.ofMillis(600)))) {
            Duration beat = Duration.ofMillis(100);
            Peer s1 = c.start("S1", Role.STORAGE, GIB, beat);
            Peer s2 = c.start("S2", Role.STORAGE, GIB, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            owner.backup(c.source("watched.bin", LocalCluster.random(4 * CHUNK, 41)));
            owner.backup(c.source("empty.bin", new byte[0]));

            assertEquals(List.of(VersionHealth.HEALTHY, VersionHealth.HEALTHY), healths(owner));
            String shown = shell(owner, "files");
            assertTrue(shown.lines().anyMatch(l -> l.startsWith("watched.bin") && l.endsWith("4 chunks  healthy")),
                    shown);

            // One of the two holders dead, and nowhere else to copy to.
            s1.close();
            await(owner, List.of(VersionHealth.HEALTHY, VersionHealth.UNDER_REPLICATED));
            assertTrue(shell(owner, "files").contains("4 chunks  under-replicated"));
            // Both dead: no copy of any chunk can be read. A file of no chunks lacks none.
            s2.close();
            await(owner, List.of(VersionHealth.HEALTHY, VersionHealth.MISSING));
            assertTrue(shell(owner, "files").contains("4 chunks  missing"));
        }
    }

    private static List<VersionHealth> healths(Peer owner) throws PeerException {
        return owner.files().stream().map(FileEntry::health).toList();
    }

    private static void await(Peer owner, List<VersionHealth> wanted) throws Exception {
        LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20),
                () -> wanted.equals(healths(owner)) ? wanted : null);
    }

    private static String shell(Peer peer, String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(Shell.Outcome.OK, new Shell(peer, new PrintStream(out, true, StandardCharsets.UTF_8))
                .execute(command));
        return out.toString(StandardCharsets.UTF_8);
    }
}
