package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
    @Test
    void copiesOfAChunkLandOnDistinctPeersAndSpreadEvenly() {
        Placement p = new Placement(10 * 100 + 1, 100, 4, 3);
        assertEquals(11, p.chunkCount());
        assertEquals(1, p.sizeOf(10));
        int[] perSlot = new int[4];
        for (int i = 0; i < p.chunkCount(); i++) {
            Set<Integer> slots = new HashSet<>();
            for (int j = 0; j < 3; j++) {
                int slot = p.slot(i, j);
                assertTrue(p.assigned(i, slot));
                slots.add(slot);
                perSlot[slot]++;
            }
            assertEquals(3, slots.size(), "distinct peers for chunk " + i);
            int unassigned = 0;
            for (int s = 0; s < 4; s++) {
                unassigned += p.assigned(i, s) ? 0 : 1;
            }
            assertEquals(1, unassigned);
        }
        for (int count : perSlot) {
            assertTrue(count >= 8 && count <= 9, "even spread: " + count);
        }
        long total = 0;
        for (int s = 0; s < 4; s++) {
            total += p.bytesFor(s);
        }
        assertEquals(3 * 1001, total);
    }

    @Test
    void bytesPerSlotMatchesCountingEveryChunk() {
        for (long size : new long[] {1, 99, 100, 101, 1234, 100 * 37 + 5}) {
            for (int peers = 1; peers <= 6; peers++) {
                for (int replicas = 1; replicas <= peers; replicas++) {
                    Placement p = new Placement(size, 100, peers, replicas);
                    for (int slot = 0; slot < peers; slot++) {
                        long counted = 0;
                        for (int i = 0; i < p.chunkCount(); i++) {
                            counted += p.assigned(i, slot) ? p.sizeOf(i) : 0;
                        }
                        assertEquals(counted, p.bytesFor(slot), size + "/" + peers + "/" + replicas + "/" + slot);
                    }
                }
            }
        }
    }

    @Test
    void emptyFileNeedsNoPeers() {
        Placement p = new Placement(0, 100, 0, 0);
        assertEquals(0, p.chunkCount());
        assertFalse(p.assigned(0, 0));
    }

    @Test
    void refusesMoreCopiesThanPeers() {
        assertThrows(IllegalArgumentException.class, () -> new Placement(10, 1, 2, 3));
    }

    @Test
    void ticketsBindWhatTheyAllow() {
        String key = Tickets.keyFor("ab".repeat(32));
        Placement p = new Placement(1000, 100, 3, 2);
        String t = Tickets.store(key, "Alice", "f.bin", 1, p, 0, 99);
        assertEquals(32, t.length());
        assertEquals(t, Tickets.store(key, "Alice", "f.bin", 1, p, 0, 99));
        assertNotEquals(t, Tickets.store(key, "Alice", "f.bin", 1, p, 1, 99), "another slot");
        assertNotEquals(t, Tickets.store(key, "Mallory", "f.bin", 1, p, 0, 99), "another owner");
        assertNotEquals(t, Tickets.store(key, "Alice", "f.bin", 1, p, 0, 100), "another expiry");
        assertNotEquals(t, Tickets.store(Tickets.keyFor("cd".repeat(32)), "Alice", "f.bin", 1, p, 0, 99));
        assertNotEquals(Tickets.fetch(key, "Alice", "f.bin", 1, 99), Tickets.fetch(key, "Alice", "f.bin", 2, 99));
        assertTrue(Tickets.same(t, t));
        assertFalse(Tickets.same(t, null));
    }
}
