package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.VersionHealth;
import p2pbrs.server.HealthCheck;
import p2pbrs.store.RepairStore;

/**
 * A storage peer that runs {@code de} while it holds others' chunks is decommissioned: it
 * keeps serving until its chunks have their copies elsewhere, says so, and only then is it
 * gone, its chunk files deleted. One holding nothing leaves at once.
 */
class DecommissionTest {
    private static final Duration BEAT = Duration.ofMillis(100);

    @TempDir
    Path dir;

    @Test
    void aLeavingStoragePeerServesUntilItsChunksHaveTheirCopiesElsewhereThenGoes() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Peer s1 = c.start("S1", Role.STORAGE, GIB, 5_000, null, 16, BEAT);
            c.start("S2", Role.STORAGE, GIB, 5_000, null, 16, BEAT);
            Peer owner = c.start("Ola", Role.OWNER, 0, 5_000, null, 16, BEAT);
            byte[] data = LocalCluster.random(6 * CHUNK, 31);
            assertEquals(0, owner.backup(c.source("kept.bin", data)).underReplicated());

            // S1 leaves while S2 is the only other storage peer: every chunk wants a copy
            // elsewhere that has nowhere to go yet, so S1 stays, decommissioning.
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            Shell shell = new Shell(s1, new PrintStream(said, true, StandardCharsets.UTF_8));
            CompletableFuture<Shell.Outcome> leaving = CompletableFuture.supplyAsync(() -> shell.execute("de"));
            String first = "DECOMMISSIONING S1: 6 copies still to be made elsewhere; serving its chunks until then";
            LocalCluster.poll(BEAT, Duration.ofSeconds(20), () -> text(said).contains(first) ? first : null);
            assertEquals("DECOMMISSIONING", stateOf(owner, "S1"));
            assertEquals("DECOMMISSIONING", s1.status().state());

            // It keeps serving: with S2 stopped and dead, every chunk of a restore comes from S1.
            c.peer("S2").close();
            LocalCluster.poll(BEAT, Duration.ofSeconds(20), () -> "DEAD".equals(stateOf(owner, "S2")) ? "" : null);
            assertArrayEquals(data, Files.readAllBytes(owner.restore("kept.bin", null).path()));
            // What only a leaving peer holds can still be read: short of copies, not missing.
            RepairStore.Health health = HealthCheck.check(dir.resolve("server"), null).health();
            assertEquals(List.of(0L, 6L, 0L, 0L), List.of(health.healthy(), health.underReplicated(),
                    health.repairing(), health.missing()));
            assertEquals(VersionHealth.UNDER_REPLICATED, owner.files().get(0).health());

            // A third storage peer appears: S1's chunks are copied to it, from S1 (S2 is dead).
            c.start("S3", Role.STORAGE, GIB, 5_000, null, 16, BEAT);
            LocalCluster.poll(BEAT, Duration.ofSeconds(30), () -> c.bytesOnDisk("S3") == 6L * LocalCluster.SEALED ? "" : null);
            assertFalse(leaving.isDone(), "each chunk has one copy elsewhere of the two it wants: " + text(said));

            // S2 comes back with its copies: two elsewhere of every chunk, and S1 may go.
            c.start("S2", Role.STORAGE, GIB, 5_000, null, 16, BEAT);
            assertEquals(Shell.Outcome.OK, leaving.get(30, TimeUnit.SECONDS), text(said));
            assertTrue(text(said).contains("OK de-registered S1: decommissioned and gone, 6 chunk files deleted"),
                    text(said));
            assertEquals(List.of(), c.chunkFiles("S1"), "a peer that is gone keeps nothing");
            assertFalse(owner.list().stream().anyMatch(p -> p.name().equals("S1")));

            s1.close();
            assertArrayEquals(data, Files.readAllBytes(owner.restore("kept.bin", null).path()));
            assertEquals(VersionHealth.HEALTHY, owner.files().get(0).health());
            for (String name : List.of("S2", "S3")) {
                assertEquals(c.bytesOnDisk(name), owner.list().stream().filter(p -> p.name().equals(name))
                        .findFirst().orElseThrow().used(), "what the server counts against " + name);
            }
        }
    }

    @Test
    void aStoragePeerHoldingNothingLeavesAtOnce() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            c.start("S1", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            owner.backup(c.source("one.bin", LocalCluster.random(2 * CHUNK, 32)));
            Peer idle = c.start("Idle", Role.STORAGE, GIB);

            ByteArrayOutputStream said = new ByteArrayOutputStream();
            assertEquals(Shell.Outcome.OK, new Shell(idle, new PrintStream(said, true, StandardCharsets.UTF_8))
                    .execute("de"));
            assertEquals("OK de-registered Idle", text(said).strip(), "no decommissioning: it holds nothing");
            assertFalse(owner.list().stream().anyMatch(p -> p.name().equals("Idle")));
        }
    }

    private static String stateOf(Peer asker, String name) throws PeerException {
        return asker.list().stream().filter(p -> p.name().equals(name)).map(PeerEntry::state).findFirst()
                .orElse(null);
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }
}
