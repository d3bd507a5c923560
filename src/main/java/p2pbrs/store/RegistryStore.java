package p2pbrs.store;

import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.REQUEST_LOG;

import java.time.OffsetDateTime;
import java.util.function.Function;
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
