package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import p2pbrs.protocol.ChunkFormats;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.store.BackupStore;
import p2pbrs.store.BackupTx;
import p2pbrs.store.PlanMember;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.RunKind;
import p2pbrs.store.StorageCandidate;
import p2pbrs.store.VersionRow;
import p2pbrs.store.VersionState;

/**
 * Backing up: BACKUP_REQ (a plan, or the renewal of one), CHUNK_SUMS, STORE_ACK and
 * BACKUP_DONE. Every request costs a bounded amount of work, whatever the file's size:
 * completion is read from counters kept in step by CHUNK_SUMS and STORE_ACK.
 * docs/protocol.md, "Backup".
 */
final class BackupService {
    // Far beyond any real file at the largest chunk size (256 TiB at 64 MiB), small enough
    // that no plan's numbers overflow.
    static final int MAX_CHUNKS = 1 << 22;
    // Backups an owner may have under way at once: what one that never completes any can
    // leave behind until they expire.
    static final int MAX_PENDING_PER_OWNER = 16;

    private final BackupStore store;
    private final ServerConfig config;
    private final Clock clock;
    private final Planner planner;
    private final RefusedRuns refusals;

    BackupService(BackupStore store, ServerConfig config, Clock clock, Planner planner) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.planner = planner;
        this.refusals = new RefusedRuns(RunKind.BACKUP, Command.BACKUP_DENIED, clock);
    }

    Message backupRequest(Request.BackupReq req, Message request, String sender) {
        String rq = request.rq();
        String wireName = req.file().wire();
        String name = req.file().name();
        long size = req.size();
        if (req.renew() != null) {
            return Transactions.once(store, request, req.token(), sender, Command.BACKUP_DENIED,
                    (tx, caller) -> renew(tx, request, sender, caller, req));
        }
        if ((size + config.chunkSize() - 1) / config.chunkSize() > MAX_CHUNKS) {
            return Message.of(Command.BACKUP_DENIED, rq, Reason.TOO_LARGE);
        }
        // Free space is read and reserved under the planner's lock, held until the commit.
        return Transactions.once(store, planner.lock, request, req.token(), sender, Command.BACKUP_DENIED,
                (tx, caller) -> {
                    if (!caller.peer().info().role().owns()) {
                        return refusals.refuse(tx, caller, name, null, rq, Reason.NOT_AN_OWNER);
                    }
                    if (tx.pendingVersions(caller.id()) >= MAX_PENDING_PER_OWNER) {
                        return refusals.refuse(tx, caller, name, null, rq, Reason.TOO_MANY_PENDING);
                    }
                    List<StorageCandidate> candidates = tx.storageCandidates(caller.id(), Planner.MAX_PLAN_PEERS);
                    if (candidates.isEmpty() && size > 0) {
                        return refusals.refuse(tx, caller, name, null, rq, Reason.NO_STORAGE_PEER);
                    }
                    OffsetDateTime now = now();
                    OffsetDateTime expires = now.plus(config.planTtl());
                    Planner.Plan plan = planner.choose(candidates, size, req.format(), rq, wireName,
                            caller.peer().publicId(), expires);
                    if (plan == null) {
                        return refusals.refuse(tx, caller, name, null, rq, Reason.NO_CAPACITY);
                    }
                    long fileId = tx.fileId(caller.id(), name, now);
                    VersionRow version = tx.newVersion(fileId, size, req.checksum(), config.chunkSize(),
                            plan.placement().chunkCount(), config.replicas(), req.format(), now, expires);
                    tx.addPlanPeers(version.id(), plan.peers(), plan.placement()::bytesFor);
                    Message reply = planner.message(rq, wireName, version.chunkName(), caller.peer().publicId(),
                            version.version(), plan, expires);
                    return RequestLog.record(tx.registry(), sender, request, reply, now);
                });
    }

    /**
     * A backup still under way asks for more time before its plan expires: the same plan,
     * with a later expiry and tickets that last until then, so that a transfer longer than
     * the plan's time limit keeps going.
     */
    private Message renew(BackupTx tx, Message request, String sender, Caller caller, Request.BackupReq req) {
        String rq = request.rq();
        Optional<VersionRow> v = tx.version(caller.id(), req.file().name(), req.renew());
        if (v.isEmpty() || v.get().size() != req.size()) {
            return Message.of(Command.BACKUP_DENIED, rq, Reason.UNKNOWN_VERSION);
        }
        if (v.get().state() != VersionState.PENDING) {
            return Message.of(Command.BACKUP_DENIED, rq, Reason.NOT_PENDING);
        }
        VersionRow row = v.get();
        OffsetDateTime now = now();
        OffsetDateTime expires = now.plus(config.planTtl());
        tx.extend(row.id(), expires);
        Planner.Plan plan = new Planner.Plan(tx.planSlots(row.id()), placementOf(tx, row));
        Message reply = planner.message(rq, req.file().wire(), row.chunkName(), caller.peer().publicId(),
                row.version(), plan, expires);
        return RequestLog.record(tx.registry(), sender, request, reply, now);
    }

    Message chunkSums(Request.ChunkSums req, Message request, String sender) {
        String rq = request.rq();
        int from = req.from();
        List<String> sums = req.sums();
        return Transactions.once(store, request, req.token(), sender, Command.ACK_DENIED, (tx, caller) -> {
            Optional<VersionRow> v = tx.version(caller.id(), req.file().name(), req.version());
            if (v.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            VersionRow row = v.get();
            if (row.state() != VersionState.PENDING) {
                return Message.of(Command.ACK_DENIED, rq, Reason.NOT_PENDING);
            }
            if ((long) from + sums.size() > row.chunkCount()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.BAD_NUMBER);
            }
            for (int i = 0; i < sums.size(); i++) {
                int idx = from + i;
                Optional<String> known = tx.chunkChecksum(row.id(), idx);
                if (known.isPresent() && !known.get().equals(sums.get(i))) {
                    return Message.of(Command.ACK_DENIED, rq, Reason.CHECKSUM_MISMATCH);
                }
                if (known.isEmpty()) {
                    // The size as stored, its format's overhead included: what copies are checked against.
                    tx.addChunk(row, idx, Math.min(row.chunkSize(), row.size() - (long) idx * row.chunkSize())
                            + ChunkFormats.overhead(row.format()), sums.get(i));
                }
            }
            return RequestLog.record(tx.registry(), sender, request, Message.of(Command.ACK, rq), now());
        });
    }

    Message storeAck(Request.StoreAck req, Message request, String sender) {
        String rq = request.rq();
        int idx = req.chunk();
        long size = req.size();
        return Transactions.once(store, request, req.token(), sender, Command.ACK_DENIED, (tx, caller) -> {
            Optional<RegisteredPeer> owner = store.knownPeers().byPublicId(tx.registry(), req.owner());
            // The storage peer names the version by its chunk name, as its SEND_CHUNK did.
            Optional<VersionRow> v = owner.flatMap(o -> tx.versionByChunkName(o.id(), req.file().name(),
                    req.version()));
            if (v.isEmpty() || !EnumSet.of(VersionState.PENDING, VersionState.COMPLETE).contains(v.get().state())) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            VersionRow row = v.get();
            // The plan's rows are read once: the rule's peer count and this peer's slot come from them.
            List<PlanMember> members = tx.planMembers(row.id());
            Placement placement = placementOf(row, members.size());
            Optional<PlanMember> slot = members.stream().filter(m -> m.peerId() == caller.id()).findFirst();
            boolean planned = slot.isPresent() && idx < row.chunkCount() && placement.assigned(idx, slot.get().slot());
            // A copy a repair sent here, or one the owner was given this peer for in place of
            // a planned peer that failed, is as welcome as a planned one. A repair may also
            // send a planned peer the copy it lost: that copy ends the repair too.
            boolean repaired = idx < row.chunkCount() && tx.repairQueued(row.id(), idx, caller.id());
            boolean substituted = !planned && !repaired && idx < row.chunkCount()
                    && tx.substituted(row.id(), idx, caller.id());
            if (!(planned || repaired || substituted) || placement.sizeOf(idx) != size) {
                return Message.of(Command.ACK_DENIED, rq, Reason.NOT_PLANNED);
            }
            OffsetDateTime now = now();
            tx.storeReplica(row, idx, caller.id(), size, req.checksum(), now);
            if (repaired) {
                tx.repairDone(row.id(), idx, now);
            }
            return RequestLog.record(tx.registry(), sender, request, Message.of(Command.ACK, rq), now);
        });
    }

    Message backupDone(Request.BackupDone req, Message request, String sender) {
        String rq = request.rq();
        String wireName = req.file().wire();
        String checksum = req.checksum();
        long confirmed = req.copies();
        return Transactions.once(store, request, req.token(), sender, Command.BACKUP_DONE_DENIED, (tx, caller) -> {
            Optional<VersionRow> v = tx.version(caller.id(), req.file().name(), req.version());
            if (v.isEmpty()) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            VersionRow row = v.get();
            String fileChecksum = row.checksum() != null ? row.checksum() : checksum;
            if (fileChecksum == null) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.BAD_CHECKSUM);
            }
            if (checksum != null && !checksum.equals(fileChecksum)) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.CHECKSUM_MISMATCH);
            }
            Message complete = Message.of(Command.BACKUP_COMPLETE, rq, wireName)
                    .withOption("version", Integer.toString(row.version()))
                    .withOption("chunks", Integer.toString(row.chunkCount()))
                    .withOption("under_replicated", Integer.toString(row.chunkCount() - row.chunksFull()));
            if (row.state() == VersionState.COMPLETE) {
                return complete;
            }
            if (row.state() != VersionState.PENDING) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.NOT_PENDING);
            }
            if (row.chunksSummed() < row.chunkCount()) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.MISSING_SUMS);
            }
            if (row.chunksStored() < row.chunkCount() || row.copiesGood() < confirmed) {
                // STORE_ACKs travel apart from the data and may still be on their way; the
                // count lets the owner see that they are still arriving.
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.AWAITING_ACKS)
                        .withOption("acked", Integer.toString(row.copiesGood()));
            }
            OffsetDateTime now = now();
            tx.complete(row.id(), fileChecksum, now);
            tx.history().backupEnded(row.id(), null, now);
            return RequestLog.record(tx.registry(), sender, request, complete, now);
        });
    }

    static Placement placementOf(BackupTx tx, VersionRow row) {
        return placementOf(row, tx.planSlots(row.id()).size());
    }

    private static Placement placementOf(VersionRow row, int planPeers) {
        return Placement.ofPlan(row.size(), row.chunkSize(), planPeers, row.replicas(),
                ChunkFormats.overhead(row.format()));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
