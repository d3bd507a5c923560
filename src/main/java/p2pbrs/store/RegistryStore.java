package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK_TASK;
import static p2pbrs.db.server.Tables.CLUSTER;
import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.INVENTORY_SCAN;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.RELEASE_TASK;
import static p2pbrs.db.server.Tables.REPLICA;
import static p2pbrs.db.server.Tables.REQUEST_LOG;
import static p2pbrs.db.server.Tables.RESTORE_REPORT;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;
import org.jooq.impl.DSL;
import p2pbrs.db.server.tables.records.PeerRecord;

/**
 * The server's registry tables: peers, their token hashes, and the log of acknowledged
 * replies. Work that must be atomic runs through {@link #transaction}.
 */
public final class RegistryStore {
    private final Database database;

    public RegistryStore(Database database) {
        this.database = database;
    }

    public <T> T transaction(Function<RegistryTx, T> work) {
        return database.transaction(dsl -> work.apply(new RegistryTx(dsl)));
    }

    /** Drops logged replies older than the cutoff: no retransmission lives that long. */
    public int pruneRequestLog(OffsetDateTime cutoff) {
        return database.dsl().deleteFrom(REQUEST_LOG).where(REQUEST_LOG.CREATED_AT.lt(cutoff)).execute();
    }

    /**
     * Deletes the rows of peers that de-registered before the cutoff and left nothing that
     * points at them (no files, plans, copies, restores, releases or inventories): a peer
     * that registered and left without backing anything up leaves nothing behind for ever.
     * Returns how many.
     */
    public int pruneGonePeers(OffsetDateTime cutoff, int limit) {
        return database.transaction(dsl -> {
            List<Long> ids = dsl.select(PEER.ID).from(PEER)
                    .where(PEER.STATE.eq(PeerState.GONE), PEER.GONE_AT.lt(cutoff), PEER.NAME_KEY.isNull())
                    .andNotExists(dsl.selectOne().from(FILE).where(FILE.OWNER_PEER_ID.eq(PEER.ID)))
                    .andNotExists(dsl.selectOne().from(PLAN_PEER).where(PLAN_PEER.PEER_ID.eq(PEER.ID)))
                    .andNotExists(dsl.selectOne().from(REPLICA).where(REPLICA.PEER_ID.eq(PEER.ID)))
                    .andNotExists(dsl.selectOne().from(RESTORE_REPORT).where(RESTORE_REPORT.OWNER_PEER_ID.eq(PEER.ID)))
                    .andNotExists(dsl.selectOne().from(RELEASE_TASK).where(RELEASE_TASK.PEER_ID.eq(PEER.ID)))
                    .andNotExists(dsl.selectOne().from(CHUNK_TASK).where(CHUNK_TASK.PEER_ID.eq(PEER.ID)))
                    .andNotExists(dsl.selectOne().from(INVENTORY_SCAN).where(INVENTORY_SCAN.PEER_ID.eq(PEER.ID)))
                    .limit(limit)
                    .fetch(PEER.ID);
            if (!ids.isEmpty()) {
                PeerChanges.changed();
                dsl.deleteFrom(PEER_SECRET).where(PEER_SECRET.PEER_ID.in(ids)).execute();
                dsl.deleteFrom(PEER).where(PEER.ID.in(ids)).execute();
            }
            return ids.size();
        });
    }

    /** The cluster's id, made with the database. */
    public String clusterId() {
        return database.dsl().select(CLUSTER.ID).from(CLUSTER).fetchSingle(CLUSTER.ID);
    }

    /** The liveness of every registered (not gone) peer. */
    public List<PeerLiveness> liveness() {
        return database.dsl().select(PEER.ID, PEER.STATE, PEER.LAST_SEEN_AT).from(PEER)
                .where(PEER.STATE.ne(PeerState.GONE))
                .fetch(r -> new PeerLiveness(r.value1(), r.value2(), r.value3()));
    }

    /**
     * A liveness change, stored at once (it survives a restart), only if the peer is still
     * in the state it was seen in: a peer that left, began to leave or came back meanwhile
     * is not overwritten by a sweep that read it before.
     */
    public void setState(long peerId, PeerState from, PeerState to, OffsetDateTime now) {
        database.transaction(dsl -> {
            PeerChanges.changed();
            if (dsl.update(PEER).set(PEER.STATE, to).set(PEER.UPDATED_AT, now)
                    .where(PEER.ID.eq(peerId), PEER.STATE.eq(from)).execute() > 0) {
                new CopyCounters(dsl).holderChanged(peerId, from, to);
                new History(dsl).peerEvent(EventKind.STATE, peerId, from, to, now);
            }
            return null;
        });
    }

    /**
     * The peer was heard from: ALIVE again, or DECOMMISSIONING again if it was leaving when
     * it went silent. A GONE peer is never brought back by a late heartbeat. A DEAD peer made
     * ALIVE again is noted as returned (its surplus copies are the first released).
     */
    public void revive(long peerId, OffsetDateTime now) {
        database.transaction(dsl -> {
            PeerChanges.changed();
            PeerState was = dsl.select(PEER.STATE).from(PEER).where(PEER.ID.eq(peerId)).forUpdate()
                    .fetchOne(PEER.STATE);
            dsl.update(PEER).set(PEER.STATE, PeerState.ALIVE).set(PEER.UPDATED_AT, now)
                    .set(PEER.RETURNED_AT, DSL.when(PEER.STATE.eq(PeerState.DEAD), DSL.val(now))
                            .otherwise(PEER.RETURNED_AT))
                    .where(PEER.ID.eq(peerId), PEER.STATE.ne(PeerState.GONE), PEER.DECOMMISSION_STARTED_AT.isNull())
                    .execute();
            dsl.update(PEER).set(PEER.STATE, PeerState.DECOMMISSIONING).set(PEER.UPDATED_AT, now)
                    .where(PEER.ID.eq(peerId), PEER.STATE.ne(PeerState.GONE),
                            PEER.DECOMMISSION_STARTED_AT.isNotNull())
                    .execute();
            PeerState is = dsl.select(PEER.STATE).from(PEER).where(PEER.ID.eq(peerId)).fetchOne(PEER.STATE);
            if (was != null && was != is) {
                new CopyCounters(dsl).holderChanged(peerId, was, is);
                new History(dsl).peerEvent(EventKind.STATE, peerId, was, is, now);
            }
            return null;
        });
    }

    /** Writes a last-heard time that so far lived only in memory. */
    public void saveLastSeen(long peerId, OffsetDateTime lastSeen) {
        database.dsl().update(PEER).set(PEER.LAST_SEEN_AT, lastSeen)
                .where(PEER.ID.eq(peerId), PEER.LAST_SEEN_AT.lt(lastSeen)).execute();
    }

    /** Registered (not gone) peers. */
    public int countActive() {
        return database.dsl().fetchCount(PEER, PEER.STATE.ne(PeerState.GONE));
    }

    /** Every peer row ever, gone ones included. */
    public int countAll() {
        return database.dsl().fetchCount(PEER);
    }

    /** Number of token hashes held (one per peer ever registered). */
    public int countSecrets() {
        return database.dsl().fetchCount(PEER_SECRET);
    }

    static RegisteredPeer toDomain(PeerRecord r) {
        PeerInfo info = new PeerInfo(r.getName(), r.getRole(), r.getIp(),
                r.getUdpPort(), r.getTcpPort(), r.getCapacity());
        return new RegisteredPeer(r.getId(), r.getPublicId(), info, r.getState(), r.getRegisteredAt(),
                r.getLastSeenAt(), r.getCommittedBytes());
    }
}
