package p2pbrs.peer;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.REPLICA;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import p2pbrs.store.Database;
import p2pbrs.store.PeerState;
import p2pbrs.store.ReplicaState;
import p2pbrs.store.VersionState;

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

    /**
     * Forgets every copy recorded on a peer, counters recomputed as if they never were: what
     * a copy of the database taken before the peer acknowledged them would hold.
     */
    void forgetCopiesOn(String peer) {
        DSLContext dsl = dsl();
        dsl.deleteFrom(REPLICA).where(REPLICA.PEER_ID.in(DSL.select(PEER.ID).from(PEER).where(PEER.NAME.eq(peer))))
                .execute();
        // The counters, as the migration that made them computes them from the copies.
        dsl.execute("UPDATE chunk c SET good_copies = (SELECT COUNT(*) FROM replica r WHERE r.file_version_id = "
                + "c.file_version_id AND r.chunk_idx = c.idx AND r.state = 'STORED' AND r.checksum = c.checksum)");
        dsl.execute("UPDATE file_version v SET "
                + "chunks_stored = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id "
                + "AND c.good_copies > 0), "
                + "chunks_full = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id "
                + "AND c.good_copies >= v.replicas), "
                + "copies_good = (SELECT COALESCE(SUM(c.good_copies), 0) FROM chunk c WHERE c.file_version_id = v.id)");
    }

    private DSLContext dsl() {
        return database.dsl();
    }

    @Override
    public void close() {
        database.close();
    }
}
