package p2pbrs.store;

import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.INVENTORY_ITEM;
import static p2pbrs.db.server.Tables.REPLICA;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * Reconciles one complete inventory with the server's records of what the peer holds, in
 * one transaction of the server's reconciling thread. The checksums are taken a batch at a
 * time, so that a peer holding very many chunks costs memory in proportion to a batch.
 */
final class Reconciler {
    private static final int BATCH = 500;

    private final DSLContext dsl;
    private final BackupTx backups;
    private final long scanId;
    private final long peerId;

    Reconciler(DSLContext dsl, BackupTx backups, long scanId, long peerId) {
        this.dsl = dsl;
        this.backups = backups;
        this.scanId = scanId;
        this.peerId = peerId;
    }

    Reconciliation run(OffsetDateTime lostBefore, OffsetDateTime takenAt, OffsetDateTime now,
                       OffsetDateTime releaseAt) {
        int lost = markLost(lostBefore, now);
        ChunkTaskQueue queue = new ChunkTaskQueue(dsl);
        int adopt = 0;
        int orphans = 0;
        String after = "";
        while (true) {
            Map<String, Boolean> batch = new LinkedHashMap<>();
            dsl.select(INVENTORY_ITEM.CHECKSUM, INVENTORY_ITEM.LOOSE).from(INVENTORY_ITEM)
                    .where(INVENTORY_ITEM.SCAN_ID.eq(scanId), INVENTORY_ITEM.CHECKSUM.gt(after))
                    .orderBy(INVENTORY_ITEM.CHECKSUM)
                    .limit(BATCH)
                    .forEach(r -> batch.put(r.value1(), r.value2()));
            if (batch.isEmpty()) {
                break;
            }
            List<PeerPlacements.Placed> placed = PeerPlacements.byChunkChecksum(dsl, peerId, batch.keySet());
            Set<String> needed = PeerPlacements.copied(dsl, peerId, batch.keySet());
            for (PeerPlacements.Placed p : placed) {
                needed.add(p.checksum());
                if (adoptable(p, batch.get(p.checksum()))
                        && queue.adopt(peerId, p.checksum(), p.versionId(), p.idx(), now)) {
                    adopt++;
                }
            }
            for (String checksum : batch.keySet()) {
                if (!needed.contains(checksum)) {
                    queue.releaseOrphan(peerId, checksum, takenAt, now, releaseAt);
                    orphans++;
                }
            }
            if (batch.size() < BATCH) {
                break;
            }
            // Checksums come in order: the next batch starts after this one's last.
            after = batch.keySet().stream().reduce((a, b) -> b).orElseThrow();
        }
        return new Reconciliation(lost, adopt, orphans);
    }

    /**
     * Whether the peer should index its file as this chunk, the copy then being recorded: a
     * loose file always (the peer cannot serve it without its index row, even when the
     * server counts the copy); an indexed one when the server has no good copy there and
     * the chunk wants one more live copy. A chunk already full is left as it is, neither
     * adopted nor released: its space is counted by its plan, and taking it back only for
     * a surplus release to drop it again would be churn.
     */
    private boolean adoptable(PeerPlacements.Placed p, boolean loose) {
        if (p.goodCopy()) {
            return loose;
        }
        if (p.repairing()) {
            // The repair's STORE_ACK records it.
            return false;
        }
        return loose || liveCopies(p) < p.replicas();
    }

    private int liveCopies(PeerPlacements.Placed p) {
        return dsl.fetchCount(REPLICA,
                RepairStore.liveGoodCopyOf(DSL.val(p.versionId()), DSL.val(p.idx()), DSL.val(p.checksum())));
    }

    /**
     * Copies of live versions the server counts STORED on the peer, acknowledged before
     * lostBefore, whose checksum the scan does not list: the peer lost them. A copy
     * acknowledged since may have arrived after the scan began, and is left alone.
     */
    private int markLost(OffsetDateTime lostBefore, OffsetDateTime now) {
        Map<Long, VersionRow> versions = new HashMap<>();
        int lost = 0;
        for (Record2<Long, Integer> r : dsl.select(REPLICA.FILE_VERSION_ID, REPLICA.CHUNK_IDX).from(REPLICA)
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(REPLICA.FILE_VERSION_ID))
                .where(REPLICA.PEER_ID.eq(peerId), REPLICA.STATE.eq(ReplicaState.STORED),
                        FILE_VERSION.STATE.in(VersionState.PENDING, VersionState.COMPLETE),
                        REPLICA.UPDATED_AT.lt(lostBefore))
                .andNotExists(dsl.selectOne().from(INVENTORY_ITEM).where(INVENTORY_ITEM.SCAN_ID.eq(scanId),
                        INVENTORY_ITEM.CHECKSUM.eq(REPLICA.CHECKSUM)))
                .fetch()) {
            VersionRow version = versions.computeIfAbsent(r.value1(), id -> backups.version(id).orElseThrow());
            if (backups.loseReplica(version, r.value2(), peerId, now).orElse(null) == ReplicaState.STORED) {
                lost++;
            }
        }
        return lost;
    }
}
