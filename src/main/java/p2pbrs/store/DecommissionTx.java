package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.CHUNK_TASK;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.RELEASE_TASK;
import static p2pbrs.db.server.Tables.REPAIR_TASK;
import static p2pbrs.db.server.Tables.REPLICA;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import p2pbrs.db.server.tables.Replica;

/** A peer leaving, inside one transaction: what holds it back, its decommissioning, and the release of what it held. */
public final class DecommissionTx {
    private final DSLContext dsl;

    DecommissionTx(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** The registry, in this same transaction (who is asking, the request log). */
    public RegistryTx registry() {
        return new RegistryTx(dsl);
    }

    /**
     * What keeps a peer from leaving: copies still to be made elsewhere of the chunks it holds
     * good copies of (for each such chunk of a complete version, the copies it wants minus
     * those on other ALIVE peers: a STALE one may be dead already, and the leaving peer's
     * copies are deleted for good), and backups under way whose plans place chunks on it
     * (they complete, and are then counted like any other, or expire and are released).
     */
    public record Progress(long copiesLeft, int pendingBackups) {
        /** Nothing it holds is needed any more: it may go. */
        public boolean done() {
            return copiesLeft == 0 && pendingBackups == 0;
        }
    }

    public Progress progress(long peerId) {
        Replica mine = REPLICA.as("mine");
        Field<Integer> elsewhere = DSL.field(dsl.selectCount().from(REPLICA)
                .where(RepairStore.aliveGoodCopyOf(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.CHECKSUM)
                        .and(REPLICA.PEER_ID.ne(peerId))));
        BigDecimal left = dsl.select(DSL.sum(DSL.greatest(DSL.inline(0), FILE_VERSION.REPLICAS.minus(elsewhere))))
                .from(mine)
                .join(CHUNK).on(CHUNK.FILE_VERSION_ID.eq(mine.FILE_VERSION_ID), CHUNK.IDX.eq(mine.CHUNK_IDX),
                        CHUNK.CHECKSUM.eq(mine.CHECKSUM))
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(mine.FILE_VERSION_ID))
                .where(mine.PEER_ID.eq(peerId), mine.STATE.eq(ReplicaState.STORED),
                        FILE_VERSION.STATE.eq(VersionState.COMPLETE))
                .fetchOne(0, BigDecimal.class);
        int pending = dsl.fetchCount(dsl.selectOne().from(PLAN_PEER)
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(PLAN_PEER.FILE_VERSION_ID))
                .where(PLAN_PEER.PEER_ID.eq(peerId), PLAN_PEER.RELEASED_AT.isNull(),
                        FILE_VERSION.STATE.eq(VersionState.PENDING)));
        return new Progress(left == null ? 0 : left.longValue(), pending);
    }

    /**
     * The peer is leaving, from now on (a repeated call keeps the first time): DECOMMISSIONING,
     * even if it was DEAD, since it just spoke; and copies on their way to it are given up,
     * so that another target is chosen for them.
     */
    public void decommission(long peerId, OffsetDateTime now) {
        PeerChanges.changed();
        PeerState before = dsl.select(PEER.STATE).from(PEER).where(PEER.ID.eq(peerId)).forUpdate()
                .fetchOptional(PEER.STATE).orElse(PeerState.GONE);
        dsl.update(PEER)
                .set(PEER.STATE, PeerState.DECOMMISSIONING)
                .set(PEER.DECOMMISSION_STARTED_AT, DSL.coalesce(PEER.DECOMMISSION_STARTED_AT, DSL.val(now)))
                .set(PEER.UPDATED_AT, now)
                .set(PEER.LAST_SEEN_AT, DSL.greatest(PEER.LAST_SEEN_AT, DSL.val(now)))
                .where(PEER.ID.eq(peerId), PEER.STATE.ne(PeerState.GONE))
                .execute();
        if (before != PeerState.GONE) {
            new CopyCounters(dsl).holderChanged(peerId, before, PeerState.DECOMMISSIONING);
        }
        dsl.deleteFrom(REPAIR_TASK).where(REPAIR_TASK.TARGET_PEER_ID.eq(peerId)).execute();
    }

    /**
     * Releases everything the peer held, as a confirmed RELEASE of each version would: its
     * copies stop counting (the counters of their versions kept in step), every plan's
     * reservation on it is freed, and nothing is to be released from it, asked of it about
     * a single chunk, or copied from or to it any more. It is about to delete every chunk it
     * holds.
     */
    public void releaseAll(long peerId, OffsetDateTime now) {
        CopyCounters counters = new CopyCounters(dsl);
        counters.holderEmptied(peerId, counters.lockHolder(peerId));
        dsl.deleteFrom(REPLICA).where(REPLICA.PEER_ID.eq(peerId)).execute();

        BigDecimal reserved = dsl.select(DSL.sum(PLAN_PEER.RESERVED_BYTES)).from(PLAN_PEER)
                .where(PLAN_PEER.PEER_ID.eq(peerId), PLAN_PEER.RELEASED_AT.isNull())
                .fetchOne(0, BigDecimal.class);
        dsl.update(PLAN_PEER).set(PLAN_PEER.RELEASED_AT, now)
                .where(PLAN_PEER.PEER_ID.eq(peerId), PLAN_PEER.RELEASED_AT.isNull()).execute();
        if (reserved != null) {
            dsl.update(PEER).set(PEER.COMMITTED_BYTES, PEER.COMMITTED_BYTES.minus(reserved.longValue()))
                    .where(PEER.ID.eq(peerId)).execute();
        }
        dsl.deleteFrom(RELEASE_TASK).where(RELEASE_TASK.PEER_ID.eq(peerId)).execute();
        dsl.deleteFrom(CHUNK_TASK).where(CHUNK_TASK.PEER_ID.eq(peerId)).execute();
        dsl.deleteFrom(REPAIR_TASK)
                .where(REPAIR_TASK.SOURCE_PEER_ID.eq(peerId).or(REPAIR_TASK.TARGET_PEER_ID.eq(peerId))).execute();
    }
}
