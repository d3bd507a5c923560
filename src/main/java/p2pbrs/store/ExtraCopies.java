package p2pbrs.store;

import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.REPLICA;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import p2pbrs.protocol.Role;

/**
 * Copies outside a plan's placement rule (a repair, a substitute for a peer that failed
 * during a backup): where one can go, and counting its bytes against that peer in the
 * version's plan rows, so that the version's release frees them with the rest.
 */
final class ExtraCopies {
    private ExtraCopies() {
    }

    /**
     * The ALIVE storage peer with the most free space that has room for the chunk, holds no
     * good copy of it, is not its owner and is none of {@code excluded}. A peer whose copy
     * was found bad (LOST) may take a new one, last (its disk let one copy rot): the new bytes
     * replace the rotten file, and with as many storage peers as copies it is the only place.
     */
    static Optional<PlanSlot> target(DSLContext dsl, long versionId, int idx, long size, long ownerPeerId,
                                     Collection<Long> excluded) {
        return dsl.select(PEER.ID, PEER.NAME, PEER.IP, PEER.TCP_PORT, PEER_SECRET.SEALED_TICKET_KEY)
                .from(PEER).join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(PEER.ID))
                .where(PEER.STATE.eq(PeerState.ALIVE), PEER.ROLE.in(Role.STORAGE, Role.BOTH),
                        PEER.ID.ne(ownerPeerId), PEER.ID.notIn(excluded), PEER_SECRET.SEALED_TICKET_KEY.isNotNull(),
                        PEER.CAPACITY.minus(PEER.COMMITTED_BYTES).ge(size))
                .andNotExists(dsl.selectOne().from(REPLICA).where(REPLICA.FILE_VERSION_ID.eq(versionId),
                        REPLICA.CHUNK_IDX.eq(idx), REPLICA.PEER_ID.eq(PEER.ID),
                        REPLICA.STATE.eq(ReplicaState.STORED)))
                .orderBy(DSL.when(DSL.exists(dsl.selectOne().from(REPLICA).where(
                                REPLICA.FILE_VERSION_ID.eq(versionId), REPLICA.CHUNK_IDX.eq(idx),
                                REPLICA.PEER_ID.eq(PEER.ID))), 1).otherwise(0),
                        PEER.CAPACITY.minus(PEER.COMMITTED_BYTES).desc(), PEER.NAME_KEY)
                .limit(1)
                .fetchOptional(r -> new PlanSlot(-1, r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }

    /**
     * Counts the bytes of one copy of chunk idx against the peer at once (as a plan does): in
     * its plan row when it is one of the version's peers, otherwise in a row of its own. A
     * peer that held a copy of the chunk before (LOST now) still has those bytes counted until
     * the version is released: they are not counted twice.
     */
    static void reserve(DSLContext dsl, long versionId, int idx, long peerId, long bytes) {
        if (dsl.fetchExists(REPLICA, REPLICA.FILE_VERSION_ID.eq(versionId), REPLICA.CHUNK_IDX.eq(idx),
                REPLICA.PEER_ID.eq(peerId))) {
            return;
        }
        int added = dsl.update(PLAN_PEER).set(PLAN_PEER.RESERVED_BYTES, PLAN_PEER.RESERVED_BYTES.plus(bytes))
                .where(PLAN_PEER.FILE_VERSION_ID.eq(versionId), PLAN_PEER.PEER_ID.eq(peerId),
                        PLAN_PEER.RELEASED_AT.isNull())
                .execute();
        if (added == 0) {
            // A row released before (the peer left, and has come back): counted afresh in it,
            // since a version has one row per peer.
            added = dsl.update(PLAN_PEER).set(PLAN_PEER.RESERVED_BYTES, bytes)
                    .set(PLAN_PEER.RELEASED_AT, (OffsetDateTime) null)
                    .where(PLAN_PEER.FILE_VERSION_ID.eq(versionId), PLAN_PEER.PEER_ID.eq(peerId))
                    .execute();
        }
        if (added == 0) {
            // Not one of the plan's peers: a row of its own, outside the placement rule's
            // slots (negative, unique per peer), for accounting and release only.
            dsl.insertInto(PLAN_PEER, PLAN_PEER.FILE_VERSION_ID, PLAN_PEER.SLOT, PLAN_PEER.PEER_ID,
                            PLAN_PEER.RESERVED_BYTES)
                    .values(versionId, (int) -peerId, peerId, bytes)
                    .execute();
        }
        dsl.update(PEER).set(PEER.COMMITTED_BYTES, PEER.COMMITTED_BYTES.plus(bytes))
                .where(PEER.ID.eq(peerId)).execute();
    }

    /**
     * Stops counting the bytes reserved for a copy of chunk idx that will not be made (its
     * repair was given up) on a peer that holds no copy of it on record; a peer that does
     * keeps them, counted with that copy.
     */
    static void unreserve(DSLContext dsl, long versionId, int idx, long peerId, long bytes) {
        if (dsl.fetchExists(REPLICA, REPLICA.FILE_VERSION_ID.eq(versionId), REPLICA.CHUNK_IDX.eq(idx),
                REPLICA.PEER_ID.eq(peerId))) {
            return;
        }
        int freed = dsl.update(PLAN_PEER).set(PLAN_PEER.RESERVED_BYTES, PLAN_PEER.RESERVED_BYTES.minus(bytes))
                .where(PLAN_PEER.FILE_VERSION_ID.eq(versionId), PLAN_PEER.PEER_ID.eq(peerId),
                        PLAN_PEER.RELEASED_AT.isNull(), PLAN_PEER.RESERVED_BYTES.ge(bytes))
                .execute();
        if (freed > 0) {
            dsl.update(PEER).set(PEER.COMMITTED_BYTES, DSL.greatest(PEER.COMMITTED_BYTES.minus(bytes), DSL.inline(0L)))
                    .where(PEER.ID.eq(peerId)).execute();
        }
    }
}
