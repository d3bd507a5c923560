package p2pbrs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.db.server.Tables.CHUNK_TASK;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/**
 * A storage peer leaving, in the server's database, at times the test chooses: when it may
 * go, and what its going leaves behind. One chunk wants one copy; D, which is leaving,
 * holds it by the plan, B by a repair.
 */
class DecommissionTxTest {
    private static final String SUM = StoreFixtures.SUM;
    private static final OffsetDateTime T0 = StoreFixtures.T0;

    @TempDir
    Path dir;

    private Database db;
    private RegistryStore registry;
    private DecommissionStore departures;
    private long d;
    private long b;

    @BeforeEach
    void oneChunkOnTheLeavingPeerAndOneOther() {
        db = Database.open(dir.resolve("server"), Database.Kind.SERVER, 4);
        registry = new RegistryStore(db);
        departures = new DecommissionStore(db);
        long owner = peer("Ola", Role.OWNER);
        d = peer("D", Role.STORAGE);
        b = peer("B", Role.STORAGE);
        new BackupStore(db).transaction(tx -> {
            VersionRow v = tx.newVersion(tx.fileId(owner, "f.bin", T0), 100, "f".repeat(64), 100, 1, 1, 0, T0,
                    T0.plusHours(1));
            tx.addPlanPeer(v.id(), 0, d, 100);
            tx.addPlanPeer(v.id(), (int) -b, b, 100);
            tx.addChunk(v, 0, 100, SUM);
            tx.storeReplica(v, 0, d, 100, SUM, T0);
            tx.storeReplica(v, 0, b, 100, SUM, T0);
            tx.complete(v.id(), "f".repeat(64), T0);
            return null;
        });
        departures.transaction(tx -> {
            tx.decommission(d, T0);
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theLeavingPeerWaitsWhileTheOtherCopyIsOnAPeerThatMayBeDead() {
        registry.setState(b, PeerState.ALIVE, PeerState.STALE, T0.plusSeconds(20));
        DecommissionTx.Progress stale = departures.transaction(tx -> tx.progress(d));
        assertEquals(1, stale.copiesLeft(), "a STALE peer may be dead already: its copy cannot stand for D's");
        assertFalse(stale.done());

        registry.setState(b, PeerState.STALE, PeerState.DEAD, T0.plusSeconds(60));
        assertEquals(1, departures.transaction(tx -> tx.progress(d)).copiesLeft());

        registry.revive(b, T0.plusSeconds(70));
        assertTrue(departures.transaction(tx -> tx.progress(d)).done(), "B is ALIVE: its copy is there");
    }

    @Test
    void aPeerThatLeavesTakesItsChunkRequestsWithItAndIsThenPruned() {
        // A peer that held only a loose file nobody claimed: an orphan release is queued for it.
        long loose = peer("Loose", Role.STORAGE);
        new ChunkTaskQueue(db.dsl()).releaseOrphan(loose, "d".repeat(64), T0, T0, T0.plusMinutes(10));

        departures.transaction(tx -> {
            assertTrue(tx.progress(loose).done(), "it holds nothing anybody needs");
            tx.releaseAll(loose, T0.plusMinutes(1));
            tx.registry().markGone(loose, tx.registry().ownsOrHolds(loose), T0.plusMinutes(1));
            return null;
        });
        assertFalse(db.dsl().fetchExists(CHUNK_TASK, CHUNK_TASK.PEER_ID.eq(loose)), "nothing is asked of it any more");
        assertEquals(1, registry.pruneGonePeers(T0.plusMinutes(2), 10), "and nothing keeps its row");
    }

    private long peer(String name, Role role) {
        return StoreFixtures.peer(registry, name, role, role == Role.OWNER ? 0 : 1000);
    }
}
