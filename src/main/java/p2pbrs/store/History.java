package p2pbrs.store;

import static p2pbrs.db.server.Tables.EVENT;
import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.REPLICA;
import static p2pbrs.db.server.Tables.RUN;

import java.time.Duration;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.Record6;
import org.jooq.impl.DSL;
import p2pbrs.db.server.tables.records.EventRecord;
import p2pbrs.db.server.tables.records.RunRecord;

/**
 * Writes the history tables (run, event), inside the transaction of the change they
 * record, so that a change and its record are committed or lost together. Rows are only
 * ever inserted, and they carry names by value: a peer pruned later, or a file's later
 * versions, leave them readable. docs/schema.md, "History".
 */
public final class History {
    /**
     * The reason of a backup whose plan expired before it completed: the one run reason that
     * is not a wire Reason, since no request was refused.
     */
    public static final String PLAN_EXPIRED = "Plan-expired";

    /** The reason of a repair given up after too many tries (another source or target is chosen next). */
    public static final String GAVE_UP = "Gave-up";

    private final DSLContext dsl;

    History(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** A refused request: a run that starts and ends now, naming the version asked for, if any. */
    public void refused(RunKind kind, long ownerPeerId, String fileName, Integer version, String reason,
                        OffsetDateTime now) {
        RunRecord run = dsl.newRecord(RUN);
        run.setKind(kind);
        run.setOwnerPeerId(ownerPeerId);
        run.setOwnerName(peerName(ownerPeerId));
        run.setFileName(fileName);
        run.setVersion(version);
        run.setStartedAt(now);
        run.setFinishedAt(now);
        run.setOutcome(HistoryOutcome.FAILED);
        run.setReason(reason);
        run.insert();
    }

    /**
     * A backup that ended: completed (reason null) or expired. It started when its plan was
     * made; the peers used are those holding a copy of it as it ends.
     */
    public void backupEnded(long versionId, String reason, OffsetDateTime now) {
        RunRecord run = versionRun(RunKind.BACKUP, versionId, reason, now);
        run.setStartedAt(dsl.select(FILE_VERSION.CREATED_AT).from(FILE_VERSION).where(FILE_VERSION.ID.eq(versionId))
                .fetchSingle(FILE_VERSION.CREATED_AT));
        run.setPeersUsed(dsl.select(DSL.countDistinct(REPLICA.PEER_ID)).from(REPLICA)
                .where(REPLICA.FILE_VERSION_ID.eq(versionId), REPLICA.STATE.eq(ReplicaState.STORED))
                .fetchSingle().value1());
        insertWithRate(run);
    }

    /**
     * A restore its owner reported (RESTORE_OK: reason null, RESTORE_FAIL: its reason).
     * startedAt is when this server gave out its first plan page, null if not known (the
     * server restarted meanwhile); peersUsed how many storage peers gave the owner a good
     * copy, as it says (null if it did not).
     */
    public void restoreEnded(long versionId, OffsetDateTime startedAt, Integer peersUsed, String reason,
                             OffsetDateTime now) {
        RunRecord run = versionRun(RunKind.RESTORE, versionId, reason, now);
        run.setStartedAt(startedAt);
        run.setPeersUsed(peersUsed);
        insertWithRate(run);
    }

    private RunRecord versionRun(RunKind kind, long versionId, String reason, OffsetDateTime now) {
        Record6<Long, String, String, Integer, Long, Integer> v = version(versionId);
        RunRecord run = dsl.newRecord(RUN);
        run.setKind(kind);
        run.setOwnerPeerId(v.value1());
        run.setOwnerName(v.value2());
        run.setFileName(v.value3());
        run.setVersion(v.value4());
        run.setSize(v.value5());
        run.setChunkCount(v.value6());
        run.setFinishedAt(now);
        run.setOutcome(reason == null ? HistoryOutcome.OK : HistoryOutcome.FAILED);
        run.setReason(reason);
        return run;
    }

    // Bytes per second only for a run that moved its bytes (a failed one did not, wholly)
    // and took a measurable time.
    private static void insertWithRate(RunRecord run) {
        if (run.getReason() == null && run.getStartedAt() != null) {
            long millis = Duration.between(run.getStartedAt(), run.getFinishedAt()).toMillis();
            if (millis > 0) {
                run.setBytesPerSecond(run.getSize() * 1000 / millis);
            }
        }
        run.insert();
    }

    /** A registry or liveness event of one peer; from and to are states, null where none applies. */
    public void peerEvent(EventKind kind, long peerId, PeerState from, PeerState to, OffsetDateTime now) {
        EventRecord e = event(kind, now);
        e.setPeerId(peerId);
        e.setPeerName(peerName(peerId));
        e.setFromState(from);
        e.setToState(to);
        e.insert();
    }

    /** A repair that ended: the copy arrived (reason null), or it was given up for the reason. */
    public void repair(long versionId, int idx, long sourcePeerId, long targetPeerId, OffsetDateTime queuedAt,
                       String reason, OffsetDateTime now) {
        EventRecord e = chunkEvent(EventKind.REPAIR, versionId, idx, now);
        e.setSourceName(peerName(sourcePeerId));
        e.setTargetName(peerName(targetPeerId));
        e.setOutcome(reason == null ? HistoryOutcome.OK : HistoryOutcome.FAILED);
        e.setReason(reason);
        e.setDurationMs(Duration.between(queuedAt, now).toMillis());
        e.insert();
    }

    /** A copy reported bad or missing (CHUNK_BAD) by its holder or by the file's owner. */
    public void chunkBad(long versionId, int idx, long holderPeerId, String reporter, OffsetDateTime now) {
        EventRecord e = chunkEvent(EventKind.CHUNK_BAD, versionId, idx, now);
        e.setPeerId(holderPeerId);
        e.setPeerName(peerName(holderPeerId));
        e.setReason(reporter);
        e.insert();
    }

    private EventRecord chunkEvent(EventKind kind, long versionId, int idx, OffsetDateTime now) {
        Record6<Long, String, String, Integer, Long, Integer> v = version(versionId);
        EventRecord e = event(kind, now);
        e.setOwnerName(v.value2());
        e.setFileName(v.value3());
        e.setVersion(v.value4());
        e.setChunkIdx(idx);
        return e;
    }

    // A version as history names it: owner id and name, file name, number, size, chunk count.
    private Record6<Long, String, String, Integer, Long, Integer> version(long versionId) {
        return dsl.select(FILE.OWNER_PEER_ID, PEER.NAME, FILE.NAME, FILE_VERSION.VERSION, FILE_VERSION.SIZE,
                        FILE_VERSION.CHUNK_COUNT)
                .from(FILE_VERSION).join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                .join(PEER).on(PEER.ID.eq(FILE.OWNER_PEER_ID))
                .where(FILE_VERSION.ID.eq(versionId)).fetchSingle();
    }

    private EventRecord event(EventKind kind, OffsetDateTime now) {
        EventRecord e = dsl.newRecord(EVENT);
        e.setAt(now);
        e.setKind(kind);
        return e;
    }

    private String peerName(long peerId) {
        return dsl.select(PEER.NAME).from(PEER).where(PEER.ID.eq(peerId)).fetchSingle(PEER.NAME);
    }
}
