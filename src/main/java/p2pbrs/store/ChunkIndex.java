package p2pbrs.store;

import static p2pbrs.db.peer.Tables.CHUNK;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import p2pbrs.db.peer.tables.records.ChunkRecord;

/** A storage peer's local index of the chunks it holds (its own H2 database). */
public final class ChunkIndex {
    private final Database database;

    public ChunkIndex(Database database) {
        this.database = database;
    }

    /** Records a chunk, replacing an earlier copy of the same owner, file, version and index. */
    public void put(IndexedChunk c) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        database.dsl().mergeInto(CHUNK)
                .using(database.dsl().selectOne())
                .on(CHUNK.OWNER.eq(c.owner()), CHUNK.FILE_NAME.eq(c.fileName()), CHUNK.VERSION.eq(c.version()),
                        CHUNK.CHUNK_IDX.eq(c.idx()))
                .whenMatchedThenUpdate()
                .set(CHUNK.SIZE, c.size())
                .set(CHUNK.CHECKSUM, c.checksum())
                .set(CHUNK.FILE_SIZE, c.fileSize())
                .set(CHUNK.CHUNK_COUNT, c.chunkCount())
                .set(CHUNK.PATH, c.path())
                .set(CHUNK.STORED_AT, now)
                .whenNotMatchedThenInsert(CHUNK.OWNER, CHUNK.FILE_NAME, CHUNK.VERSION, CHUNK.CHUNK_IDX, CHUNK.SIZE,
                        CHUNK.CHECKSUM, CHUNK.FILE_SIZE, CHUNK.CHUNK_COUNT, CHUNK.PATH, CHUNK.STORED_AT)
                .values(c.owner(), c.fileName(), c.version(), c.idx(), c.size(), c.checksum(), c.fileSize(),
                        c.chunkCount(), c.path(), now)
                .execute();
    }

    public Optional<IndexedChunk> find(String owner, String fileName, int version, int idx) {
        return database.dsl().selectFrom(CHUNK)
                .where(CHUNK.OWNER.eq(owner), CHUNK.FILE_NAME.eq(fileName), CHUNK.VERSION.eq(version),
                        CHUNK.CHUNK_IDX.eq(idx))
                .fetchOptional(ChunkIndex::toChunk);
    }

    /**
     * Forgets the chunks one owner stored for one version of a file; returns their
     * checksums (a chunk file may still be used by other rows: see {@link #referenced}).
     */
    public List<IndexedChunk> release(String owner, String fileName, int version) {
        return database.transaction(dsl -> removeWhere(dsl,
                CHUNK.OWNER.eq(owner).and(CHUNK.FILE_NAME.eq(fileName)).and(CHUNK.VERSION.eq(version))));
    }

    /** Forgets every chunk this peer holds (it is leaving); returns them, for their files. */
    public List<IndexedChunk> releaseAll() {
        return database.transaction(dsl -> removeWhere(dsl, DSL.noCondition()));
    }

    /** Forgets one owner's chunk of one version; returns the row it was, if there was one. */
    public Optional<IndexedChunk> remove(String owner, String fileName, int version, int idx) {
        return database.transaction(dsl -> removeWhere(dsl, CHUNK.OWNER.eq(owner).and(CHUNK.FILE_NAME.eq(fileName))
                .and(CHUNK.VERSION.eq(version)).and(CHUNK.CHUNK_IDX.eq(idx)))).stream().findFirst();
    }

    /**
     * Forgets the rows of a checksum stored before a time (every row, with null): those a
     * release of a chunk nobody needs is about, never one stored since. Returns how many.
     */
    public int removeChecksum(String checksum, OffsetDateTime storedBefore) {
        Condition rows = CHUNK.CHECKSUM.eq(checksum);
        Condition which = storedBefore == null ? rows : rows.and(CHUNK.STORED_AT.lt(storedBefore));
        return database.transaction(dsl -> removeWhere(dsl, which)).size();
    }

    /**
     * Deletes the rows that match, in the caller's transaction, with the STORE_ACKs still
     * owed for them: the peer no longer holds those copies, and a STORE_ACK arriving after
     * the row went would make the server count a copy that is not there. Returns the rows.
     */
    static List<IndexedChunk> removeWhere(DSLContext dsl, Condition which) {
        List<ChunkRecord> rows = dsl.selectFrom(CHUNK).where(which).forUpdate().fetch();
        if (rows.isEmpty()) {
            return List.of();
        }
        dsl.deleteFrom(CHUNK).where(CHUNK.ID.in(rows.stream().map(ChunkRecord::getId).toList())).execute();
        List<IndexedChunk> removed = rows.stream().map(ChunkIndex::toChunk).toList();
        removed.forEach(c -> PendingStoreAcks.dropOwed(dsl, c));
        return removed;
    }

    /** Every checksum the index holds, each once, with its size, in checksum order. */
    public SortedMap<String, Long> checksums() {
        SortedMap<String, Long> sizes = new TreeMap<>();
        database.dsl().selectDistinct(CHUNK.CHECKSUM, CHUNK.SIZE).from(CHUNK)
                .forEach(r -> sizes.put(r.value1(), r.value2()));
        return sizes;
    }

    /** How many chunks this peer holds for owners (rows, a shared file counted per row). */
    public int count() {
        return database.dsl().fetchCount(CHUNK);
    }

    /** A chunk file the index points at: its checksum (its name) and its size. */
    public record StoredFile(String checksum, long size) {
    }

    /**
     * The distinct chunk files after a checksum (null: from the first), in checksum order, at
     * most limit: a walk over every file in bounded pages, whatever the index's size.
     */
    public List<StoredFile> filesAfter(String afterChecksum, int limit) {
        var condition = afterChecksum == null ? DSL.noCondition() : CHUNK.CHECKSUM.gt(afterChecksum);
        return database.dsl().selectDistinct(CHUNK.CHECKSUM, CHUNK.SIZE).from(CHUNK)
                .where(condition)
                .orderBy(CHUNK.CHECKSUM)
                .limit(limit)
                .fetch(r -> new StoredFile(r.value1(), r.value2()));
    }

    /** Whether any row still points at the chunk file with this checksum. */
    public boolean referenced(String checksum) {
        return database.dsl().fetchExists(CHUNK, CHUNK.CHECKSUM.eq(checksum));
    }

    /** Bytes on disk: each distinct chunk file counts once, however many rows share it. */
    public long bytesStored() {
        var distinct = DSL.selectDistinct(CHUNK.CHECKSUM, CHUNK.SIZE).from(CHUNK).asTable("d");
        BigDecimal sum = database.dsl().select(DSL.sum(distinct.field(CHUNK.SIZE))).from(distinct)
                .fetchOne(0, BigDecimal.class);
        return sum == null ? 0 : sum.longValue();
    }

    private static IndexedChunk toChunk(ChunkRecord r) {
        return new IndexedChunk(r.getOwner(), r.getFileName(), r.getVersion(), r.getChunkIdx(), r.getSize(),
                r.getChecksum(), r.getFileSize(), r.getChunkCount(), r.getPath());
    }
}
