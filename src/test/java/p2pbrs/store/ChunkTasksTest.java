package p2pbrs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.db.server.Tables.CHUNK_TASK;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.REPLICA;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import p2pbrs.protocol.Role;

/**
 * Surplus copies, in the server's database, at times the test chooses: which copy is
 * released, not before the grace, checked again before it goes, and the space it frees.
 * One chunk of 100 bytes wants two copies; S1 and S2 hold it by the plan, S3 by a repair.
 */
class ChunkTasksTest {
    private static final String SUM = StoreFixtures.SUM;
    private static final OffsetDateTime T0 = StoreFixtures.T0;
    private static final Duration GRACE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private Database db;
    private RegistryStore registry;
    private ChunkTasks tasks;
    private long versionId;
    private long s1;
    private long s2;
    private long s3;

    @BeforeEach
    void oneChunkWithThreeCopies() {
        db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 4);
        registry = new RegistryStore(db);
        tasks = new ChunkTasks(db);
        long owner = peer("Ola", Role.OWNER, 0);
        s1 = peer("S1", Role.STORAGE, 1000);
        s2 = peer("S2", Role.STORAGE, 1000);
        s3 = peer("S3", Role.STORAGE, 1000);
        versionId = new BackupStore(db).transaction(tx -> {
            VersionRow v = tx.newVersion(tx.fileId(owner, "f.bin", T0), 100, "f".repeat(64), 100, 1, 2, 0, T0,
                    T0.plusHours(1));
            tx.addPlanPeer(v.id(), 0, s1, 100);
            tx.addPlanPeer(v.id(), 1, s2, 100);
            // S3's copy came from a repair: a row of its own, outside the rule's slots.
            tx.addPlanPeer(v.id(), (int) -s3, s3, 100);
            tx.addChunk(v, 0, 100, SUM);
            for (long holder : List.of(s1, s2, s3)) {
                tx.storeReplica(v, 0, holder, 100, SUM, T0);
            }
            tx.complete(v.id(), "f".repeat(64), T0);
            return v.id();
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theCopyOfThePeerBackFromDeadIsReleasedAfterTheGraceAndItsSpaceFreedOnce() {
        OffsetDateTime t1 = T0.plusMinutes(5);
        registry.setState(s2, PeerState.ALIVE, PeerState.DEAD, T0.plusMinutes(1));
        registry.revive(s2, t1);

        assertEquals(1, tasks.queueSurplus(t1, t1.plus(GRACE), 64));
        assertEquals(0, tasks.queueSurplus(t1, t1.plus(GRACE), 64), "one release per chunk at a time");
        assertEquals(List.of(), tasks.due(t1.plus(GRACE).minusSeconds(1), 64), "not before the grace");
        List<ChunkTask> due = tasks.due(t1.plus(GRACE), 64);
        assertEquals(1, due.size());
        ChunkTask release = due.get(0);
        assertEquals(ChunkTaskKind.RELEASE_COPY, release.kind());
        assertEquals(s2, release.peerId(), "the peer that came back, though all have as much room");
        assertTrue(tasks.wanted(release));

        tasks.copyReleased(release);
        assertEquals(0, committed(s2));
        assertEquals(100, committed(s1));
        assertEquals(0L, reserved(s2));
        VersionRow v = new BackupStore(db).transaction(tx -> tx.version(versionId)).orElseThrow();
        assertEquals(2, v.copiesGood());
        assertEquals(1, v.chunksFull());
        assertFalse(db.dsl().fetchExists(REPLICA, REPLICA.PEER_ID.eq(s2)));
        assertEquals(0, tasks.queueSurplus(t1, t1.plus(GRACE), 64), "two copies, as wanted");
    }

    @Test
    void withNobodyBackTheCopyOnTheFullestPeerIsReleased() {
        db.dsl().update(PEER).set(PEER.CAPACITY, 500L).where(PEER.ID.eq(s3)).execute();
        assertEquals(1, tasks.queueSurplus(T0, T0, 64));
        assertEquals(s3, tasks.due(T0, 64).get(0).peerId());
    }

    // Meanwhile another holder died, or went silent and may have: the released copy may be
    // one of only two there are, no more than wanted.
    @ParameterizedTest
    @EnumSource(value = PeerState.class, names = {"DEAD", "STALE"})
    void aReleaseWhoseReasonHasPassedIsDroppedWhenItsTurnComes(PeerState otherHolder) {
        assertEquals(1, tasks.queueSurplus(T0, T0.plus(GRACE), 64));
        ChunkTask release = tasks.due(T0.plus(GRACE), 64).get(0);
        long other = release.peerId() == s1 ? s2 : s1;
        registry.setState(other, PeerState.ALIVE, otherHolder, T0.plusMinutes(3));
        assertFalse(tasks.wanted(release));
        assertEquals(List.of(), tasks.due(T0.plus(GRACE), 64), "dropped");
    }

    @Test
    void noCopyIsReleasedWhileAnotherHolderIsOnlyStale() {
        // S3 has been silent a while: it may be dead already, so S1's and S2's copies may be
        // the only two there are.
        registry.setState(s3, PeerState.ALIVE, PeerState.STALE, T0.plusSeconds(20));
        assertEquals(0, tasks.queueSurplus(T0, T0, 64));
        registry.revive(s3, T0.plusSeconds(25));
        assertEquals(1, tasks.queueSurplus(T0, T0, 64), "all three ALIVE: one is surplus");
    }

    @Test
    void theRequestsOfAPeerThatIsGoneAreDroppedNotSent() {
        assertEquals(1, tasks.queueSurplus(T0, T0, 64));
        long holder = tasks.due(T0, 64).get(0).peerId();
        new ChunkTaskQueue(db.dsl()).releaseOrphan(holder, "d".repeat(64), T0, T0, T0);
        // It left with these requests queued (queued while it was leaving, or by an older server).
        registry.transaction(tx -> {
            tx.markGone(holder, true, T0.plusMinutes(1));
            return null;
        });
        assertEquals(List.of(), tasks.due(T0.plusMinutes(2), 64));
        assertFalse(db.dsl().fetchExists(CHUNK_TASK, CHUNK_TASK.PEER_ID.eq(holder)), "dropped, not retried");
    }

    @Test
    void anOrphanReleaseIsDroppedOnceAPlacementNeedsItsChecksum() {
        new ChunkTaskQueue(db.dsl()).releaseOrphan(s1, SUM, T0, T0, T0);
        new ChunkTaskQueue(db.dsl()).releaseOrphan(s1, "d".repeat(64), T0, T0, T0);
        List<ChunkTask> due = tasks.due(T0, 64);
        assertEquals(2, due.size());
        for (ChunkTask orphan : due) {
            // S1 holds SUM by the plan's rule: that release is no orphan's.
            assertEquals(!orphan.checksum().equals(SUM), tasks.wanted(orphan), orphan.checksum());
        }
    }

    private long peer(String name, Role role, long capacity) {
        return StoreFixtures.peer(registry, name, role, capacity);
    }

    private long committed(long peerId) {
        return db.dsl().select(PEER.COMMITTED_BYTES).from(PEER).where(PEER.ID.eq(peerId))
                .fetchSingle(PEER.COMMITTED_BYTES);
    }

    private Long reserved(long peerId) {
        return db.dsl().select(PLAN_PEER.RESERVED_BYTES).from(PLAN_PEER)
                .where(PLAN_PEER.FILE_VERSION_ID.eq(versionId), PLAN_PEER.PEER_ID.eq(peerId))
                .fetchSingle(PLAN_PEER.RESERVED_BYTES);
    }
}
