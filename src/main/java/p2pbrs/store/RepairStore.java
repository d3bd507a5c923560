package p2pbrs.store;

import static p2pbrs.db.server.Tables.CHUNK;
import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.REPAIR_TASK;
import static p2pbrs.db.server.Tables.REPLICA;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import p2pbrs.db.server.tables.PeerSecret;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.VersionHealth;

/**
 * The repair queue: chunks with fewer good copies on live peers than their version wants,
 * and the copies being made for them. A copy counts as live while its holder is ALIVE or
 * STALE (a stale peer may only be slow); a DEAD peer's copies are lost until it returns,
 * and a DECOMMISSIONING peer's are about to go (it still serves them, and is a source).
 */
public final class RepairStore {
    private final Database database;

    public RepairStore(Database database) {
        this.database = database;
    }

    /** A chunk short of copies: how many live good copies it has, and who holds one. */
    public record Need(long versionId, int idx, long size, String checksum, int wanted, int live,
                       long ownerPeerId) {
    }

    /** A good copy of the chunk (a STORED replica with its checksum) on a peer in one of these states. */
    static Condition goodCopyOf(Field<Long> versionId, Field<Integer> idx, Field<String> sum,
                                         List<PeerState> holderStates) {
        return REPLICA.FILE_VERSION_ID.eq(versionId).and(REPLICA.CHUNK_IDX.eq(idx))
                .and(REPLICA.STATE.eq(ReplicaState.STORED)).and(REPLICA.CHECKSUM.eq(sum))
                .and(REPLICA.PEER_ID.in(DSL.select(PEER.ID).from(PEER).where(PEER.STATE.in(holderStates))));
    }

    /** A good copy that counts: its holder is ALIVE or STALE. */
    static Condition liveGoodCopyOf(Field<Long> versionId, Field<Integer> idx, Field<String> sum) {
        return goodCopyOf(versionId, idx, sum, PeerState.counting());
    }

    /**
     * A good copy whose holder is ALIVE: one known to be there now. What deletes a copy for
     * good (a peer let go, a surplus copy released) relies on these alone, since a STALE
     * holder may already be dead; repair and fsck count live copies.
     */
    static Condition aliveGoodCopyOf(Field<Long> versionId, Field<Integer> idx, Field<String> sum) {
        return goodCopyOf(versionId, idx, sum, List.of(PeerState.ALIVE));
    }

    /**
     * Chunks of complete versions with fewer live good copies than wanted and no copy under
     * way, the fewest copies first; at most limit.
     */
    public List<Need> needs(int limit) {
        DSLContext dsl = database.dsl();
        Field<Integer> live = DSL.field(dsl.selectCount().from(REPLICA)
                .where(liveGoodCopyOf(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.CHECKSUM))).as("live");
        var inner = dsl.select(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.SIZE, CHUNK.CHECKSUM, FILE_VERSION.REPLICAS,
                        FILE.OWNER_PEER_ID, live)
                .from(CHUNK)
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(CHUNK.FILE_VERSION_ID))
                .join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                .where(FILE_VERSION.STATE.eq(VersionState.COMPLETE))
                .andNotExists(dsl.selectOne().from(REPAIR_TASK).where(REPAIR_TASK.FILE_VERSION_ID
                        .eq(CHUNK.FILE_VERSION_ID), REPAIR_TASK.CHUNK_IDX.eq(CHUNK.IDX)))
                .asTable("c");
        Field<Integer> liveField = inner.field("live", Integer.class);
        return dsl.selectFrom(inner)
                .where(liveField.lt(inner.field(FILE_VERSION.REPLICAS)))
                .orderBy(liveField, inner.field(CHUNK.FILE_VERSION_ID), inner.field(CHUNK.IDX))
                .limit(limit)
                .fetch(r -> new Need(r.get(inner.field(CHUNK.FILE_VERSION_ID)), r.get(inner.field(CHUNK.IDX)),
                        r.get(inner.field(CHUNK.SIZE)), r.get(inner.field(CHUNK.CHECKSUM)),
                        r.get(inner.field(FILE_VERSION.REPLICAS)), r.get(liveField),
                        r.get(inner.field(FILE.OWNER_PEER_ID))));
    }

    /**
     * Peers holding a good copy of the chunk that a copy can come from: ALIVE ones, and
     * DECOMMISSIONING ones, first (as HDFS does): their copies are the ones about to go,
     * and they take no new work of their own.
     */
    public List<Long> sources(Need need) {
        return database.dsl().select(REPLICA.PEER_ID).from(REPLICA).join(PEER).on(PEER.ID.eq(REPLICA.PEER_ID))
                .where(REPLICA.FILE_VERSION_ID.eq(need.versionId()), REPLICA.CHUNK_IDX.eq(need.idx()),
                        REPLICA.STATE.eq(ReplicaState.STORED), REPLICA.CHECKSUM.eq(need.checksum()),
                        PEER.STATE.in(PeerState.ALIVE, PeerState.DECOMMISSIONING))
                .orderBy(DSL.when(PEER.STATE.eq(PeerState.DECOMMISSIONING), 0).otherwise(1), PEER.NAME_KEY)
                .fetch(REPLICA.PEER_ID);
    }

    /**
     * The ALIVE storage peer with the most free space that holds no good copy of the chunk
     * (one whose copy was found bad last), is not its owner and has room for it.
     */
    public Optional<Long> target(Need need) {
        return ExtraCopies.target(database.dsl(), need.versionId(), need.idx(), need.size(), need.ownerPeerId(),
                List.of()).map(PlanSlot::peerId);
    }

    /**
     * Queues a copy and counts its bytes against the target at once (as a plan does), in
     * the version's plan rows, so that a later release of the version frees them too.
     */
    public void queue(Need need, long source, long target, OffsetDateTime now) {
        database.transaction(dsl -> {
            dsl.insertInto(REPAIR_TASK, REPAIR_TASK.FILE_VERSION_ID, REPAIR_TASK.CHUNK_IDX, REPAIR_TASK.SOURCE_PEER_ID,
                            REPAIR_TASK.TARGET_PEER_ID, REPAIR_TASK.CREATED_AT, REPAIR_TASK.NEXT_ATTEMPT_AT)
                    .values(need.versionId(), need.idx(), source, target, now, now)
                    .execute();
            ExtraCopies.reserve(dsl, need.versionId(), need.idx(), target, need.size());
            return null;
        });
    }

    /** Copies whose time to ask for has come, with all it takes to ask. */
    public List<RepairJob> due(OffsetDateTime now, int limit) {
        p2pbrs.db.server.tables.Peer source = PEER.as("source");
        p2pbrs.db.server.tables.Peer target = PEER.as("target");
        p2pbrs.db.server.tables.Peer owner = PEER.as("owner");
        PeerSecret sourceKey = PEER_SECRET.as("source_key");
        PeerSecret targetKey = PEER_SECRET.as("target_key");
        List<RepairJob> jobs = new ArrayList<>();
        database.dsl().select(REPAIR_TASK.ID, REPAIR_TASK.FILE_VERSION_ID, REPAIR_TASK.CHUNK_IDX, CHUNK.SIZE,
                        CHUNK.CHECKSUM, FILE_VERSION.CHUNK_NAME, FILE_VERSION.VERSION, FILE_VERSION.SIZE, FILE_VERSION.CHUNK_SIZE,
                        owner.PUBLIC_ID, source.ID, source.IP, source.UDP_PORT, sourceKey.SEALED_TICKET_KEY, target.NAME,
                        target.IP, target.TCP_PORT, targetKey.SEALED_TICKET_KEY, REPAIR_TASK.ATTEMPTS)
                .from(REPAIR_TASK)
                .join(CHUNK).on(CHUNK.FILE_VERSION_ID.eq(REPAIR_TASK.FILE_VERSION_ID),
                        CHUNK.IDX.eq(REPAIR_TASK.CHUNK_IDX))
                .join(FILE_VERSION).on(FILE_VERSION.ID.eq(REPAIR_TASK.FILE_VERSION_ID))
                .join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                .join(owner).on(owner.ID.eq(FILE.OWNER_PEER_ID))
                .join(source).on(source.ID.eq(REPAIR_TASK.SOURCE_PEER_ID))
                .join(sourceKey).on(sourceKey.PEER_ID.eq(source.ID))
                .join(target).on(target.ID.eq(REPAIR_TASK.TARGET_PEER_ID))
                .join(targetKey).on(targetKey.PEER_ID.eq(target.ID))
                .where(REPAIR_TASK.NEXT_ATTEMPT_AT.le(now), sourceKey.SEALED_TICKET_KEY.isNotNull(),
                        targetKey.SEALED_TICKET_KEY.isNotNull())
                .orderBy(REPAIR_TASK.NEXT_ATTEMPT_AT, REPAIR_TASK.ID)
                .limit(limit)
                .forEach(r -> jobs.add(new RepairJob(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                        r.value6(), r.value7(), r.value8(), r.value9(), r.value10(), r.value11(), r.value12(),
                        r.value13(), r.value14(), r.value15(), r.value16(), r.value17(), r.value18(), r.value19())));
        return jobs;
    }

    /** Ask again at this time. */
    public void later(long taskId, OffsetDateTime next) {
        database.dsl().update(REPAIR_TASK).set(REPAIR_TASK.ATTEMPTS, REPAIR_TASK.ATTEMPTS.plus(1))
                .set(REPAIR_TASK.NEXT_ATTEMPT_AT, next).where(REPAIR_TASK.ID.eq(taskId)).execute();
    }

    /**
     * Gives a copy up (its source or target failed too often): the chunk is planned afresh,
     * perhaps from another source to another target. The bytes counted against the target
     * are freed unless it holds a copy of the chunk on record, so that planning the chunk
     * again does not count them twice.
     */
    public void abandon(long taskId, OffsetDateTime now) {
        database.transaction(dsl -> {
            recordEnd(dsl, taskId, History.GAVE_UP, now);
            dropTasks(dsl, REPAIR_TASK.ID.eq(taskId));
            return null;
        });
    }

    /** The source of this copy lacks the chunk after all (its own word): its copy is LOST, and the copy planned afresh. */
    public void sourceLost(RepairJob job, OffsetDateTime now) {
        database.transaction(dsl -> {
            BackupTx tx = new BackupTx(dsl);
            tx.version(job.versionId()).ifPresent(v -> tx.loseReplica(v, job.idx(), job.sourcePeerId(), now));
            recordEnd(dsl, job.taskId(), Reason.NOT_FOUND, now);
            dropTasks(dsl, REPAIR_TASK.ID.eq(job.taskId()));
            return null;
        });
    }

    // A repair given up, recorded in the transaction that drops its task.
    private static void recordEnd(DSLContext dsl, long taskId, String reason, OffsetDateTime now) {
        dsl.selectFrom(REPAIR_TASK).where(REPAIR_TASK.ID.eq(taskId)).fetchOptional()
                .ifPresent(t -> new History(dsl).repair(t.getFileVersionId(), t.getChunkIdx(), t.getSourcePeerId(),
                        t.getTargetPeerId(), t.getCreatedAt(), reason, now));
    }

    /** Deletes these repair tasks, freeing what each counted against its target (see abandon). */
    static void dropTasks(DSLContext dsl, Condition which) {
        dsl.select(REPAIR_TASK.ID, REPAIR_TASK.FILE_VERSION_ID, REPAIR_TASK.CHUNK_IDX, REPAIR_TASK.TARGET_PEER_ID,
                        CHUNK.SIZE)
                .from(REPAIR_TASK).join(CHUNK).on(CHUNK.FILE_VERSION_ID.eq(REPAIR_TASK.FILE_VERSION_ID),
                        CHUNK.IDX.eq(REPAIR_TASK.CHUNK_IDX))
                .where(which)
                .forUpdate()
                .fetch()
                .forEach(t -> {
                    dsl.deleteFrom(REPAIR_TASK).where(REPAIR_TASK.ID.eq(t.value1())).execute();
                    ExtraCopies.unreserve(dsl, t.value2(), t.value3(), t.value4(), t.value5());
                });
    }

    /** A version at risk: some chunk of it is missing, or short of copies. */
    public record AtRisk(String owner, String file, int version, boolean missing) {
    }

    /**
     * The health of every chunk of every complete version, each counted once, the worst
     * that applies: missing (no good copy that can be read: none live, none on a peer that
     * is leaving), then repairing (a copy being made), then under-replicated (fewer live
     * good copies than wanted), then healthy. A chunk whose only good copy is on a
     * DECOMMISSIONING peer is short of copies, not missing: it can still be read, and is
     * being copied from there. With the versions at risk, worst first, at most atRiskLimit
     * of them.
     */
    public record Health(long healthy, long underReplicated, long repairing, long missing, List<AtRisk> atRisk) {
    }

    public Health health(int atRiskLimit) {
        DSLContext dsl = database.dsl();
        var chunks = chunkCopies(dsl, FILE_VERSION.STATE.eq(VersionState.COMPLETE));
        Field<Integer> l = chunks.field("live", Integer.class);
        Field<Integer> s = chunks.field("serving", Integer.class);
        Field<Boolean> r = chunks.field("repairing", Boolean.class);
        Field<Integer> wanted = chunks.field(FILE_VERSION.REPLICAS);
        Field<String> kind = DSL.when(s.eq(0), "missing").when(r.isTrue(), "repairing")
                .when(l.lt(wanted), "under").otherwise("healthy").as("kind");
        long[] counts = new long[4];
        Map<Long, Boolean> risky = new LinkedHashMap<>();
        dsl.select(chunks.field(CHUNK.FILE_VERSION_ID), kind).from(chunks).forEach(rec -> {
            String k = rec.value2();
            long version = rec.value1();
            switch (k) {
                case "missing" -> {
                    counts[3]++;
                    risky.put(version, true);
                }
                case "repairing" -> {
                    counts[2]++;
                    risky.putIfAbsent(version, false);
                }
                case "under" -> {
                    counts[1]++;
                    risky.putIfAbsent(version, false);
                }
                default -> counts[0]++;
            }
        });
        List<AtRisk> atRisk = new ArrayList<>();
        risky.entrySet().stream()
                .sorted((a, b) -> Boolean.compare(b.getValue(), a.getValue()))
                .limit(atRiskLimit)
                .forEach(e -> dsl.select(PEER.NAME, FILE.NAME, FILE_VERSION.VERSION).from(FILE_VERSION)
                        .join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                        .join(PEER).on(PEER.ID.eq(FILE.OWNER_PEER_ID))
                        .where(FILE_VERSION.ID.eq(e.getKey()))
                        .fetchOptional()
                        .ifPresent(v -> atRisk.add(new AtRisk(v.value1(), v.value2(), v.value3(), e.getValue()))));
        return new Health(counts[0], counts[1], counts[2], counts[3], atRisk);
    }

    /**
     * The health of each of these versions, as fsck counts their chunks: missing when a
     * chunk has no good copy that can be read, under-replicated when a chunk has fewer live
     * good copies than wanted, healthy otherwise. Reads the copies of every chunk of them.
     */
    static Map<Long, VersionHealth> versionHealth(DSLContext dsl, Collection<Long> versionIds) {
        Map<Long, VersionHealth> health = new HashMap<>();
        versionIds.forEach(id -> health.put(id, VersionHealth.HEALTHY));
        if (versionIds.isEmpty()) {
            return health;
        }
        var chunks = chunkCopies(dsl, FILE_VERSION.ID.in(versionIds));
        Field<Long> version = chunks.field(CHUNK.FILE_VERSION_ID);
        Field<Integer> l = chunks.field("live", Integer.class);
        Field<Integer> s = chunks.field("serving", Integer.class);
        Field<Integer> wanted = chunks.field(FILE_VERSION.REPLICAS);
        dsl.select(version, DSL.count().filterWhere(s.eq(0)), DSL.count().filterWhere(l.lt(wanted)))
                .from(chunks)
                .groupBy(version)
                .forEach(rec -> health.put(rec.value1(), rec.value2() > 0 ? VersionHealth.MISSING
                        : rec.value3() > 0 ? VersionHealth.UNDER_REPLICATED : VersionHealth.HEALTHY));
        return health;
    }

    // The chunks of the versions the condition picks, each with its live good copies, its
    // good copies that can be read (live, or on a peer that is leaving), whether a copy of it
    // is being made, and the copies its version wants.
    private static Table<?> chunkCopies(DSLContext dsl, Condition versions) {
        Field<Integer> live = DSL.field(dsl.selectCount().from(REPLICA)
                .where(liveGoodCopyOf(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.CHECKSUM))).as("live");
        Field<Integer> serving = DSL.field(dsl.selectCount().from(REPLICA)
                .where(goodCopyOf(CHUNK.FILE_VERSION_ID, CHUNK.IDX, CHUNK.CHECKSUM, PeerState.serving())))
                .as("serving");
        Field<Boolean> repairing = DSL.field(DSL.exists(dsl.selectOne().from(REPAIR_TASK)
                .where(REPAIR_TASK.FILE_VERSION_ID.eq(CHUNK.FILE_VERSION_ID), REPAIR_TASK.CHUNK_IDX.eq(CHUNK.IDX))))
                .as("repairing");
        return dsl.select(CHUNK.FILE_VERSION_ID, FILE_VERSION.REPLICAS, live, serving, repairing)
                .from(CHUNK).join(FILE_VERSION).on(FILE_VERSION.ID.eq(CHUNK.FILE_VERSION_ID))
                .where(versions)
                .asTable("h");
    }
}
