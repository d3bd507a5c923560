package p2pbrs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.db.server.Tables.REPAIR_TASK;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/**
 * The history's numbers at times the test chooses: a backup's start and rate, and the
 * outcome, reason and duration of each way a repair ends. One chunk of 1000 bytes, held by
 * S1 and S2; S3 is where repairs copy it to.
 */
class HistoryStoreTest {
    private static final String SUM = StoreFixtures.SUM;
    private static final OffsetDateTime T0 = StoreFixtures.T0;

    @TempDir
    Path dir;

    private Database db;
    private RegistryStore registry;
    private BackupStore backups;
    private long versionId;
    private long s1;
    private long s3;

    @BeforeEach
    void oneChunkWithTwoCopies() {
        db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 4);
        registry = new RegistryStore(db);
        backups = new BackupStore(db);
        long owner = peer("Ola", Role.OWNER, 0);
        s1 = peer("S1", Role.STORAGE, 10_000);
        long s2 = peer("S2", Role.STORAGE, 10_000);
        s3 = peer("S3", Role.STORAGE, 10_000);
        versionId = backups.transaction(tx -> {
            VersionRow v = tx.newVersion(tx.fileId(owner, "f.bin", T0), 1000, "f".repeat(64), 1000, 1, 2, 0, T0,
                    T0.plusHours(1));
            tx.addPlanPeer(v.id(), 0, s1, 1000);
            tx.addPlanPeer(v.id(), 1, s2, 1000);
            tx.addChunk(v, 0, 1000, SUM);
            tx.storeReplica(v, 0, s1, 1000, SUM, T0);
            tx.storeReplica(v, 0, s2, 1000, SUM, T0);
            return v.id();
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aCompletedBackupRunsFromItsPlanAtItsRate() {
        backups.transaction(tx -> {
            tx.complete(versionId, "f".repeat(64), T0.plusSeconds(4));
            tx.history().backupEnded(versionId, null, T0.plusSeconds(4));
            return null;
        });
        assertEquals(List.of("BACKUP Ola f.bin 1 1000 1 2 " + T0 + " " + T0.plusSeconds(4) + " OK null 250"),
                db.dsl().fetch("SELECT * FROM run").map(r -> r.get("KIND") + " " + r.get("OWNER_NAME") + " "
                        + r.get("FILE_NAME") + " " + r.get("VERSION") + " " + r.get("SIZE") + " "
                        + r.get("CHUNK_COUNT") + " " + r.get("PEERS_USED") + " "
                        + r.get("STARTED_AT", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC) + " "
                        + r.get("FINISHED_AT", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC) + " "
                        + r.get("OUTCOME") + " " + r.get("REASON") + " " + r.get("BYTES_PER_SECOND")));
    }

    @Test
    void eachWayARepairEndsIsRecordedWithItsDuration() {
        RepairStore repairs = new RepairStore(db);
        repairs.abandon(queue(T0), T0.plusSeconds(30));
        queue(T0.plusMinutes(1));
        backups.transaction(tx -> {
            tx.storeReplica(tx.version(versionId).orElseThrow(), 0, s3, 1000, SUM, T0.plusMinutes(2));
            tx.repairDone(versionId, 0, T0.plusMinutes(2));
            return null;
        });
        assertEquals(List.of("S1>S3 FAILED Gave-up 30000", "S1>S3 OK null 60000"),
                db.dsl().fetch("SELECT * FROM event WHERE kind = 'REPAIR' ORDER BY id")
                        .map(r -> r.get("SOURCE_NAME") + ">" + r.get("TARGET_NAME") + " " + r.get("OUTCOME") + " "
                                + r.get("REASON") + " " + r.get("DURATION_MS")));
        assertEquals(0, db.dsl().fetchCount(REPAIR_TASK), "each task ended");
    }

    @Test
    void aPrunedPeerLeavesItsEventsReadable() {
        long brief = peer("Brief", Role.STORAGE, 0);
        registry.transaction(tx -> {
            tx.history().peerEvent(EventKind.REGISTERED, brief, null, null, T0);
            tx.markGone(brief, false, T0.plusMinutes(1));
            tx.history().peerEvent(EventKind.DEREGISTERED, brief, PeerState.ALIVE, PeerState.GONE, T0.plusMinutes(1));
            return null;
        });
        assertEquals(1, registry.pruneGonePeers(T0.plusDays(1), 10), "history does not hold the row back");
        assertEquals(List.of("REGISTERED Brief", "DEREGISTERED Brief"),
                db.dsl().fetch("SELECT kind || ' ' || peer_name FROM event ORDER BY id").getValues(0, String.class));
    }

    // A repair of the chunk from S1 to S3, queued at this time.
    private long queue(OffsetDateTime at) {
        return db.dsl().insertInto(REPAIR_TASK, REPAIR_TASK.FILE_VERSION_ID, REPAIR_TASK.CHUNK_IDX,
                        REPAIR_TASK.SOURCE_PEER_ID, REPAIR_TASK.TARGET_PEER_ID, REPAIR_TASK.CREATED_AT,
                        REPAIR_TASK.NEXT_ATTEMPT_AT)
                .values(versionId, 0, s1, s3, at, at).returning(REPAIR_TASK.ID).fetchSingle().getId();
    }

    private long peer(String name, Role role, long capacity) {
        return StoreFixtures.peer(registry, name, role, capacity);
    }
}
