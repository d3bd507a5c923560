package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.REPAIR_TASK;
import static p2pbrs.db.server.Tables.REPLICA;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import p2pbrs.db.server.tables.PlanPeer;
import p2pbrs.protocol.Placement;

/**
 * What the server has placed on one storage peer, found by checksum: how an inventory is
 * checked against the server's records. A chunk of a live version (PENDING or COMPLETE)
 * is placed on the peer when the plan's rule gives it the peer's slot (not yet released),
 * when the peer has a copy row of it (STORED or LOST: a copy it was sent by a repair, or
 * had), or when a repair is copying it there.
 */
final class PeerPlacements {
    private PeerPlacements() {
    }

    /** A chunk placed on the peer, with the peer's copy row (null state when there is none). */
    record Placed(long versionId, int idx, long size, String checksum, int replicas, ReplicaState copy,
                  String copyChecksum, boolean repairing) {
        /** Whether the peer's copy is recorded STORED with the owner's checksum. */
        boolean goodCopy() {
            return copy == ReplicaState.STORED && checksum.equals(copyChecksum);
        }
    }

    /** The chunks placed on the peer whose owner's checksum is one of these. */
    static List<Placed> byChunkChecksum(DSLContext dsl, long peerId, Collection<String> checksums) {
        PlanPeer slots = PLAN_PEER.as("slots");
        Field<Integer> planPeers = DSL.field(DSL.selectCount().from(slots)
                .where(slots.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID), slots.SLOT.ge(0))).as("plan_peers");
        Field<Long> repair = REPAIR_TASK.ID.as("repair");
        List<Placed> placed = new ArrayList<>();
        for (Record r : dsl.select(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.SIZE, CHUNK.CHECKSUM, FILE_VERSION.SIZE,
                        FILE_VERSION.CHUNK_SIZE, FILE_VERSION.REPLICAS, PLAN_PEER.SLOT, REPLICA.STATE, REPLICA.CHECKSUM,
                        repair, planPeers)
                .from(CHUNK)
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(CHUNK.FILE_VERSION_ID))
                .leftJoin(PLAN_PEER).on(PLAN_PEER.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID),
                        PLAN_PEER.PEER_ID.eq(peerId), PLAN_PEER.RELEASED_AT.isNull())
                .leftJoin(REPLICA).on(REPLICA.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID),
                        REPLICA.CHUNK_IDX.eq(CHUNK.IDX), REPLICA.PEER_ID.eq(peerId))
                .leftJoin(REPAIR_TASK).on(REPAIR_TASK.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID),
                        REPAIR_TASK.CHUNK_IDX.eq(CHUNK.IDX), REPAIR_TASK.TARGET_PEER_ID.eq(peerId))
                .where(CHUNK.CHECKSUM.in(checksums),
                        FILE_VERSION.STATE.in(VersionState.PENDING, VersionState.COMPLETE))
                .fetch()) {
            int idx = r.get(CHUNK.IDX);
            Integer slot = r.get(PLAN_PEER.SLOT);
            // Which chunks the rule gives the slot: sizes, and so the format's overhead, do not matter.
            boolean byRule = slot != null && slot >= 0 && Placement.ofPlan(r.get(FILE_VERSION.SIZE),
                    r.get(FILE_VERSION.CHUNK_SIZE), r.get(planPeers), r.get(FILE_VERSION.REPLICAS), 0).assigned(idx, slot);
            ReplicaState copy = r.get(REPLICA.STATE);
            boolean repairing = r.get(repair) != null;
            if (byRule || copy != null || repairing) {
                placed.add(new Placed(r.get(CHUNK.FILE_VERSION_ID), idx, r.get(CHUNK.SIZE), r.get(CHUNK.CHECKSUM),
                        r.get(FILE_VERSION.REPLICAS), copy, r.get(REPLICA.CHECKSUM), repairing));
            }
        }
        return placed;
    }

    /**
     * Which of these checksums the peer's holding is needed for: a chunk placed on it, or a
     * copy row of it that carries the checksum (a backup under way whose owner has not yet
     * reported its chunks' checksums has copy rows but no chunk rows).
     */
    static Set<String> needed(DSLContext dsl, long peerId, Collection<String> checksums) {
        Set<String> needed = copied(dsl, peerId, checksums);
        byChunkChecksum(dsl, peerId, checksums).forEach(p -> needed.add(p.checksum()));
        return needed;
    }

    /** Which of these checksums a copy row of the peer carries, for a live version. */
    static Set<String> copied(DSLContext dsl, long peerId, Collection<String> checksums) {
        return new HashSet<>(dsl.selectDistinct(REPLICA.CHECKSUM).from(REPLICA)
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(REPLICA.FILE_VERSION_ID))
                .where(REPLICA.PEER_ID.eq(peerId), REPLICA.CHECKSUM.in(checksums),
                        FILE_VERSION.STATE.in(VersionState.PENDING, VersionState.COMPLETE))
                .fetch(REPLICA.CHECKSUM));
    }
}
