package p2pbrs.store;

import static p2pbrs.db.peer.Tables.PENDING_STORE_ACK;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import p2pbrs.protocol.FileNames;

/**
 * The STORE_ACKs a storage peer has not had answered yet (its own H2 database), so that
 * they outlive a restart between the CHUNK_OK and the server's answer.
 */
public final class PendingStoreAcks {
    private final Database database;

    public PendingStoreAcks(Database database) {
        this.database = database;
    }

    /**
     * Records that this chunk must be reported, replacing an older row for the same chunk
     * (the owner sent it again), and returns the row. It is a new row with a new id, not an
     * update: an answer still on its way for the older bytes then deletes only the older row.
     */
    public PendingStoreAck add(String owner, String wireName, int version, int idx, long size, String checksum) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long id = database.transaction(dsl -> {
            dsl.deleteFrom(PENDING_STORE_ACK)
                    .where(PENDING_STORE_ACK.OWNER.eq(owner), PENDING_STORE_ACK.WIRE_NAME.eq(wireName),
                            PENDING_STORE_ACK.VERSION.eq(version), PENDING_STORE_ACK.CHUNK_IDX.eq(idx))
                    .execute();
            return dsl.insertInto(PENDING_STORE_ACK)
                    .set(PENDING_STORE_ACK.OWNER, owner)
                    .set(PENDING_STORE_ACK.WIRE_NAME, wireName)
                    .set(PENDING_STORE_ACK.VERSION, version)
                    .set(PENDING_STORE_ACK.CHUNK_IDX, idx)
                    .set(PENDING_STORE_ACK.SIZE, size)
                    .set(PENDING_STORE_ACK.CHECKSUM, checksum)
                    .set(PENDING_STORE_ACK.STORED_AT, now)
                    .returning(PENDING_STORE_ACK.ID)
                    .fetchOne(PENDING_STORE_ACK.ID);
        });
        return new PendingStoreAck(id, owner, wireName, version, idx, size, checksum);
    }

    /** The server answered this one: it is owed no more. Deleting a row already gone does nothing. */
    public void delete(long id) {
        database.dsl().deleteFrom(PENDING_STORE_ACK).where(PENDING_STORE_ACK.ID.eq(id)).execute();
    }

    /**
     * In the caller's transaction, drops the STORE_ACK owed for this copy, if one is: the
     * copy is leaving the index. Only a row for these bytes goes; one for other bytes stored
     * under the same chunk since is owed still.
     */
    static void dropOwed(DSLContext dsl, IndexedChunk c) {
        dsl.deleteFrom(PENDING_STORE_ACK)
                .where(PENDING_STORE_ACK.OWNER.eq(c.owner()),
                        PENDING_STORE_ACK.WIRE_NAME.eq(FileNames.encode(c.fileName())),
                        PENDING_STORE_ACK.VERSION.eq(c.version()), PENDING_STORE_ACK.CHUNK_IDX.eq(c.idx()),
                        PENDING_STORE_ACK.CHECKSUM.eq(c.checksum()))
                .execute();
    }

    /** Whether this STORE_ACK is owed still: not answered, and its copy not dropped since. */
    public boolean owed(long id) {
        return database.dsl().fetchExists(PENDING_STORE_ACK, PENDING_STORE_ACK.ID.eq(id));
    }

    /** Forgets every one: the peer left, and the server takes no STORE_ACK from it any more. */
    public void clear() {
        database.dsl().deleteFrom(PENDING_STORE_ACK).execute();
    }

    /** Every pending one, oldest first. */
    public List<PendingStoreAck> all() {
        return database.dsl().selectFrom(PENDING_STORE_ACK)
                .orderBy(PENDING_STORE_ACK.ID)
                .fetch(r -> new PendingStoreAck(r.getId(), r.getOwner(), r.getWireName(), r.getVersion(),
                        r.getChunkIdx(), r.getSize(), r.getChecksum()));
    }
}
