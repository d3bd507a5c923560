package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.store.ChunkTaskKind;
import p2pbrs.store.ReplicaState;
import p2pbrs.testing.UdpProbe;

/**
 * INVENTORY at the server, message by message: pages gathered until the scan is whole,
 * each counted once, the last one answered at once and the scan reconciled after, however
 * long that takes; and a copy acknowledged after the scan began is never taken for lost.
 */
class InventoryReportTest {
    private static final String A = LocalCluster.sha256(new byte[] {1});
    private static final String B = LocalCluster.sha256(new byte[] {2});
    private static final String C = LocalCluster.sha256(new byte[] {3});

    @TempDir
    Path dir;

    @Test
    void pagesAreGatheredUntilTheScanIsWholeEachCountedOnce() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Shelf", Role.STORAGE, GIB);
            String scan = " scan=00112233aabbccdd pages=2 at=" + System.currentTimeMillis() + " token=" + token;
            assertEquals("ACK 2", udp.call("INVENTORY 2 Shelf [" + A + "," + B + ":l] page=0" + scan));
            // The same page again, under a new RQ#, completes nothing.
            assertEquals("ACK 3", udp.call("INVENTORY 3 Shelf [" + A + "," + B + ":l] page=0" + scan));
            // The last page completes the scan, to be reconciled: nothing is placed on Shelf, so
            // every checksum is an orphan, each released once.
            assertEquals("ACK 4 reconciling=1", udp.call("INVENTORY 4 Shelf [" + C + "," + A + "] page=1" + scan));
            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                reconciled(server);
                assertEquals(sorted(A, B, C), server.tasksFor("Shelf", ChunkTaskKind.RELEASE_ORPHAN));
                // A later scan that finds one of them again keeps one release of it queued.
                assertEquals("ACK 5 reconciling=1", udp.call("INVENTORY 5 Shelf [" + A + "] scan=0f0f0f0f page=0"
                        + " pages=1 at=" + System.currentTimeMillis() + " token=" + token));
                reconciled(server);
                assertEquals(sorted(A, B, C), server.tasksFor("Shelf", ChunkTaskKind.RELEASE_ORPHAN));
            }
        }
    }

    @Test
    void anInventoryFromAnotherPeerOrOfAnotherShapeIsRefused() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            LocalCluster.RawUdp udp = c.udp();
            String shelf = udp.register("1", "Shelf", Role.STORAGE, GIB);
            String ola = udp.register("2", "Ola", Role.OWNER, 0);
            String at = " at=" + System.currentTimeMillis();
            assertEquals("ACK-DENIED 3 Missing-token", udp.call("INVENTORY 3 Shelf [] scan=0a0a0a0a page=0 pages=1"
                    + at));
            assertEquals("ACK-DENIED 4 Unknown-name", udp.call("INVENTORY 4 Shelf [] scan=0a0a0a0a page=0 pages=1"
                    + at + " token=" + ola));
            assertEquals("ACK-DENIED 5 Not-storage", udp.call("INVENTORY 5 Ola [] scan=0a0a0a0a page=0 pages=1"
                    + at + " token=" + ola));
            assertEquals("ACK 6", udp.call("INVENTORY 6 Shelf [] scan=0b0b0b0b page=0 pages=2" + at + " token="
                    + shelf));
            assertEquals("ACK-DENIED 7 Bad-number", udp.call("INVENTORY 7 Shelf [] scan=0b0b0b0b page=1 pages=3"
                    + at + " token=" + shelf));
            assertEquals("ERROR 8 Bad-number", udp.call("INVENTORY 8 Shelf [] scan=0b0b0b0b page=2 pages=2" + at
                    + " token=" + shelf));
            assertEquals("ERROR 9 Bad-checksum", udp.call("INVENTORY 9 Shelf [abc] scan=0b0b0b0b page=1 pages=2"
                    + at + " token=" + shelf));
            assertEquals("ERROR 10 Bad-option", udp.call("INVENTORY 10 Shelf [] scan=xyz page=0 pages=1" + at
                    + " token=" + shelf));
        }
    }

    @Test
    void aCopyAcknowledgedAfterTheScanBeganIsNotTakenForLost() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            LocalCluster.RawUdp udp = c.udp();
            String shelf = udp.register("1", "Shelf", Role.STORAGE, GIB);
            String ola = udp.register("2", "Ola", Role.OWNER, 0);
            String sum = LocalCluster.sha256(LocalCluster.random(CHUNK, 39));
            Message plan = udp.message("BACKUP_REQ 3 one.bin " + CHUNK + " " + sum + " token=" + ola);
            assertEquals(Command.BACKUP_PLAN, plan.command());
            assertEquals("ACK 4", udp.call("CHUNK_SUMS 4 one.bin version=1 from=0 sums=[" + sum + "] token=" + ola));
            assertEquals("ACK 5", udp.call("STORE_ACK 5 " + plan.option("chunk_name") + " 0 owner="
                    + LocalCluster.idOf(ola) + " version=1 size=" + CHUNK + " checksum=" + sum + " token=" + shelf));
            long acked = System.currentTimeMillis();

            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                // A scan that began before the copy was acknowledged cannot have listed it.
                assertEquals("ACK 6 reconciling=1", udp.call("INVENTORY 6 Shelf [] scan=01010101 page=0 "
                        + "pages=1 at=" + (acked - 60_000) + " token=" + shelf));
                reconciled(server);
                assertEquals(ReplicaState.STORED, server.copiesOn("Shelf").get(sum));
                // One that began after it (a clock ahead counts as when its first page came) and
                // does not list it: the copy is lost.
                assertEquals("ACK 7 reconciling=1", udp.call("INVENTORY 7 Shelf [] scan=02020202 page=0 "
                        + "pages=1 at=" + (acked + 60_000) + " token=" + shelf));
                reconciled(server);
                assertEquals(ReplicaState.LOST, server.copiesOn("Shelf").get(sum));
                assertEquals(List.of(), server.tasksFor("Shelf", ChunkTaskKind.ADOPT));
                // Listed again: the chunk placed on Shelf wants a copy, so Shelf is asked to adopt it.
                assertEquals("ACK 8 reconciling=1", udp.call("INVENTORY 8 Shelf [" + sum + "] scan=03030303 "
                        + "page=0 pages=1 at=" + System.currentTimeMillis() + " token=" + shelf));
                reconciled(server);
                assertEquals(List.of(sum), server.tasksFor("Shelf", ChunkTaskKind.ADOPT));
                assertEquals(List.of(), server.tasksFor("Shelf", ChunkTaskKind.RELEASE_ORPHAN));
            }
        }
    }

    @Test
    void aSlowReconciliationHoldsUpNoOtherPeersHeartbeat() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1));
             UdpProbe inventory = new UdpProbe(c.server.udpPort());
             UdpProbe heartbeats = new UdpProbe(c.server.udpPort())) {
            LocalCluster.RawUdp udp = c.udp();
            String shelf = udp.register("1", "Shelf", Role.STORAGE, GIB);
            String ola = udp.register("2", "Ola", Role.OWNER, 0);
            String sum = LocalCluster.sha256(LocalCluster.random(CHUNK, 40));
            Message plan = udp.message("BACKUP_REQ 3 one.bin " + CHUNK + " " + sum + " token=" + ola);
            assertEquals(Command.BACKUP_PLAN, plan.command());
            assertEquals("ACK 4", udp.call("CHUNK_SUMS 4 one.bin version=1 from=0 sums=[" + sum + "] token=" + ola));
            assertEquals("ACK 5", udp.call("STORE_ACK 5 " + plan.option("chunk_name") + " 0 owner="
                    + LocalCluster.idOf(ola) + " version=1 size=" + CHUNK + " checksum=" + sum + " token=" + shelf));
            String other = udp.register("6", "Other", Role.STORAGE, GIB);

            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                // Reconciling Shelf's inventory finds its copy lost, and must wait for the
                // version's lock, which a long transaction holds.
                String page = "INVENTORY 7 Shelf [] scan=04040404 page=0 pages=1 at="
                        + (System.currentTimeMillis() + 60_000) + " token=" + shelf;
                try (AutoCloseable held = server.holdVersionsOf("one.bin")) {
                    // Shelf, unanswered, sends the page again and again: more copies than the server has workers.
                    for (int i = 0; i < 12; i++) {
                        inventory.sendRaw(page.getBytes(StandardCharsets.UTF_8));
                    }
                    // Another peer's heartbeat is answered as ever.
                    assertEquals("ACK 8", heartbeats.call("HEARTBEAT 8 Other 0 " + System.currentTimeMillis()
                            + " token=" + other, Duration.ofSeconds(3)).toString());
                    // So is the page, at once: the reconciliation is under way, not done.
                    assertEquals("ACK 7 reconciling=1", inventory.call(page, Duration.ofSeconds(3)).toString());
                    assertEquals(ReplicaState.STORED, server.copiesOn("Shelf").get(sum));
                }
                // Once the lock is free, the reconciliation ends.
                await(() -> server.copiesOn("Shelf").get(sum) == ReplicaState.LOST);
                await(() -> server.inventoriesOf("Shelf") == 0);
            }
        }
    }

    @Test
    void theNewestInventoryWholeWhenTheServerStoppedIsReconciledWhenItStartsAgain() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            c.udp().register("1", "Shelf", Role.STORAGE, GIB);
            int port = c.server.udpPort();
            c.server.close();
            // Two whole inventories were waiting: the newer says all the older could.
            try (ServerRecords stopped = new ServerRecords(c.dir.resolve("server"))) {
                stopped.leaveWholeInventory("Shelf", "0c0c0c0c", A, B);
                stopped.leaveWholeInventory("Shelf", "0d0d0d0d", B, C);
            }
            // Shelf, registered all along, has no reason to report again: the server remembers.
            c.restartServer(port);
            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                reconciled(server);
                assertEquals(sorted(B, C), server.tasksFor("Shelf", ChunkTaskKind.RELEASE_ORPHAN));
            }
        }
    }

    /** Waits until the server has reconciled every inventory of Shelf it was given: none is left waiting. */
    private static void reconciled(ServerRecords server) throws Exception {
        await(() -> server.inventoriesOf("Shelf") == 0);
    }

    private static List<String> sorted(String... checksums) {
        return Stream.of(checksums).sorted().toList();
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition) throws Exception {
        LocalCluster.poll(Duration.ofMillis(50), Duration.ofSeconds(30),
                () -> condition.holds() ? Boolean.TRUE : null);
    }
}
