package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.protocol.Tickets;
import p2pbrs.store.BackupStore;
import p2pbrs.store.BackupTx;
import p2pbrs.store.PlanSlot;
import p2pbrs.store.VersionRow;
import p2pbrs.store.VersionState;

/**
 * SUBSTITUTE_REQ: a chunk whose planned storage peer failed to take it during a backup
 * gets another live storage peer with room, and a repair ticket for storing that one
 * chunk there, so that one peer dying on the way neither fails a backup nor leaves it
 * short of copies. The owner's word that a peer failed is not trusted: it changes nothing
 * about that peer (liveness decides), and each chunk gets at most as many substitutes as
 * it wants copies, so that what an owner can have placed beyond its plan stays bounded by
 * what the plan itself wants.
 * docs/protocol.md, "Backup".
 */
final class SubstituteService {
    private final BackupStore store;
    private final Clock clock;
    private final Planner planner;
    private final ServerKeys keys;

    SubstituteService(BackupStore store, Clock clock, Planner planner, ServerKeys keys) {
        this.store = store;
        this.clock = clock;
        this.planner = planner;
        this.keys = keys;
    }

    Message substitute(Request.Substitute req, Message request, String sender) {
        // Free space is read and reserved while no plan is being made, as for a plan.
        return Transactions.once(store, planner.lock, request, req.token(), sender, Command.SUBSTITUTE_DENIED,
                (tx, caller) -> grant(tx, caller, req, request, sender));
    }

    private Message grant(BackupTx tx, Caller caller, Request.Substitute req, Message request, String sender) {
        String rq = request.rq();
        // Looked up among the caller's own files: nobody asks about another owner's backup.
        Optional<VersionRow> v = tx.version(caller.id(), req.file().name(), req.version());
        if (v.isEmpty()) {
            return denied(rq, Reason.UNKNOWN_VERSION);
        }
        VersionRow row = v.get();
        if (row.state() != VersionState.PENDING) {
            return denied(rq, Reason.NOT_PENDING);
        }
        int idx = req.chunk();
        if (idx >= row.chunkCount()) {
            return denied(rq, Reason.UNKNOWN_CHUNK);
        }
        Optional<String> known = tx.chunkChecksum(row.id(), idx);
        if (known.isPresent() && !known.get().equals(req.checksum())) {
            return denied(rq, Reason.CHECKSUM_MISMATCH);
        }
        Placement placement = BackupService.placementOf(tx, row);
        // Everyone the chunk already went to: its planned peers, then its substitutes. The
        // failed peer must be one of them, and the new one none of them.
        List<Long> holders = new ArrayList<>();
        boolean named = false;
        for (PlanSlot slot : tx.planSlots(row.id())) {
            if (placement.assigned(idx, slot.slot())) {
                holders.add(slot.peerId());
                named |= slot.name().equalsIgnoreCase(req.failedPeer());
            }
        }
        List<PlanSlot> earlier = tx.substitutes(row.id(), idx);
        for (PlanSlot s : earlier) {
            holders.add(s.peerId());
            named |= s.name().equalsIgnoreCase(req.failedPeer());
        }
        if (!named) {
            return denied(rq, Reason.NOT_PLANNED);
        }
        if (earlier.size() >= row.replicas()) {
            return denied(rq, Reason.TOO_MANY_SUBSTITUTES);
        }
        long size = placement.sizeOf(idx);
        Optional<PlanSlot> target = tx.substituteTarget(row.id(), idx, size, caller.id(), holders);
        if (target.isEmpty()) {
            return denied(rq, Reason.NO_SUBSTITUTE);
        }
        PlanSlot t = target.get();
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        tx.addSubstitute(row.id(), idx, t.peerId(), size, now);
        // Valid as long as the plan's own tickets: a release waits for those to lapse, so no
        // substitute copy can arrive after its version was released.
        long expires = row.expiresAt().toEpochSecond();
        String ticket = Tickets.repair(keys.open(t.sealedTicketKey()), caller.peer().publicId(),
                FileNames.encode(row.chunkName()), row.version(), idx, size, req.checksum(), row.size(),
                row.chunkSize(), expires);
        Message reply = Message.of(Command.SUBSTITUTE_OK, rq, req.file().wire(), Integer.toString(idx),
                        new PlanPeer(t.name(), t.ip(), t.tcpPort(), ticket).encode())
                .withOption("expires", Long.toString(expires));
        return RequestLog.record(tx.registry(), sender, request, reply, now);
    }

    private static Message denied(String rq, String reason) {
        return Message.of(Command.SUBSTITUTE_DENIED, rq, reason);
    }
}
