package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.REPLICA;

import java.math.BigDecimal;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The one place that keeps the copy counters in step with the {@code replica} rows and the
 * holders' states (docs/schema.md, "Counters"): per peer its STORED copies and bytes; per
 * chunk its good copies and its live ones (good, on an ALIVE or STALE holder); per version
 * its STORED copies and bytes and the chunks with a good, a live, every wanted good and
 * every wanted live copy. Planning, BACKUP_DONE and the reports read these instead of
 * summing placements.
 *
 * <p>Locks, so that a copy and its holder's change of state never miss each other: a change
 * to one copy takes its holder's row, then its version's; a holder's change of state has
 * its row locked by the UPDATE that changes it, then takes the versions it holds copies of,
 * in id order. Both orders agree, and the database retries what a deadlock still aborts.
 */
final class CopyCounters {
    /** A copy as its row says, before or after a change; null where there is no row. */
    record Copy(ReplicaState state, long size, String checksum) {
        boolean stored() {
            return state == ReplicaState.STORED;
        }

        /** STORED with the checksum the owner reported (once it has). */
        boolean good(String reference) {
            return stored() && reference != null && reference.equals(checksum);
        }
    }

    /** A chunk's row as read before a change to one of its copies: the owner's checksum and its counts. */
    record Chunk(String checksum, int good, int live) {
    }

    private final DSLContext dsl;

    CopyCounters(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Locks the holder's row and says whether its copies count now. Called before the
     * version's lock by every change to one of its copies.
     */
    boolean lockHolder(long peerId) {
        PeerState state = dsl.select(PEER.STATE).from(PEER).where(PEER.ID.eq(peerId)).forUpdate()
                .fetchOptional(PEER.STATE).orElse(PeerState.GONE);
        return state.countsCopies();
    }

    /**
     * The chunk's row (null until its checksum has come), read under its version's lock: every
     * change to its counts holds that lock, so what is read here stays true until the change.
     */
    Chunk chunk(long versionId, int idx) {
        return dsl.select(CHUNK.CHECKSUM, CHUNK.GOOD_COPIES, CHUNK.LIVE_COPIES).from(CHUNK)
                .where(CHUNK.FILE_VERSION_ID.eq(versionId), CHUNK.IDX.eq(idx))
                .fetchOne(r -> new Chunk(r.value1(), r.value2(), r.value3()));
    }

    /**
     * One copy changed from {@code before} to {@code after} (null: no row). The caller holds
     * the holder's lock ({@link #lockHolder}, which said whether it counts) and the version's,
     * and read the chunk's row under them ({@link #chunk}; null when there is none).
     */
    void copyChanged(VersionRow version, int idx, long peerId, boolean holderCounts, Chunk chunk,
                     Copy before, Copy after) {
        String reference = chunk == null ? null : chunk.checksum();
        long copies = count(after != null && after.stored()) - count(before != null && before.stored());
        long bytes = (after != null && after.stored() ? after.size() : 0)
                - (before != null && before.stored() ? before.size() : 0);
        if (copies != 0 || bytes != 0) {
            dsl.update(PEER).set(PEER.STORED_COPIES, PEER.STORED_COPIES.plus(copies))
                    .set(PEER.STORED_BYTES, PEER.STORED_BYTES.plus(bytes))
                    .where(PEER.ID.eq(peerId)).execute();
        }
        int good = count(after != null && after.good(reference)) - count(before != null && before.good(reference));
        int[] crossings = good != 0 ? chunkChanged(version, idx, chunk, good, holderCounts ? good : 0) : null;
        if (copies == 0 && bytes == 0 && crossings == null) {
            return;
        }
        // One statement for all of the version's counters: STORE_ACK is the busiest request.
        var update = dsl.update(FILE_VERSION)
                .set(FILE_VERSION.STORED_COPIES, FILE_VERSION.STORED_COPIES.plus(copies))
                .set(FILE_VERSION.STORED_BYTES, FILE_VERSION.STORED_BYTES.plus(bytes));
        if (crossings != null) {
            update = update.set(FILE_VERSION.COPIES_GOOD, FILE_VERSION.COPIES_GOOD.plus(good))
                    .set(FILE_VERSION.CHUNKS_STORED, FILE_VERSION.CHUNKS_STORED.plus(crossings[0]))
                    .set(FILE_VERSION.CHUNKS_FULL, FILE_VERSION.CHUNKS_FULL.plus(crossings[1]))
                    .set(FILE_VERSION.CHUNKS_LIVE, FILE_VERSION.CHUNKS_LIVE.plus(crossings[2]))
                    .set(FILE_VERSION.CHUNKS_LIVE_FULL, FILE_VERSION.CHUNKS_LIVE_FULL.plus(crossings[3]));
        }
        update.where(FILE_VERSION.ID.eq(version.id())).execute();
    }

    /**
     * A chunk's good and live copies changed by these amounts. Returns how the version's
     * chunk counters follow from the chunk's before and after (chunks stored, full, live,
     * live and full: each -1, 0 or +1). Called only for a good copy, so the chunk's row
     * exists (a copy is good only against the checksum it holds).
     */
    private int[] chunkChanged(VersionRow version, int idx, Chunk chunk, int goodDelta, int liveDelta) {
        dsl.update(CHUNK).set(CHUNK.GOOD_COPIES, CHUNK.GOOD_COPIES.plus(goodDelta))
                .set(CHUNK.LIVE_COPIES, CHUNK.LIVE_COPIES.plus(liveDelta))
                .where(CHUNK.FILE_VERSION_ID.eq(version.id()), CHUNK.IDX.eq(idx)).execute();
        int wanted = version.replicas();
        int good = chunk.good() + goodDelta;
        int live = chunk.live() + liveDelta;
        return new int[] {crossed(chunk.good(), good, 1), crossed(chunk.good(), good, wanted),
                crossed(chunk.live(), live, 1), crossed(chunk.live(), live, wanted)};
    }

    /**
     * The chunk's checksum just arrived (CHUNK_SUMS): its good and live copies are counted
     * from the copies already acknowledged, at most one per holder, and added to the
     * version's counters. The caller holds the version's lock.
     */
    void chunkSummed(VersionRow version, int idx, long size, String checksum) {
        var goodCopy = REPLICA.FILE_VERSION_ID.eq(version.id()).and(REPLICA.CHUNK_IDX.eq(idx))
                .and(REPLICA.STATE.eq(ReplicaState.STORED)).and(REPLICA.CHECKSUM.eq(checksum));
        int good = dsl.fetchCount(REPLICA, goodCopy);
        int live = dsl.fetchCount(dsl.selectOne().from(REPLICA).join(PEER).on(PEER.ID.eq(REPLICA.PEER_ID))
                .where(goodCopy, PEER.STATE.in(PeerState.counting())));
        dsl.insertInto(CHUNK, CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.SIZE, CHUNK.CHECKSUM, CHUNK.GOOD_COPIES,
                        CHUNK.LIVE_COPIES)
                .values(version.id(), idx, size, checksum, good, live)
                .execute();
        int wanted = version.replicas();
        dsl.update(FILE_VERSION)
                .set(FILE_VERSION.CHUNKS_SUMMED, FILE_VERSION.CHUNKS_SUMMED.plus(1))
                .set(FILE_VERSION.CHUNKS_STORED, FILE_VERSION.CHUNKS_STORED.plus(crossed(0, good, 1)))
                .set(FILE_VERSION.CHUNKS_FULL, FILE_VERSION.CHUNKS_FULL.plus(crossed(0, good, wanted)))
                .set(FILE_VERSION.COPIES_GOOD, FILE_VERSION.COPIES_GOOD.plus(good))
                .set(FILE_VERSION.CHUNKS_LIVE, FILE_VERSION.CHUNKS_LIVE.plus(crossed(0, live, 1)))
                .set(FILE_VERSION.CHUNKS_LIVE_FULL, FILE_VERSION.CHUNKS_LIVE_FULL.plus(crossed(0, live, wanted)))
                .where(FILE_VERSION.ID.eq(version.id()))
                .execute();
    }

    /**
     * The holder's state changed (its row already updated, and so locked, in this
     * transaction). When its copies started or stopped counting, the live copies of every
     * chunk it holds a copy of are counted again, and their versions' live counters with
     * them: work in proportion to what it holds, on a change that is rare.
     */
    void holderChanged(long peerId, PeerState before, PeerState after) {
        if (before == null || after == null || before.countsCopies() == after.countsCopies()) {
            return;
        }
        List<Long> versions = versionsHeldBy(peerId);
        if (versions.isEmpty()) {
            return;
        }
        lockVersions(versions);
        var held = DSL.exists(dsl.selectOne().from(REPLICA).where(REPLICA.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID),
                REPLICA.CHUNK_IDX.eq(CHUNK.IDX), REPLICA.PEER_ID.eq(peerId)));
        dsl.update(CHUNK).set(CHUNK.LIVE_COPIES, DSL.field(dsl.selectCount().from(REPLICA)
                        .where(RepairStore.liveGoodCopyOf(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.CHECKSUM))))
                .where(CHUNK.FILE_VERSION_ID.in(versions), held)
                .execute();
        recount(versions);
    }

    /**
     * Every copy the peer holds is about to be deleted (it released all it held): its
     * chunks lose a good copy each, and a live one if it counts; its own counters go to
     * zero and its versions' counters are counted again. The caller holds the holder's
     * row and then its versions, as {@link #holderChanged} takes them; the rows go after.
     */
    void holderEmptied(long peerId, boolean holderCounts) {
        List<Long> versions = versionsHeldBy(peerId);
        lockVersions(versions);
        var goodCopyHere = DSL.exists(dsl.selectOne().from(REPLICA).where(REPLICA.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID),
                REPLICA.CHUNK_IDX.eq(CHUNK.IDX), REPLICA.PEER_ID.eq(peerId),
                REPLICA.STATE.eq(ReplicaState.STORED), REPLICA.CHECKSUM.eq(CHUNK.CHECKSUM)));
        dsl.update(CHUNK).set(CHUNK.GOOD_COPIES, CHUNK.GOOD_COPIES.minus(1))
                .set(CHUNK.LIVE_COPIES, CHUNK.LIVE_COPIES.minus(holderCounts ? 1 : 0))
                .where(CHUNK.FILE_VERSION_ID.in(versions), goodCopyHere)
                .execute();
        Field<Long> copies = DSL.field(dsl.selectCount().from(REPLICA).where(REPLICA.FILE_VERSION_ID.eq(FILE_VERSION.ID),
                REPLICA.PEER_ID.eq(peerId), REPLICA.STATE.eq(ReplicaState.STORED))).cast(Long.class);
        Field<Long> bytes = DSL.field(dsl.select(DSL.coalesce(DSL.sum(REPLICA.SIZE), BigDecimal.ZERO).cast(Long.class))
                .from(REPLICA).where(REPLICA.FILE_VERSION_ID.eq(FILE_VERSION.ID), REPLICA.PEER_ID.eq(peerId),
                        REPLICA.STATE.eq(ReplicaState.STORED)));
        dsl.update(FILE_VERSION).set(FILE_VERSION.STORED_COPIES, FILE_VERSION.STORED_COPIES.minus(copies))
                .set(FILE_VERSION.STORED_BYTES, FILE_VERSION.STORED_BYTES.minus(bytes))
                .where(FILE_VERSION.ID.in(versions))
                .execute();
        dsl.update(PEER).set(PEER.STORED_COPIES, 0L).set(PEER.STORED_BYTES, 0L).where(PEER.ID.eq(peerId)).execute();
        recount(versions);
    }

    /**
     * The copies of these versions are about to be deleted with them (released versions
     * trimmed): each holder's counters lose what it held of them, and so do the versions'.
     */
    void versionsDropped(List<Long> versions) {
        dsl.update(FILE_VERSION).set(FILE_VERSION.STORED_COPIES, 0L).set(FILE_VERSION.STORED_BYTES, 0L)
                .where(FILE_VERSION.ID.in(versions)).execute();
        dsl.select(REPLICA.PEER_ID, DSL.count(), DSL.coalesce(DSL.sum(REPLICA.SIZE), BigDecimal.ZERO))
                .from(REPLICA)
                .where(REPLICA.FILE_VERSION_ID.in(versions), REPLICA.STATE.eq(ReplicaState.STORED))
                .groupBy(REPLICA.PEER_ID)
                .orderBy(REPLICA.PEER_ID)
                .forEach(r -> dsl.update(PEER).set(PEER.STORED_COPIES, PEER.STORED_COPIES.minus(r.value2()))
                        .set(PEER.STORED_BYTES, PEER.STORED_BYTES.minus(r.value3().longValue()))
                        .where(PEER.ID.eq(r.value1())).execute());
    }

    private List<Long> versionsHeldBy(long peerId) {
        return dsl.selectDistinct(REPLICA.FILE_VERSION_ID).from(REPLICA).where(REPLICA.PEER_ID.eq(peerId))
                .orderBy(REPLICA.FILE_VERSION_ID).fetch(REPLICA.FILE_VERSION_ID);
    }

    // In id order, as every bulk change takes them, and before their chunks, as a change to
    // one copy does.
    private void lockVersions(List<Long> versions) {
        dsl.select(FILE_VERSION.ID).from(FILE_VERSION).where(FILE_VERSION.ID.in(versions))
                .orderBy(FILE_VERSION.ID).forUpdate().fetch();
    }

    // The chunk counters of these versions, counted again from their chunks (whose good and
    // live copies are already right): the definitions a change to one copy keeps in step.
    private void recount(List<Long> versions) {
        var chunks = CHUNK.FILE_VERSION_ID.eq(FILE_VERSION.ID);
        dsl.update(FILE_VERSION)
                .set(FILE_VERSION.CHUNKS_STORED, DSL.field(dsl.selectCount().from(CHUNK)
                        .where(chunks, CHUNK.GOOD_COPIES.gt(0))))
                .set(FILE_VERSION.CHUNKS_FULL, DSL.field(dsl.selectCount().from(CHUNK)
                        .where(chunks, CHUNK.GOOD_COPIES.ge(FILE_VERSION.REPLICAS))))
                .set(FILE_VERSION.COPIES_GOOD, DSL.field(dsl.select(DSL.coalesce(DSL.sum(CHUNK.GOOD_COPIES),
                        BigDecimal.ZERO).cast(Integer.class)).from(CHUNK).where(chunks)))
                .set(FILE_VERSION.CHUNKS_LIVE, DSL.field(dsl.selectCount().from(CHUNK)
                        .where(chunks, CHUNK.LIVE_COPIES.gt(0))))
                .set(FILE_VERSION.CHUNKS_LIVE_FULL, DSL.field(dsl.selectCount().from(CHUNK)
                        .where(chunks, CHUNK.LIVE_COPIES.ge(FILE_VERSION.REPLICAS))))
                .where(FILE_VERSION.ID.in(versions))
                .execute();
    }

    /** +1 when a count went from under the threshold to at or over it, -1 the other way, else 0. */
    private static int crossed(int before, int after, int threshold) {
        return count(after >= threshold) - count(before >= threshold);
    }

    private static int count(boolean b) {
        return b ? 1 : 0;
    }
}
