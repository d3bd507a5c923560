package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK_TASK;

import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Queues requests about one chunk for a storage peer (the {@code chunk_task} table), each
 * at most once: a request already queued is not queued twice.
 */
final class ChunkTaskQueue {
    private final DSLContext dsl;

    ChunkTaskQueue(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Asks the peer to index a chunk file it holds as this chunk; sent at once. Returns whether it was new. */
    boolean adopt(long peerId, String checksum, long versionId, int idx, OffsetDateTime now) {
        return copyTask(ChunkTaskKind.ADOPT, peerId, checksum, versionId, idx, now, now);
    }

    /** Asks the peer to release its copy of this chunk, at releaseAt. Returns whether it was new. */
    boolean releaseCopy(long peerId, String checksum, long versionId, int idx, OffsetDateTime now,
                        OffsetDateTime releaseAt) {
        return copyTask(ChunkTaskKind.RELEASE_COPY, peerId, checksum, versionId, idx, now, releaseAt);
    }

    private boolean copyTask(ChunkTaskKind kind, long peerId, String checksum, long versionId, int idx,
                             OffsetDateTime now, OffsetDateTime sendAt) {
        return dsl.insertInto(CHUNK_TASK, CHUNK_TASK.KIND, CHUNK_TASK.PEER_ID, CHUNK_TASK.CHECKSUM,
                        CHUNK_TASK.FILE_VERSION_ID, CHUNK_TASK.CHUNK_IDX, CHUNK_TASK.CREATED_AT,
                        CHUNK_TASK.NEXT_ATTEMPT_AT)
                .select(DSL.select(DSL.val(kind, CHUNK_TASK.KIND), DSL.val(peerId), DSL.val(checksum),
                                DSL.val(versionId), DSL.val(idx), DSL.val(now), DSL.val(sendAt))
                        .whereNotExists(dsl.selectOne().from(CHUNK_TASK).where(CHUNK_TASK.KIND.eq(kind),
                                CHUNK_TASK.FILE_VERSION_ID.eq(versionId), CHUNK_TASK.CHUNK_IDX.eq(idx),
                                CHUNK_TASK.PEER_ID.eq(peerId))))
                .execute() > 0;
    }

    /**
     * Asks the peer, at releaseAt, to release the index rows of a checksum nobody needs that
     * it stored before storedBefore (its own clock). Queued again, the later cut-off stands.
     */
    void releaseOrphan(long peerId, String checksum, OffsetDateTime storedBefore, OffsetDateTime now,
                       OffsetDateTime releaseAt) {
        int updated = dsl.update(CHUNK_TASK)
                .set(CHUNK_TASK.STORED_BEFORE, DSL.greatest(CHUNK_TASK.STORED_BEFORE, DSL.val(storedBefore)))
                .where(CHUNK_TASK.KIND.eq(ChunkTaskKind.RELEASE_ORPHAN), CHUNK_TASK.PEER_ID.eq(peerId),
                        CHUNK_TASK.CHECKSUM.eq(checksum))
                .execute();
        if (updated == 0) {
            dsl.insertInto(CHUNK_TASK, CHUNK_TASK.KIND, CHUNK_TASK.PEER_ID, CHUNK_TASK.CHECKSUM,
                            CHUNK_TASK.STORED_BEFORE, CHUNK_TASK.CREATED_AT, CHUNK_TASK.NEXT_ATTEMPT_AT)
                    .values(ChunkTaskKind.RELEASE_ORPHAN, peerId, checksum, storedBefore, now, releaseAt)
                    .execute();
        }
    }
}
