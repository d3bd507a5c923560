package p2pbrs.peer;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.CHUNK_TASK;
import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.INVENTORY_SCAN;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.REPLICA;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import p2pbrs.protocol.InventoryItem;
import p2pbrs.store.BackupStore;
import p2pbrs.store.ChunkTaskKind;
import p2pbrs.store.Database;
import p2pbrs.store.InventoryTx;
import p2pbrs.store.PeerState;
import p2pbrs.store.ReplicaState;
import p2pbrs.store.VersionState;
import p2pbrs.testing.CounterAudit;

/**
 * A server's database read beside it (H2 lets one process open a database its server has
 * open), for what tests check the server believes: the copies it records, the space it
 * counts. Also plays an older copy of the database, for a stopped server.
 */
final class ServerRecords implements AutoCloseable {
    private final Database database;

    ServerRecords(Path db) {
        this.database = Database.open(db, Database.Kind.SERVER, 2);
    }

    /** Each counter kept in step with the copies that differs from its count (CounterAudit). */
    List<String> counterMismatches() {
        return CounterAudit.mismatches(dsl());
    }

    /** What storage peers know a version of a file by (any owner's file of that name). */
    String chunkName(String file, int version) {
        return dsl().select(FILE_VERSION.CHUNK_NAME).from(FILE_VERSION).join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                .where(FILE.NAME.eq(file), FILE_VERSION.VERSION.eq(version)).fetchSingle(FILE_VERSION.CHUNK_NAME);
    }

    /** The state of each copy the server records on a peer, by checksum. */
    Map<String, ReplicaState> copiesOn(String peer) {
        Map<String, ReplicaState> copies = new TreeMap<>();
        dsl().select(REPLICA.CHECKSUM, REPLICA.STATE).from(REPLICA).join(PEER).on(PEER.ID.eq(REPLICA.PEER_ID))
                .where(PEER.NAME.eq(peer))
                .forEach(r -> copies.put(r.value1(), r.value2()));
        return copies;
    }

    /** For every chunk of a complete version, how many STORED good copies live peers hold. */
    List<Integer> liveGoodCopies() {
        Field<Integer> live = DSL.field(dsl().selectCount().from(REPLICA).join(PEER).on(PEER.ID.eq(REPLICA.PEER_ID))
                .where(REPLICA.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID), REPLICA.CHUNK_IDX.eq(CHUNK.IDX),
                        REPLICA.CHECKSUM.eq(CHUNK.CHECKSUM), REPLICA.STATE.eq(ReplicaState.STORED),
                        PEER.STATE.in(PeerState.ALIVE, PeerState.STALE)));
        return new ArrayList<>(dsl().select(live).from(CHUNK).join(FILE_VERSION)
                .on(FILE_VERSION.ID.eq(CHUNK.FILE_VERSION_ID))
                .where(FILE_VERSION.STATE.eq(VersionState.COMPLETE))
                .fetch(live));
    }

    /** What the server counts against a peer's capacity. */
    long committed(String peer) {
        return dsl().select(PEER.COMMITTED_BYTES).from(PEER).where(PEER.NAME.eq(peer))
                .fetchSingle(PEER.COMMITTED_BYTES);
    }

    /** The checksums of the requests of one kind queued for a peer, sorted, each as often as it is queued. */
    List<String> tasksFor(String peer, ChunkTaskKind kind) {
        return dsl().select(CHUNK_TASK.CHECKSUM).from(CHUNK_TASK).join(PEER).on(PEER.ID.eq(CHUNK_TASK.PEER_ID))
                .where(PEER.NAME.eq(peer), CHUNK_TASK.KIND.eq(kind))
                .orderBy(CHUNK_TASK.CHECKSUM)
                .fetch(CHUNK_TASK.CHECKSUM);
    }

    /** How many inventories of a peer the server holds: being received, or whole and not reconciled yet. */
    int inventoriesOf(String peer) {
        return dsl().fetchCount(dsl().selectOne().from(INVENTORY_SCAN).join(PEER).on(PEER.ID.eq(INVENTORY_SCAN.PEER_ID))
                .where(PEER.NAME.eq(peer)));
    }

    /**
     * Records a whole inventory of a peer listing these checksums, not reconciled: what a
     * server stopped right after the page that completed it leaves.
     */
    void leaveWholeInventory(String peer, String scanId, String... checksums) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long peerId = dsl().select(PEER.ID).from(PEER).where(PEER.NAME.eq(peer)).fetchSingle(PEER.ID);
        new BackupStore(database).transaction(tx -> {
            InventoryTx inventory = tx.inventory();
            long scan = inventory.scan(peerId, scanId, 1, now, now).orElseThrow();
            return inventory.addPage(scan, 0, Stream.of(checksums).map(c -> new InventoryItem(c, false)).toList());
        });
    }

    /**
     * Takes the lock of every version of a file, as a request changing one does, and holds it
     * in a transaction of its own until the returned handle is closed: what makes the
     * server's own work on those versions wait.
     */
    AutoCloseable holdVersionsOf(String file) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(() -> database.transaction(tx -> {
            tx.select(FILE_VERSION.ID).from(FILE_VERSION)
                    .where(FILE_VERSION.FILE_ID.in(DSL.select(FILE.ID).from(FILE).where(FILE.NAME.eq(file))))
                    .forUpdate().fetch();
            held.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }), "test-version-lock");
        holder.setDaemon(true);
        holder.start();
        if (!held.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the versions of " + file + " could not be locked");
        }
        return () -> {
            done.countDown();
            holder.join();
        };
    }

    /**
     * Forgets every copy recorded on a peer, counters recomputed as if they never were: what
     * a copy of the database taken before the peer acknowledged them would hold.
     */
    void forgetCopiesOn(String peer) {
        DSLContext dsl = dsl();
        dsl.deleteFrom(REPLICA).where(REPLICA.PEER_ID.in(DSL.select(PEER.ID).from(PEER).where(PEER.NAME.eq(peer))))
                .execute();
        // The counters, as the migrations that made them compute them from the copies.
        dsl.execute("UPDATE chunk c SET good_copies = (SELECT COUNT(*) FROM replica r WHERE r.file_version_id = "
                + "c.file_version_id AND r.chunk_idx = c.idx AND r.state = 'STORED' AND r.checksum = c.checksum), "
                + "live_copies = (SELECT COUNT(*) FROM replica r JOIN peer p ON p.id = r.peer_id "
                + "WHERE r.file_version_id = c.file_version_id AND r.chunk_idx = c.idx AND r.state = 'STORED' "
                + "AND r.checksum = c.checksum AND p.state IN ('ALIVE', 'STALE'))");
        dsl.execute("UPDATE file_version v SET "
                + "chunks_stored = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id "
                + "AND c.good_copies > 0), "
                + "chunks_full = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id "
                + "AND c.good_copies >= v.replicas), "
                + "copies_good = (SELECT COALESCE(SUM(c.good_copies), 0) FROM chunk c WHERE c.file_version_id = v.id), "
                + "chunks_live = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id AND c.live_copies > 0), "
                + "chunks_live_full = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id "
                + "AND c.live_copies >= v.replicas), "
                + "stored_copies = (SELECT COUNT(*) FROM replica r WHERE r.file_version_id = v.id "
                + "AND r.state = 'STORED'), "
                + "stored_bytes = (SELECT COALESCE(SUM(r.size), 0) FROM replica r WHERE r.file_version_id = v.id "
                + "AND r.state = 'STORED')");
        dsl.execute("UPDATE peer p SET "
                + "stored_copies = (SELECT COUNT(*) FROM replica r WHERE r.peer_id = p.id AND r.state = 'STORED'), "
                + "stored_bytes = (SELECT COALESCE(SUM(r.size), 0) FROM replica r WHERE r.peer_id = p.id "
                + "AND r.state = 'STORED')");
    }

    private DSLContext dsl() {
        return database.dsl();
    }

    @Override
    public void close() {
        database.close();
    }
}
