package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.RELEASE_TASK;
import static p2pbrs.db.server.Tables.REPAIR_TASK;
import static p2pbrs.db.server.Tables.REPLICA;
import static p2pbrs.db.server.Tables.RESTORE_REPORT;
import static p2pbrs.db.server.Tables.SUBSTITUTE;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import p2pbrs.db.server.tables.records.FileVersionRecord;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.VersionHealth;

/** The backup tables' operations inside one transaction. */
public final class BackupTx {
    private final DSLContext dsl;

    private final CopyCounters counters;

    BackupTx(DSLContext dsl) {
        this.dsl = dsl;
        this.counters = new CopyCounters(dsl);
    }

    /** The history tables, in this same transaction. */
    public History history() {
        return new History(dsl);
    }

    /** The registry, in this same transaction (who is asking, the request log). */
    public RegistryTx registry() {
        return new RegistryTx(dsl);
    }

    /**
     * Registered, ALIVE, storage-capable peers other than the owner, with their free space:
     * capacity minus what the server counts against them (every plan placed on them until
     * they confirm its release), one number per peer. The {@code most} with the most room,
     * ties by name regardless of case: read in that order from idx_peer_state_free, a few
     * rows however many peers there are.
     */
    public List<StorageCandidate> storageCandidates(long ownerPeerId, int most) {
        return dsl.select(PEER.ID, PEER.NAME, PEER.IP, PEER.TCP_PORT, PEER.FREE_BYTES, PEER_SECRET.SEALED_TICKET_KEY)
                .from(PEER).join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(PEER.ID))
                .where(PEER.STATE.eq(PeerState.ALIVE), PEER.ROLE.in(Role.STORAGE, Role.BOTH), PEER.ID.ne(ownerPeerId),
                        PEER_SECRET.SEALED_TICKET_KEY.isNotNull())
                // The state first, as the index has it: H2 then reads the index in order.
                .orderBy(PEER.STATE, PEER.FREE_BYTES.desc(), PEER.NAME_KEY)
                .limit(most)
                .fetch(r -> new StorageCandidate(r.value1(), r.value2(), r.value3(), r.value4(),
                        Math.max(0, r.value5()), r.value6()));
    }

    /** How many of the owner's versions are being backed up now. */
    public int pendingVersions(long ownerPeerId) {
        // Through idx_file_version_owner_state: a few rows, however long the owner's history.
        return dsl.fetchCount(dsl.selectOne().from(FILE_VERSION)
                .where(FILE_VERSION.OWNER_PEER_ID.eq(ownerPeerId), FILE_VERSION.STATE.eq(VersionState.PENDING)));
    }

    /** The owner's file of this name, created if new; returns its id. */
    public long fileId(long ownerPeerId, String name, OffsetDateTime now) {
        Optional<Long> existing = findFile(ownerPeerId, name);
        if (existing.isPresent()) {
            return existing.get();
        }
        return dsl.insertInto(FILE, FILE.OWNER_PEER_ID, FILE.NAME, FILE.CREATED_AT)
                .values(ownerPeerId, name, now)
                .returning(FILE.ID)
                .fetchOne(FILE.ID);
    }

    /** The name of the owner's file with this number, if it is the owner's. */
    public Optional<String> fileName(long ownerPeerId, long fileId) {
        return dsl.select(FILE.NAME).from(FILE).where(FILE.ID.eq(fileId), FILE.OWNER_PEER_ID.eq(ownerPeerId))
                .fetchOptional(FILE.NAME);
    }

    public Optional<Long> findFile(long ownerPeerId, String name) {
        return dsl.select(FILE.ID).from(FILE)
                .where(FILE.OWNER_PEER_ID.eq(ownerPeerId), FILE.NAME.eq(name))
                .fetchOptional(FILE.ID);
    }

    /** Creates the next version of a file (numbers are never reused, expired ones included). */
    public VersionRow newVersion(long fileId, long size, String checksum, long chunkSize, int chunkCount,
                                 int replicas, int format, OffsetDateTime now, OffsetDateTime expiresAt) {
        // The file's row counts its versions (and stays locked by this update until the
        // transaction ends): one row read, however many versions the file has had.
        dsl.update(FILE).set(FILE.LAST_VERSION, FILE.LAST_VERSION.plus(1)).where(FILE.ID.eq(fileId)).execute();
        var file = dsl.select(FILE.LAST_VERSION, FILE.OWNER_PEER_ID).from(FILE).where(FILE.ID.eq(fileId)).fetchOne();
        FileVersionRecord row = dsl.newRecord(FILE_VERSION);
        row.setFileId(fileId);
        row.setOwnerPeerId(file.value2());
        row.setVersion(file.value1());
        row.setSize(size);
        row.setChecksum(checksum);
        row.setChunkSize(chunkSize);
        row.setChunkCount(chunkCount);
        row.setReplicas(replicas);
        row.setFormat(format);
        // Random, so that nothing a storage peer sees tells it the file's name, or which
        // versions are of one file.
        row.setChunkName(ChunkNames.generate());
        row.setState(VersionState.PENDING);
        row.setCreatedAt(now);
        row.setExpiresAt(expiresAt);
        row.store();
        return version(row.getId()).orElseThrow();
    }

    /** Adds a peer to a plan, and counts what the plan reserves on it against its capacity. */
    public void addPlanPeer(long versionId, int slot, long peerId, long reservedBytes) {
        addPlanPeers(versionId, List.of(new PlanSlot(slot, peerId, null, null, 0, null)), s -> reservedBytes);
    }

    /**
     * Adds a plan's peers, and counts what the plan reserves on each against its capacity:
     * one INSERT of every row and one UPDATE run as a batch, so that a plan of 32 peers costs
     * two statements rendered once each rather than 64 (bench-meta measured the plan's rows
     * at a third of a BACKUP_REQ's time).
     */
    public void addPlanPeers(long versionId, List<PlanSlot> slots, java.util.function.IntToLongFunction reserved) {
        if (slots.isEmpty()) {
            return;
        }
        var insert = dsl.insertInto(PLAN_PEER, PLAN_PEER.FILE_VERSION_ID, PLAN_PEER.SLOT, PLAN_PEER.PEER_ID,
                PLAN_PEER.RESERVED_BYTES);
        for (PlanSlot slot : slots) {
            insert = insert.values(versionId, slot.slot(), slot.peerId(), reserved.applyAsLong(slot.slot()));
        }
        insert.execute();
        var count = dsl.batch(dsl.update(PEER).set(PEER.COMMITTED_BYTES, PEER.COMMITTED_BYTES.plus((Long) null))
                .where(PEER.ID.eq((Long) null)));
        for (PlanSlot slot : slots) {
            count = count.bind(reserved.applyAsLong(slot.slot()), slot.peerId());
        }
        count.execute();
    }

    public Optional<VersionRow> version(long versionId) {
        return versionQuery().where(FILE_VERSION.ID.eq(versionId)).fetchOptional().map(BackupTx::toVersion);
    }

    /** A version of the owner's file, by number. */
    public Optional<VersionRow> version(long ownerPeerId, String fileName, int version) {
        return versionQuery()
                .where(FILE.OWNER_PEER_ID.eq(ownerPeerId), FILE.NAME.eq(fileName), FILE_VERSION.VERSION.eq(version))
                .fetchOptional().map(BackupTx::toVersion);
    }

    /**
     * A version of the owner's file, by the chunk name storage peers know it by (what a
     * storage peer says of its chunks names it so).
     */
    public Optional<VersionRow> versionByChunkName(long ownerPeerId, String chunkName, int version) {
        return versionQuery()
                .where(FILE.OWNER_PEER_ID.eq(ownerPeerId), FILE_VERSION.CHUNK_NAME.eq(chunkName),
                        FILE_VERSION.VERSION.eq(version))
                .limit(1)
                .fetchOptional().map(BackupTx::toVersion);
    }

    /** The newest COMPLETE version of the owner's file. */
    public Optional<VersionRow> newestComplete(long ownerPeerId, String fileName) {
        return versionQuery()
                .where(FILE.OWNER_PEER_ID.eq(ownerPeerId), FILE.NAME.eq(fileName),
                        FILE_VERSION.STATE.eq(VersionState.COMPLETE))
                .orderBy(FILE_VERSION.VERSION.desc())
                .limit(1)
                .fetchOptional().map(BackupTx::toVersion);
    }

    /** The owner's COMPLETE versions, by name then version, after a cursor. */
    public List<VersionRow> completeVersions(long ownerPeerId, String afterName, int afterVersion, int limit) {
        var condition = FILE.OWNER_PEER_ID.eq(ownerPeerId).and(FILE_VERSION.STATE.eq(VersionState.COMPLETE));
        if (afterName != null) {
            condition = condition.and(DSL.row(FILE.NAME, FILE_VERSION.VERSION).gt(afterName, afterVersion));
        }
        return versionQuery().where(condition)
                .orderBy(FILE.NAME, FILE_VERSION.VERSION)
                .limit(limit)
                .fetch(BackupTx::toVersion);
    }

    /** The health of each of these versions, as fsck counts their chunks (see {@link RepairStore#health}). */
    public Map<Long, VersionHealth> versionHealth(Collection<Long> versionIds) {
        return RepairStore.versionHealth(dsl, versionIds);
    }

    public List<PlanSlot> planSlots(long versionId) {
        return dsl.select(PLAN_PEER.SLOT, PEER.ID, PEER.NAME, PEER.IP, PEER.TCP_PORT, PEER_SECRET.SEALED_TICKET_KEY)
                .from(PLAN_PEER)
                .join(PEER).on(PEER.ID.eq(PLAN_PEER.PEER_ID))
                .join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(PEER.ID))
                // Rows outside the rule's slots (negative) hold repaired copies, not a slot.
                .where(PLAN_PEER.FILE_VERSION_ID.eq(versionId), PLAN_PEER.SLOT.ge(0))
                .orderBy(PLAN_PEER.SLOT)
                .fetch(r -> new PlanSlot(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6()));
    }

    /**
     * The plan's peers by slot, without their addresses and keys: what a STORE_ACK needs
     * to find the rule's peer count and the sender's slot, from one table.
     */
    public List<PlanMember> planMembers(long versionId) {
        return dsl.select(PLAN_PEER.SLOT, PLAN_PEER.PEER_ID).from(PLAN_PEER)
                .where(PLAN_PEER.FILE_VERSION_ID.eq(versionId), PLAN_PEER.SLOT.ge(0))
                .fetch(r -> new PlanMember(r.value1(), r.value2()));
    }

    /** The checksum already recorded for a chunk, if any. */
    public Optional<String> chunkChecksum(long versionId, int idx) {
        return dsl.select(CHUNK.CHECKSUM).from(CHUNK)
                .where(CHUNK.FILE_VERSION_ID.eq(versionId), CHUNK.IDX.eq(idx))
                .fetchOptional(CHUNK.CHECKSUM);
    }

    /**
     * Records the checksum the owner reported for a chunk, counting the good copies already
     * acknowledged (a STORE_ACK may arrive before the checksum): at most one per plan peer.
     */
    public void addChunk(VersionRow version, int idx, long size, String checksum) {
        lockVersion(version.id());
        counters.chunkSummed(version, idx, size, checksum);
    }

    /**
     * Records (or refreshes) a copy a storage peer acknowledged, keeping the counters in
     * step: a copy is good when its checksum is the one the owner reported.
     */
    public void storeReplica(VersionRow version, int idx, long peerId, long size, String checksum,
                             OffsetDateTime now) {
        boolean counts = counters.lockHolder(peerId);
        lockVersion(version.id());
        CopyCounters.Copy before = copy(version.id(), idx, peerId);
        // The copy's row was read under the version's lock, which every change to it holds:
        // an INSERT or an UPDATE, which H2 runs for less than a MERGE deciding the same.
        if (before == null) {
            dsl.insertInto(REPLICA, REPLICA.FILE_VERSION_ID, REPLICA.CHUNK_IDX, REPLICA.PEER_ID, REPLICA.STATE,
                            REPLICA.SIZE, REPLICA.CHECKSUM, REPLICA.STORED_AT, REPLICA.UPDATED_AT)
                    .values(version.id(), idx, peerId, ReplicaState.STORED, size, checksum, now, now)
                    .execute();
        } else {
            dsl.update(REPLICA)
                    .set(REPLICA.STATE, ReplicaState.STORED)
                    .set(REPLICA.SIZE, size)
                    .set(REPLICA.CHECKSUM, checksum)
                    .set(REPLICA.UPDATED_AT, now)
                    .where(REPLICA.FILE_VERSION_ID.eq(version.id()), REPLICA.CHUNK_IDX.eq(idx),
                            REPLICA.PEER_ID.eq(peerId))
                    .execute();
        }
        counters.copyChanged(version, idx, peerId, counts, counters.chunk(version.id(), idx), before,
                new CopyCounters.Copy(ReplicaState.STORED, size, checksum));
    }

    /**
     * Marks a peer's copy of a chunk LOST (found bad or missing: CHUNK_BAD), keeping the
     * counters in step. Returns the state the copy was in (LOST already changes nothing),
     * or empty when the peer has no copy of that chunk on record.
     */
    public Optional<ReplicaState> loseReplica(VersionRow version, int idx, long peerId, OffsetDateTime now) {
        boolean counts = counters.lockHolder(peerId);
        lockVersion(version.id());
        CopyCounters.Copy before = copy(version.id(), idx, peerId);
        if (before == null) {
            return Optional.empty();
        }
        if (before.stored()) {
            dsl.update(REPLICA).set(REPLICA.STATE, ReplicaState.LOST).set(REPLICA.UPDATED_AT, now)
                    .where(REPLICA.FILE_VERSION_ID.eq(version.id()), REPLICA.CHUNK_IDX.eq(idx),
                            REPLICA.PEER_ID.eq(peerId))
                    .execute();
            counters.copyChanged(version, idx, peerId, counts, counters.chunk(version.id(), idx), before,
                    new CopyCounters.Copy(ReplicaState.LOST, before.size(), before.checksum()));
            // A repair copying from this copy cannot: it is planned afresh from a good one.
            RepairStore.dropTasks(dsl, REPAIR_TASK.FILE_VERSION_ID.eq(version.id()).and(REPAIR_TASK.CHUNK_IDX.eq(idx))
                    .and(REPAIR_TASK.SOURCE_PEER_ID.eq(peerId)));
        }
        return Optional.of(before.state());
    }

    /**
     * A copy its storage peer released (a surplus one): the row goes, the counters kept in
     * step. Returns whether there was a row.
     */
    public boolean dropReplica(VersionRow version, int idx, long peerId) {
        boolean counts = counters.lockHolder(peerId);
        lockVersion(version.id());
        CopyCounters.Copy before = copy(version.id(), idx, peerId);
        if (before == null) {
            return false;
        }
        dsl.deleteFrom(REPLICA)
                .where(REPLICA.FILE_VERSION_ID.eq(version.id()), REPLICA.CHUNK_IDX.eq(idx), REPLICA.PEER_ID.eq(peerId))
                .execute();
        counters.copyChanged(version, idx, peerId, counts, counters.chunk(version.id(), idx), before,
                null);
        return true;
    }

    /** The peer's copy of the chunk as its row says, or null when there is none. */
    private CopyCounters.Copy copy(long versionId, int idx, long peerId) {
        return dsl.select(REPLICA.STATE, REPLICA.SIZE, REPLICA.CHECKSUM).from(REPLICA)
                .where(REPLICA.FILE_VERSION_ID.eq(versionId), REPLICA.CHUNK_IDX.eq(idx), REPLICA.PEER_ID.eq(peerId))
                .fetchOne(r -> new CopyCounters.Copy(r.value1(), r.value2(), r.value3()));
    }

    /** What storage peers reported they hold (INVENTORY), in this same transaction. */
    public InventoryTx inventory() {
        return new InventoryTx(dsl, this);
    }

    // Checksums (CHUNK_SUMS) and copies (STORE_ACK) of one version arrive concurrently; each
    // counts what the other recorded, so they take the version's row lock in turn (a copy
    // takes its holder's row first: CopyCounters).
    private void lockVersion(long versionId) {
        dsl.select(FILE_VERSION.ID).from(FILE_VERSION).where(FILE_VERSION.ID.eq(versionId)).forUpdate().fetch();
    }

    /** A later expiry for a backup still under way (its plan renewed). */
    public void extend(long versionId, OffsetDateTime expiresAt) {
        dsl.update(FILE_VERSION).set(FILE_VERSION.EXPIRES_AT, expiresAt)
                .where(FILE_VERSION.ID.eq(versionId), FILE_VERSION.STATE.eq(VersionState.PENDING)).execute();
    }

    public void complete(long versionId, String checksum, OffsetDateTime now) {
        dsl.update(FILE_VERSION)
                .set(FILE_VERSION.STATE, VersionState.COMPLETE)
                .set(FILE_VERSION.CHECKSUM, checksum)
                .set(FILE_VERSION.COMPLETED_AT, now)
                .where(FILE_VERSION.ID.eq(versionId))
                .execute();
    }

    /**
     * Chunks from {@code fromIdx} on, each with the registered peers holding a copy that
     * matches the owner's checksum, in chunk order; at most {@code limit} chunks.
     */
    public List<ChunkCopies> chunkCopies(long versionId, int fromIdx, int limit) {
        Map<Integer, ChunkCopies> byIdx = new LinkedHashMap<>();
        dsl.select(CHUNK.IDX, CHUNK.SIZE, CHUNK.CHECKSUM)
                .from(CHUNK)
                .where(CHUNK.FILE_VERSION_ID.eq(versionId), CHUNK.IDX.ge(fromIdx))
                .orderBy(CHUNK.IDX)
                .limit(limit)
                .forEach(r -> byIdx.put(r.value1(), new ChunkCopies(r.value1(), r.value2(), r.value3(),
                        new ArrayList<>())));
        if (byIdx.isEmpty()) {
            return List.of();
        }
        int last = byIdx.keySet().stream().mapToInt(Integer::intValue).max().orElse(fromIdx);
        for (Record r : dsl.select(REPLICA.CHUNK_IDX, PEER.ID, PEER.NAME, PEER.IP, PEER.TCP_PORT,
                        PEER_SECRET.SEALED_TICKET_KEY)
                .from(REPLICA)
                .join(CHUNK).on(CHUNK.FILE_VERSION_ID.eq(REPLICA.FILE_VERSION_ID), CHUNK.IDX.eq(REPLICA.CHUNK_IDX),
                        CHUNK.CHECKSUM.eq(REPLICA.CHECKSUM))
                .join(PEER).on(PEER.ID.eq(REPLICA.PEER_ID))
                .join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(PEER.ID))
                .where(REPLICA.FILE_VERSION_ID.eq(versionId), REPLICA.STATE.eq(ReplicaState.STORED),
                        REPLICA.CHUNK_IDX.between(fromIdx, last), PEER.STATE.ne(PeerState.GONE),
                        PEER_SECRET.SEALED_TICKET_KEY.isNotNull())
                // Peers believed alive first, then leaving ones (they still heartbeat and serve),
                // then the rest, each by name, so owners try the likeliest copy first.
                .orderBy(REPLICA.CHUNK_IDX, DSL.when(PEER.STATE.eq(PeerState.ALIVE), 0)
                        .when(PEER.STATE.eq(PeerState.DECOMMISSIONING), 1).otherwise(2), PEER.NAME_KEY)
                .fetch()) {
            ChunkCopies c = byIdx.get(r.get(REPLICA.CHUNK_IDX));
            c.holders().add(new PlanSlot(-1, r.get(PEER.ID), r.get(PEER.NAME), r.get(PEER.IP), r.get(PEER.TCP_PORT),
                    r.get(PEER_SECRET.SEALED_TICKET_KEY)));
        }
        return new ArrayList<>(byIdx.values());
    }

    /**
     * Forgets a version: it is never restored again, and each storage peer of its plan that
     * has not released its chunks yet is queued to be told to (a chunk another version
     * still uses stays on the peer, which counts its own references).
     */
    public void forget(long versionId, OffsetDateTime now, OffsetDateTime releaseAt) {
        dsl.update(FILE_VERSION)
                .set(FILE_VERSION.STATE, VersionState.FORGOTTEN)
                .set(FILE_VERSION.FORGOTTEN_AT, now)
                .where(FILE_VERSION.ID.eq(versionId))
                .execute();
        queueReleases(versionId, now, releaseAt);
    }

    /**
     * Marks a version that never completed EXPIRED and queues the release of its chunks, to
     * be sent no earlier than releaseAt: once no storage peer honours the plan's tickets any
     * more, so that no chunk can arrive after its release and stay for ever.
     */
    public void expire(long versionId, OffsetDateTime now, OffsetDateTime releaseAt) {
        dsl.update(FILE_VERSION).set(FILE_VERSION.STATE, VersionState.EXPIRED)
                .where(FILE_VERSION.ID.eq(versionId), FILE_VERSION.STATE.eq(VersionState.PENDING)).execute();
        queueReleases(versionId, now, releaseAt);
    }

    private void queueReleases(long versionId, OffsetDateTime now, OffsetDateTime releaseAt) {
        dsl.insertInto(RELEASE_TASK, RELEASE_TASK.FILE_VERSION_ID, RELEASE_TASK.PEER_ID, RELEASE_TASK.CREATED_AT,
                        RELEASE_TASK.NEXT_ATTEMPT_AT)
                .select(dsl.select(PLAN_PEER.FILE_VERSION_ID, PLAN_PEER.PEER_ID, DSL.val(now), DSL.val(releaseAt))
                        .from(PLAN_PEER)
                        .where(PLAN_PEER.FILE_VERSION_ID.eq(versionId), PLAN_PEER.RELEASED_AT.isNull())
                        .andNotExists(dsl.selectOne().from(RELEASE_TASK)
                                .where(RELEASE_TASK.FILE_VERSION_ID.eq(versionId),
                                        RELEASE_TASK.PEER_ID.eq(PLAN_PEER.PEER_ID))))
                .execute();
    }

    /** The owner's COMPLETE versions of a file, oldest first, at most limit. */
    public List<VersionRow> completeVersionsOf(long ownerPeerId, String fileName, int limit) {
        return versionQuery()
                .where(FILE.OWNER_PEER_ID.eq(ownerPeerId), FILE.NAME.eq(fileName),
                        FILE_VERSION.STATE.eq(VersionState.COMPLETE))
                .orderBy(FILE_VERSION.VERSION)
                .limit(limit)
                .fetch(BackupTx::toVersion);
    }

    /** Whether a repair is copying this chunk to this peer. */
    public boolean repairQueued(long versionId, int idx, long peerId) {
        return dsl.fetchExists(REPAIR_TASK, REPAIR_TASK.FILE_VERSION_ID.eq(versionId), REPAIR_TASK.CHUNK_IDX.eq(idx),
                REPAIR_TASK.TARGET_PEER_ID.eq(peerId));
    }

    /**
     * The copy a repair was making arrived: the task is done, and recorded with how long it
     * took from being queued.
     */
    public void repairDone(long versionId, int idx, OffsetDateTime now) {
        dsl.selectFrom(REPAIR_TASK).where(REPAIR_TASK.FILE_VERSION_ID.eq(versionId), REPAIR_TASK.CHUNK_IDX.eq(idx))
                .fetchOptional()
                .ifPresent(t -> history().repair(versionId, idx, t.getSourcePeerId(), t.getTargetPeerId(),
                        t.getCreatedAt(), null, now));
        dsl.deleteFrom(REPAIR_TASK).where(REPAIR_TASK.FILE_VERSION_ID.eq(versionId), REPAIR_TASK.CHUNK_IDX.eq(idx))
                .execute();
    }

    /** The peers given a copy of this chunk in place of a planned peer that failed (SUBSTITUTE_REQ). */
    public List<PlanSlot> substitutes(long versionId, int idx) {
        return dsl.select(PEER.ID, PEER.NAME, PEER.IP, PEER.TCP_PORT).from(SUBSTITUTE)
                .join(PEER).on(PEER.ID.eq(SUBSTITUTE.PEER_ID))
                .where(SUBSTITUTE.FILE_VERSION_ID.eq(versionId), SUBSTITUTE.CHUNK_IDX.eq(idx))
                .orderBy(SUBSTITUTE.ID)
                .fetch(r -> new PlanSlot(-1, r.value1(), r.value2(), r.value3(), r.value4(), null));
    }

    /** Whether this peer was given this chunk as a substitute: its STORE_ACK then counts. */
    public boolean substituted(long versionId, int idx, long peerId) {
        return dsl.fetchExists(SUBSTITUTE, SUBSTITUTE.FILE_VERSION_ID.eq(versionId), SUBSTITUTE.CHUNK_IDX.eq(idx),
                SUBSTITUTE.PEER_ID.eq(peerId));
    }

    /**
     * Where a substitute copy of a chunk can go: the ALIVE storage peer with the most free
     * space that has room for it, holds no copy of it, is not its owner and is none of
     * {@code excluded} (the chunk's planned peers and earlier substitutes).
     */
    public Optional<PlanSlot> substituteTarget(long versionId, int idx, long size, long ownerPeerId,
                                               Collection<Long> excluded) {
        return ExtraCopies.target(dsl, versionId, idx, size, ownerPeerId, excluded);
    }

    /** Gives a chunk to a substitute peer, counting its bytes against that peer at once. */
    public void addSubstitute(long versionId, int idx, long peerId, long size, OffsetDateTime now) {
        dsl.insertInto(SUBSTITUTE, SUBSTITUTE.FILE_VERSION_ID, SUBSTITUTE.CHUNK_IDX, SUBSTITUTE.PEER_ID,
                        SUBSTITUTE.CREATED_AT)
                .values(versionId, idx, peerId, now)
                .execute();
        ExtraCopies.reserve(dsl, versionId, idx, peerId, size);
    }

    public void reportRestore(long versionId, long ownerPeerId, RestoreOutcome outcome, String reason,
                              OffsetDateTime now) {
        dsl.insertInto(RESTORE_REPORT, RESTORE_REPORT.FILE_VERSION_ID, RESTORE_REPORT.OWNER_PEER_ID,
                        RESTORE_REPORT.OUTCOME, RESTORE_REPORT.REASON, RESTORE_REPORT.REPORTED_AT)
                .values(versionId, ownerPeerId, outcome, reason, now)
                .execute();
    }

    private org.jooq.SelectOnConditionStep<Record> versionQuery() {
        return dsl.select(FILE_VERSION.fields()).select(FILE.NAME)
                .from(FILE_VERSION).join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID));
    }

    private static VersionRow toVersion(Record r) {
        return new VersionRow(r.get(FILE_VERSION.ID), r.get(FILE_VERSION.FILE_ID), r.get(FILE.NAME),
                r.get(FILE_VERSION.VERSION), r.get(FILE_VERSION.SIZE), r.get(FILE_VERSION.CHECKSUM),
                r.get(FILE_VERSION.CHUNK_SIZE), r.get(FILE_VERSION.CHUNK_COUNT), r.get(FILE_VERSION.REPLICAS),
                r.get(FILE_VERSION.STATE), r.get(FILE_VERSION.CREATED_AT), r.get(FILE_VERSION.COMPLETED_AT),
                r.get(FILE_VERSION.EXPIRES_AT), r.get(FILE_VERSION.CHUNKS_SUMMED), r.get(FILE_VERSION.CHUNKS_STORED),
                r.get(FILE_VERSION.CHUNKS_FULL), r.get(FILE_VERSION.COPIES_GOOD), r.get(FILE_VERSION.CHUNK_NAME),
                r.get(FILE_VERSION.FORMAT));
    }
}
