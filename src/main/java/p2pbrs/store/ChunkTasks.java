package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.CHUNK_TASK;
import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.REPAIR_TASK;
import static p2pbrs.db.server.Tables.REPLICA;

import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import p2pbrs.db.server.tables.Peer;

/**
 * The queue of requests about single chunks the server has storage peers carry out (ADOPT,
 * RELEASE_COPY, RELEASE_ORPHAN), and what each answer records: a copy adopted is counted,
 * a copy released stops counting against its peer, in the transaction that ends the task.
 * Also finds the chunks that have more copies on ALIVE peers than they want, and queues
 * the release of one of them. docs/protocol.md, "Inventory and reconciliation".
 */
public final class ChunkTasks {
    private final Database database;

    public ChunkTasks(Database database) {
        this.database = database;
    }

    /**
     * Tasks whose time to try has come, oldest first, with all it takes to send them. Those
     * of a peer that is gone are dropped instead: it answers nothing any more and deletes
     * what it held, and a task left behind would be retried for ever and keep its row from
     * being pruned.
     */
    public List<ChunkTask> due(OffsetDateTime now, int limit) {
        database.dsl().deleteFrom(CHUNK_TASK)
                .where(CHUNK_TASK.NEXT_ATTEMPT_AT.le(now), CHUNK_TASK.PEER_ID.in(DSL.select(PEER.ID).from(PEER)
                        .where(PEER.STATE.eq(PeerState.GONE))))
                .execute();
        Peer storage = PEER.as("storage");
        Peer owner = PEER.as("owner");
        return database.dsl()
                .select(CHUNK_TASK.ID, CHUNK_TASK.KIND, CHUNK_TASK.PEER_ID, storage.IP, storage.UDP_PORT,
                        PEER_SECRET.SEALED_TICKET_KEY, CHUNK_TASK.CHECKSUM, CHUNK_TASK.STORED_BEFORE,
                        CHUNK_TASK.FILE_VERSION_ID, CHUNK_TASK.CHUNK_IDX, owner.PUBLIC_ID, FILE_VERSION.CHUNK_NAME,
                        FILE_VERSION.VERSION, CHUNK.SIZE, FILE_VERSION.SIZE, FILE_VERSION.CHUNK_COUNT,
                        CHUNK_TASK.ATTEMPTS)
                .from(CHUNK_TASK)
                .join(storage).on(storage.ID.eq(CHUNK_TASK.PEER_ID))
                .join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(storage.ID))
                .leftJoin(FILE_VERSION).on(FILE_VERSION.ID.eq(CHUNK_TASK.FILE_VERSION_ID))
                .leftJoin(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                .leftJoin(owner).on(owner.ID.eq(FILE.OWNER_PEER_ID))
                .leftJoin(CHUNK).on(CHUNK.FILE_VERSION_ID.eq(CHUNK_TASK.FILE_VERSION_ID),
                        CHUNK.IDX.eq(CHUNK_TASK.CHUNK_IDX))
                .where(CHUNK_TASK.NEXT_ATTEMPT_AT.le(now), PEER_SECRET.SEALED_TICKET_KEY.isNotNull(),
                        storage.STATE.ne(PeerState.GONE))
                .orderBy(CHUNK_TASK.NEXT_ATTEMPT_AT, CHUNK_TASK.ID)
                .limit(limit)
                .fetch(r -> new ChunkTask(r.get(CHUNK_TASK.ID), r.get(CHUNK_TASK.KIND), r.get(CHUNK_TASK.PEER_ID),
                        r.get(storage.IP), r.get(storage.UDP_PORT), r.get(PEER_SECRET.SEALED_TICKET_KEY),
                        r.get(CHUNK_TASK.CHECKSUM), r.get(CHUNK_TASK.STORED_BEFORE),
                        r.get(CHUNK.SIZE) == null ? null : new ChunkTask.Copy(r.get(CHUNK_TASK.FILE_VERSION_ID),
                                r.get(CHUNK_TASK.CHUNK_IDX), r.get(owner.PUBLIC_ID), r.get(FILE_VERSION.CHUNK_NAME),
                                r.get(FILE_VERSION.VERSION), r.get(CHUNK.SIZE), r.get(FILE_VERSION.SIZE),
                                r.get(FILE_VERSION.CHUNK_COUNT)),
                        r.get(CHUNK_TASK.ATTEMPTS)));
    }

    /**
     * Whether the task is still worth sending, checked again just before it goes out (a
     * release has waited its grace since it was queued, and much may have changed). One that
     * is not is dropped: an adopt for a version no longer live, a copy release for a chunk
     * no longer over its count, an orphan release for a checksum a placement needs now.
     */
    public boolean wanted(ChunkTask task) {
        return database.transaction(dsl -> {
            boolean wanted = switch (task.kind()) {
                case ADOPT -> task.copy() != null && chunkIs(dsl, task, EnumSet.of(VersionState.PENDING,
                        VersionState.COMPLETE));
                case RELEASE_COPY -> task.copy() != null && chunkIs(dsl, task, EnumSet.of(VersionState.COMPLETE))
                        && surplusHolder(dsl, task);
                case RELEASE_ORPHAN -> PeerPlacements.needed(dsl, task.peerId(), List.of(task.checksum())).isEmpty();
            };
            if (!wanted) {
                delete(dsl, task);
            }
            return wanted;
        });
    }

    // The task's chunk still has the task's checksum, in a version in one of these states.
    private static boolean chunkIs(DSLContext dsl, ChunkTask task, EnumSet<VersionState> states) {
        return dsl.fetchExists(dsl.selectOne().from(CHUNK)
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(CHUNK.FILE_VERSION_ID))
                .where(CHUNK.FILE_VERSION_ID.eq(task.copy().versionId()), CHUNK.IDX.eq(task.copy().idx()),
                        CHUNK.CHECKSUM.eq(task.checksum()), FILE_VERSION.STATE.in(states)));
    }

    // The peer is ALIVE, holds a good copy, and the chunk has at least the copies it wants on
    // other ALIVE peers: the copy released is gone for good, and a STALE peer's may be too.
    private static boolean surplusHolder(DSLContext dsl, ChunkTask task) {
        ChunkTask.Copy c = task.copy();
        boolean holds = dsl.fetchExists(dsl.selectOne().from(REPLICA).join(PEER).on(PEER.ID.eq(REPLICA.PEER_ID))
                .where(REPLICA.FILE_VERSION_ID.eq(c.versionId()), REPLICA.CHUNK_IDX.eq(c.idx()),
                        REPLICA.PEER_ID.eq(task.peerId()), REPLICA.STATE.eq(ReplicaState.STORED),
                        REPLICA.CHECKSUM.eq(task.checksum()), PEER.STATE.eq(PeerState.ALIVE)));
        int others = dsl.fetchCount(REPLICA, RepairStore.aliveGoodCopyOf(DSL.val(c.versionId()), DSL.val(c.idx()),
                DSL.val(task.checksum())).and(REPLICA.PEER_ID.ne(task.peerId())));
        int wanted = dsl.select(FILE_VERSION.REPLICAS).from(FILE_VERSION).where(FILE_VERSION.ID.eq(c.versionId()))
                .fetchSingle(FILE_VERSION.REPLICAS);
        return holds && others >= wanted;
    }

    /** The peer did not answer, or refused for now: try again at this time. */
    public void later(ChunkTask task, OffsetDateTime next) {
        database.dsl().update(CHUNK_TASK)
                .set(CHUNK_TASK.ATTEMPTS, CHUNK_TASK.ATTEMPTS.plus(1))
                .set(CHUNK_TASK.NEXT_ATTEMPT_AT, next)
                .where(CHUNK_TASK.ID.eq(task.id()))
                .execute();
    }

    /**
     * The peer indexed its file as the chunk (ADOPTED): the copy is recorded STORED, counters
     * in step, if the version is still live and the chunk still has that checksum.
     */
    public void adopted(ChunkTask task, OffsetDateTime now) {
        database.transaction(dsl -> {
            BackupTx tx = new BackupTx(dsl);
            ChunkTask.Copy c = task.copy();
            Optional<VersionRow> v = tx.version(c.versionId())
                    .filter(row -> row.state() == VersionState.PENDING || row.state() == VersionState.COMPLETE);
            if (v.isPresent() && tx.chunkChecksum(c.versionId(), c.idx()).filter(task.checksum()::equals).isPresent()) {
                tx.storeReplica(v.get(), c.idx(), task.peerId(), c.size(), task.checksum(), now);
                if (tx.repairQueued(c.versionId(), c.idx(), task.peerId())) {
                    tx.repairDone(c.versionId(), c.idx(), now);
                }
            }
            delete(dsl, task);
            return null;
        });
    }

    /** The peer holds no such chunk after all (ADOPT-DENIED): a copy counted there is lost. */
    public void notAdopted(ChunkTask task, OffsetDateTime now) {
        database.transaction(dsl -> {
            BackupTx tx = new BackupTx(dsl);
            ChunkTask.Copy c = task.copy();
            tx.version(c.versionId()).ifPresent(v -> tx.loseReplica(v, c.idx(), task.peerId(), now));
            delete(dsl, task);
            return null;
        });
    }

    /**
     * The peer released its copy (COPY_RELEASED): the copy row goes, and its bytes stop
     * counting against the peer, once, in the version's plan row and the peer's total.
     */
    public void copyReleased(ChunkTask task) {
        database.transaction(dsl -> {
            BackupTx tx = new BackupTx(dsl);
            ChunkTask.Copy c = task.copy();
            tx.version(c.versionId()).ifPresent(v -> tx.dropReplica(v, c.idx(), task.peerId()));
            Long reserved = dsl.select(PLAN_PEER.RESERVED_BYTES).from(PLAN_PEER)
                    .where(PLAN_PEER.FILE_VERSION_ID.eq(c.versionId()), PLAN_PEER.PEER_ID.eq(task.peerId()),
                            PLAN_PEER.RELEASED_AT.isNull())
                    .forUpdate()
                    .fetchOne(PLAN_PEER.RESERVED_BYTES);
            if (reserved != null) {
                long freed = Math.min(reserved, c.size());
                dsl.update(PLAN_PEER).set(PLAN_PEER.RESERVED_BYTES, PLAN_PEER.RESERVED_BYTES.minus(freed))
                        .where(PLAN_PEER.FILE_VERSION_ID.eq(c.versionId()), PLAN_PEER.PEER_ID.eq(task.peerId()))
                        .execute();
                dsl.update(PEER).set(PEER.COMMITTED_BYTES, PEER.COMMITTED_BYTES.minus(freed))
                        .where(PEER.ID.eq(task.peerId())).execute();
            }
            delete(dsl, task);
            return null;
        });
    }

    /** The peer released what nobody needed (ORPHAN_RELEASED): nothing was counted for it. */
    public void orphanReleased(ChunkTask task) {
        delete(database.dsl(), task);
    }

    private static void delete(DSLContext dsl, ChunkTask task) {
        dsl.deleteFrom(CHUNK_TASK).where(CHUNK_TASK.ID.eq(task.id())).execute();
    }

    /**
     * Queues, for chunks of complete versions with more good copies on ALIVE peers than they
     * want, the release of one copy each (at releaseAt), at most limit of them; returns how
     * many. A STALE holder's copy is not counted (it may be dead already, and the copy
     * released is gone for good): the chunk waits until it is heard from again. Of the ALIVE
     * holders, the copy released is the one on the peer that came back from DEAD most
     * recently (the chunk had been copied again without it), then on the one with the least
     * free room. Cheap: only chunks whose count of good copies, live or not, is over what
     * their version wants are looked at, and one release per chunk is under way at a time.
     */
    public int queueSurplus(OffsetDateTime now, OffsetDateTime releaseAt, int limit) {
        return database.transaction(dsl -> {
            Field<Integer> alive = DSL.field(dsl.selectCount().from(REPLICA)
                    .where(RepairStore.aliveGoodCopyOf(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.CHECKSUM)))
                    .as("alive");
            var candidates = dsl.select(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.CHECKSUM, FILE_VERSION.REPLICAS, alive)
                    .from(CHUNK).join(FILE_VERSION).on(FILE_VERSION.ID.eq(CHUNK.FILE_VERSION_ID))
                    .where(FILE_VERSION.STATE.eq(VersionState.COMPLETE), CHUNK.GOOD_COPIES.gt(FILE_VERSION.REPLICAS))
                    .andNotExists(dsl.selectOne().from(CHUNK_TASK).where(CHUNK_TASK.KIND.eq(ChunkTaskKind.RELEASE_COPY),
                            CHUNK_TASK.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID), CHUNK_TASK.CHUNK_IDX.eq(CHUNK.IDX)))
                    .andNotExists(dsl.selectOne().from(REPAIR_TASK).where(
                            REPAIR_TASK.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID), REPAIR_TASK.CHUNK_IDX.eq(CHUNK.IDX)))
                    .asTable("s");
            Field<Integer> aliveField = candidates.field("alive", Integer.class);
            ChunkTaskQueue queue = new ChunkTaskQueue(dsl);
            int queued = 0;
            for (Record r : dsl.selectFrom(candidates)
                    .where(aliveField.gt(candidates.field(FILE_VERSION.REPLICAS)))
                    .limit(limit)
                    .fetch()) {
                long versionId = r.get(candidates.field(CHUNK.FILE_VERSION_ID));
                int idx = r.get(candidates.field(CHUNK.IDX));
                String checksum = r.get(candidates.field(CHUNK.CHECKSUM));
                Optional<Long> holder = dsl.select(REPLICA.PEER_ID).from(REPLICA)
                        .join(PEER).on(PEER.ID.eq(REPLICA.PEER_ID))
                        .where(REPLICA.FILE_VERSION_ID.eq(versionId), REPLICA.CHUNK_IDX.eq(idx),
                                REPLICA.STATE.eq(ReplicaState.STORED), REPLICA.CHECKSUM.eq(checksum),
                                PEER.STATE.eq(PeerState.ALIVE))
                        .orderBy(PEER.RETURNED_AT.desc().nullsLast(), PEER.CAPACITY.minus(PEER.COMMITTED_BYTES),
                                PEER.NAME_KEY)
                        .limit(1)
                        .fetchOptional(REPLICA.PEER_ID);
                if (holder.isPresent() && queue.releaseCopy(holder.get(), checksum, versionId, idx, now, releaseAt)) {
                    queued++;
                }
            }
            return queued;
        });
    }
}
