package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Role;

/**
 * INVENTORY at the server, message by message: pages gathered until the scan is whole,
 * each counted once, the last one answered with what reconciling found; and a copy
 * acknowledged after the scan began is never taken for lost.
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
            // The last page completes the scan: nothing is placed on Shelf, so every checksum is an orphan.
            assertEquals("ACK 4 lost=0 adopt=0 orphans=3", udp.call("INVENTORY 4 Shelf [" + C + "," + A + "] page=1"
                    + scan));
            // A later scan that finds one of them again keeps one release of it queued.
            assertEquals("ACK 5 lost=0 adopt=0 orphans=1", udp.call("INVENTORY 5 Shelf [" + A + "] scan=0f0f0f0f page=0"
                    + " pages=1 at=" + System.currentTimeMillis() + " token=" + token));
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
            assertEquals(Command.BACKUP_PLAN, udp.message("BACKUP_REQ 3 one.bin " + CHUNK + " " + sum + " token="
                    + ola).command());
            assertEquals("ACK 4", udp.call("CHUNK_SUMS 4 one.bin version=1 from=0 sums=[" + sum + "] token=" + ola));
            assertEquals("ACK 5", udp.call("STORE_ACK 5 one.bin 0 owner=" + LocalCluster.idOf(ola) + " version=1 size="
                    + CHUNK + " checksum=" + sum + " token=" + shelf));
            long acked = System.currentTimeMillis();

            // A scan that began before the copy was acknowledged cannot have listed it.
            assertEquals("ACK 6 lost=0 adopt=0 orphans=0", udp.call("INVENTORY 6 Shelf [] scan=01010101 page=0 "
                    + "pages=1 at=" + (acked - 60_000) + " token=" + shelf));
            // One that began after it (a clock ahead counts as now) and does not list it: the copy is lost.
            assertEquals("ACK 7 lost=1 adopt=0 orphans=0", udp.call("INVENTORY 7 Shelf [] scan=02020202 page=0 "
                    + "pages=1 at=" + (acked + 60_000) + " token=" + shelf));
            // Listed again: the chunk placed on Shelf wants a copy, so Shelf is asked to adopt it.
            assertEquals("ACK 8 lost=0 adopt=1 orphans=0", udp.call("INVENTORY 8 Shelf [" + sum + "] scan=03030303 "
                    + "page=0 pages=1 at=" + System.currentTimeMillis() + " token=" + shelf));
        }
    }
}
