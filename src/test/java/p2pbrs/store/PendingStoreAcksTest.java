package p2pbrs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
}
