package p2pbrs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The STORE_ACKs a storage peer owes, in its own database file. */
class PendingStoreAcksTest {
    private static final String SUM_A = "a".repeat(64);
    private static final String SUM_B = "b".repeat(64);

    @TempDir
    Path dir;

    @Test
    void theyOutliveClosingTheDatabase() {
        Path file = dir.resolve("peer");
        PendingStoreAck first;
        PendingStoreAck second;
        try (Database db = Database.open(file, Database.Kind.PEER, 2)) {
            PendingStoreAcks pending = new PendingStoreAcks(db);
            first = pending.add("Olga", "a%20b.txt", 1, 0, 10, SUM_A);
            second = pending.add("Olga", "a%20b.txt", 1, 1, 5, SUM_B);
        }
        try (Database db = Database.open(file, Database.Kind.PEER, 2)) {
            assertEquals(List.of(first, second), new PendingStoreAcks(db).all());
        }
    }

    @Test
    void deleteDropsOnlyThatOne() {
        try (Database db = Database.open(dir.resolve("peer"), Database.Kind.PEER, 2)) {
            PendingStoreAcks pending = new PendingStoreAcks(db);
            PendingStoreAck a = pending.add("Olga", "f", 1, 0, 10, SUM_A);
            PendingStoreAck b = pending.add("Olga", "f", 2, 0, 10, SUM_A);
            pending.delete(a.id());
            pending.delete(a.id());
            assertEquals(List.of(b), pending.all());
        }
    }

    @Test
    void theSameChunkStoredAgainReplacesTheOlderRowUnderANewId() {
        try (Database db = Database.open(dir.resolve("peer"), Database.Kind.PEER, 2)) {
            PendingStoreAcks pending = new PendingStoreAcks(db);
            PendingStoreAck old = pending.add("Olga", "f", 1, 3, 10, SUM_A);
            PendingStoreAck now = pending.add("Olga", "f", 1, 3, 10, SUM_B);
            assertNotEquals(old.id(), now.id());
            // An answer to the older STORE_ACK, arriving late, must not forget the newer one.
            pending.delete(old.id());
            assertEquals(List.of(now), pending.all());
        }
    }

    @Test
    void theOwnerIsKeptAsGivenUpTo64Characters() {
        String owner = "0123456789abcdef".repeat(4);
        try (Database db = Database.open(dir.resolve("peer"), Database.Kind.PEER, 2)) {
            PendingStoreAcks pending = new PendingStoreAcks(db);
            pending.add(owner, "f", 1, 0, 1, SUM_A);
            assertEquals(owner, pending.all().get(0).owner());
        }
    }

    @Test
    void aCopyLeavingTheIndexTakesTheStoreAckOwedForItsBytesWithIt() {
        try (Database db = Database.open(dir.resolve("peer"), Database.Kind.PEER, 2)) {
            PendingStoreAcks pending = new PendingStoreAcks(db);
            ChunkIndex index = new ChunkIndex(db);
            for (int idx = 0; idx < 3; idx++) {
                String sum = idx == 2 ? SUM_B : SUM_A;
                index.put(new IndexedChunk("Olga", "a b.txt", 1, idx, 10, sum, 30, 3, "p"));
                pending.add("Olga", "a%20b.txt", 1, idx, 10, sum);
            }
            // Version 2 indexed with bytes A, and a STORE_ACK owed for bytes B under the same
            // chunk (stored over it just now): that one is not about the copy that leaves.
            index.put(new IndexedChunk("Olga", "a b.txt", 2, 0, 10, SUM_A, 10, 1, "p"));
            pending.add("Olga", "a%20b.txt", 2, 0, 10, SUM_B);
            List<PendingStoreAck> owed = pending.all();

            assertTrue(index.remove("Olga", "a b.txt", 1, 0).isPresent());
            assertEquals(owed.subList(1, 4), pending.all());
            assertEquals(2, index.removeChecksum(SUM_A, null));
            assertEquals(owed.subList(2, 4), pending.all());
            assertTrue(pending.owed(owed.get(2).id()));
            index.release("Olga", "a b.txt", 1);
            assertEquals(owed.subList(3, 4), pending.all());
            assertFalse(pending.owed(owed.get(2).id()));
        }
    }
}
