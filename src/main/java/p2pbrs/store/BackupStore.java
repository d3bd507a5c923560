package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.RELEASE_TASK;
import static p2pbrs.db.server.Tables.REPLICA;
import static p2pbrs.db.server.Tables.SUBSTITUTE;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;
import p2pbrs.db.server.tables.Peer;

/** The server's backup tables: files, versions, plans, chunks, replicas, restore reports, releases. */
public final class BackupStore {
    private final Database database;
    private final KnownPeers knownPeers = new KnownPeers();

    public BackupStore(Database database) {
        this.database = database;
    }

    /** Who holds a token, and who has a public id, as last read (valid while no peer changed). */
    public KnownPeers knownPeers() {
        return knownPeers;
    }

    public <T> T transaction(Function<BackupTx, T> work) {
        return database.transaction(dsl -> work.apply(new BackupTx(dsl)));
    }

    /**
     * A transaction that may be shared with other requests arriving at the same time and
     * committed with them ({@link Database#groupedTransaction}); returns once committed.
     */
    public <T> T groupedTransaction(Object exclusive, Function<BackupTx, T> work) {
        return database.groupedTransaction(exclusive, dsl -> work.apply(new BackupTx(dsl)));
    }

    /**
     * Marks PENDING versions past their expiry EXPIRED (at most limit of them) and queues
     * the release of whatever their peers stored, to go out after the delay; the space
     * stays counted until each peer confirms. Returns how many expired.
     */
    public int expireDue(OffsetDateTime now, int limit, java.time.Duration releaseDelay) {
        return transaction(tx -> {
            List<Long> due = database.dsl().select(FILE_VERSION.ID).from(FILE_VERSION)
                    .where(FILE_VERSION.STATE.eq(VersionState.PENDING), FILE_VERSION.EXPIRES_AT.lt(now))
                    .limit(limit).fetch(FILE_VERSION.ID);
            due.forEach(id -> {
                tx.expire(id, now, now.plus(releaseDelay));
                tx.history().backupEnded(id, History.PLAN_EXPIRED, now);
            });
            return due.size();
        });
    }

    /** Releases whose time to try has come, oldest first. */
    public List<ReleaseTask> dueReleases(OffsetDateTime now, int limit) {
        Peer storage = PEER.as("storage");
        Peer owner = PEER.as("owner");
        return database.dsl()
                .select(RELEASE_TASK.ID, RELEASE_TASK.FILE_VERSION_ID, RELEASE_TASK.PEER_ID, storage.IP,
                        storage.UDP_PORT, PEER_SECRET.SEALED_TICKET_KEY, owner.PUBLIC_ID, FILE_VERSION.CHUNK_NAME,
                        FILE_VERSION.VERSION, RELEASE_TASK.ATTEMPTS)
                .from(RELEASE_TASK)
                .join(storage).on(storage.ID.eq(RELEASE_TASK.PEER_ID))
                .join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(storage.ID))
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(RELEASE_TASK.FILE_VERSION_ID))
                .join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                .join(owner).on(owner.ID.eq(FILE.OWNER_PEER_ID))
                .where(RELEASE_TASK.NEXT_ATTEMPT_AT.le(now), PEER_SECRET.SEALED_TICKET_KEY.isNotNull())
                .orderBy(RELEASE_TASK.NEXT_ATTEMPT_AT, RELEASE_TASK.ID)
                .limit(limit)
                .fetch(r -> new ReleaseTask(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(),
                        r.value7(), r.value8(), r.value9(), r.value10()));
    }

    /**
     * The peer confirmed the release: the plan's reservation stops counting against it,
     * once, and the task is done.
     */
    public void releaseDone(ReleaseTask task, OffsetDateTime now) {
        database.transaction(dsl -> {
            Long reserved = dsl.select(PLAN_PEER.RESERVED_BYTES).from(PLAN_PEER)
                    .where(PLAN_PEER.FILE_VERSION_ID.eq(task.versionId()), PLAN_PEER.PEER_ID.eq(task.peerId()),
                            PLAN_PEER.RELEASED_AT.isNull())
                    .forUpdate()
                    .fetchOne(PLAN_PEER.RESERVED_BYTES);
            if (reserved != null) {
                dsl.update(PLAN_PEER).set(PLAN_PEER.RELEASED_AT, now)
                        .where(PLAN_PEER.FILE_VERSION_ID.eq(task.versionId()), PLAN_PEER.PEER_ID.eq(task.peerId()))
                        .execute();
                dsl.update(PEER).set(PEER.COMMITTED_BYTES, PEER.COMMITTED_BYTES.minus(reserved))
                        .where(PEER.ID.eq(task.peerId())).execute();
            }
            dsl.deleteFrom(RELEASE_TASK).where(RELEASE_TASK.ID.eq(task.id())).execute();
            return null;
        });
    }

    /** The peer did not answer: try again at this time. */
    public void releaseLater(ReleaseTask task, OffsetDateTime next) {
        database.dsl().update(RELEASE_TASK)
                .set(RELEASE_TASK.ATTEMPTS, RELEASE_TASK.ATTEMPTS.plus(1))
                .set(RELEASE_TASK.NEXT_ATTEMPT_AT, next)
                .where(RELEASE_TASK.ID.eq(task.id()))
                .execute();
    }

    /**
     * Drops the chunk, copy and substitute rows of versions that expired or were forgotten and whose
     * every release is confirmed (at most limit versions): an owner that starts backups
     * and never completes them leaves one version row each behind, not one row per chunk.
     * Returns how many versions were trimmed.
     */
    public int trimReleasedVersions(int limit) {
        return database.transaction(dsl -> {
            List<Long> ids = dsl.select(FILE_VERSION.ID).from(FILE_VERSION)
                    .where(FILE_VERSION.STATE.in(VersionState.EXPIRED, VersionState.FORGOTTEN))
                    .andExists(dsl.selectOne().from(CHUNK).where(CHUNK.FILE_VERSION_ID.eq(FILE_VERSION.ID)))
                    .andNotExists(dsl.selectOne().from(RELEASE_TASK)
                            .where(RELEASE_TASK.FILE_VERSION_ID.eq(FILE_VERSION.ID)))
                    .limit(limit)
                    .fetch(FILE_VERSION.ID);
            if (!ids.isEmpty()) {
                new CopyCounters(dsl).versionsDropped(ids);
                dsl.deleteFrom(REPLICA).where(REPLICA.FILE_VERSION_ID.in(ids)).execute();
                dsl.deleteFrom(SUBSTITUTE).where(SUBSTITUTE.FILE_VERSION_ID.in(ids)).execute();
                dsl.deleteFrom(CHUNK).where(CHUNK.FILE_VERSION_ID.in(ids)).execute();
            }
            return ids.size();
        });
    }

    /**
     * Drops inventory scans begun before the cutoff that never completed (a peer that
     * stopped half-way through its report); returns how many.
     */
    public int pruneInventoryScans(OffsetDateTime cutoff) {
        return transaction(tx -> tx.inventory().prune(cutoff));
    }
}
