package p2pbrs.store;

import static p2pbrs.db.peer.Tables.CHUNK;
import static p2pbrs.db.peer.Tables.PENDING_CHUNK_BAD;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import p2pbrs.protocol.FileNames;

/**
 * A storage peer's copies found bad or missing (its own H2 database): taken out of the
 * chunk index and owed to the server as CHUNK_BAD reports, in one transaction, so that no
 * copy leaves the index without its report, whatever stops the peer.
 */
public final class BadChunks {
    private final Database database;

    public BadChunks(Database database) {
        this.database = database;
    }

    /**
     * Removes every index row of the chunk file with this checksum and records a report owed
     * for each; returns the rows removed (none when nothing uses the file any more). A
     * STORE_ACK still owed for one of them is dropped: the peer no longer holds that copy.
     */
    public List<IndexedChunk> discard(String checksum) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return database.transaction(dsl -> {
            List<IndexedChunk> rows = ChunkIndex.removeWhere(dsl, CHUNK.CHECKSUM.eq(checksum));
            for (IndexedChunk c : rows) {
                String wireName = FileNames.encode(c.fileName());
                // Found bad again before the server answered: one report is enough.
                dsl.mergeInto(PENDING_CHUNK_BAD)
                        .using(dsl.selectOne())
                        .on(PENDING_CHUNK_BAD.OWNER.eq(c.owner()), PENDING_CHUNK_BAD.WIRE_NAME.eq(wireName),
                                PENDING_CHUNK_BAD.VERSION.eq(c.version()), PENDING_CHUNK_BAD.CHUNK_IDX.eq(c.idx()))
                        .whenNotMatchedThenInsert(PENDING_CHUNK_BAD.OWNER, PENDING_CHUNK_BAD.WIRE_NAME,
                                PENDING_CHUNK_BAD.VERSION, PENDING_CHUNK_BAD.CHUNK_IDX, PENDING_CHUNK_BAD.FOUND_AT)
                        .values(c.owner(), wireName, c.version(), c.idx(), now)
                        .execute();
            }
            return rows;
        });
    }

    /** Every report still owed, oldest first. */
    public List<PendingChunkBad> owed() {
        return database.dsl().selectFrom(PENDING_CHUNK_BAD)
                .orderBy(PENDING_CHUNK_BAD.ID)
                .fetch(r -> new PendingChunkBad(r.getId(), r.getOwner(), r.getWireName(), r.getVersion(),
                        r.getChunkIdx()));
    }

    /** The server answered this report: it is owed no more. Deleting a row already gone does nothing. */
    public void reported(long id) {
        database.dsl().deleteFrom(PENDING_CHUNK_BAD).where(PENDING_CHUNK_BAD.ID.eq(id)).execute();
    }
}
