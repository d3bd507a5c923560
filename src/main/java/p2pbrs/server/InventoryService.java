package p2pbrs.server;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.store.BackupStore;
import p2pbrs.store.InventoryTx;
import p2pbrs.store.RegisteredPeer;

/**
 * INVENTORY: a storage peer's report of every chunk it holds, one page at a time. The
 * pages of a scan are kept until all are in; the page that completes it is answered at
 * once ({@code reconciling=1}) and the scan is reconciled with the server's records later,
 * off the request path ({@link Reconciliations}). docs/protocol.md, "Inventory and
 * reconciliation".
 */
final class InventoryService {
    private final BackupStore store;
    private final Clock clock;
    private final Reconciliations reconciliations;

    InventoryService(BackupStore store, Clock clock, Reconciliations reconciliations) {
        this.store = store;
        this.clock = clock;
        this.reconciliations = reconciliations;
    }

    Message inventory(Request.Inventory req, Message request, String sender) {
        String rq = request.rq();
        // Set when this request completed a scan (a retransmission answered from the log leaves it unset).
        AtomicLong completedBy = new AtomicLong(-1);
        Message reply = Transactions.once(store, request, req.token(), sender, Command.ACK_DENIED, (tx, caller) -> {
            // A transaction retried after a conflict decides afresh.
            completedBy.set(-1);
            RegisteredPeer peer = caller.peer();
            if (!PeerNames.key(peer.info().name()).equals(PeerNames.key(req.name()))) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_NAME);
            }
            if (!peer.info().role().stores()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.NOT_STORAGE);
            }
            OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            OffsetDateTime takenAt = OffsetDateTime.ofInstant(Instant.ofEpochMilli(req.at()), ZoneOffset.UTC);
            InventoryTx inventory = tx.inventory();
            Optional<Long> scan = inventory.scan(caller.id(), req.scan(), req.pages(), takenAt, now);
            if (scan.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.BAD_NUMBER);
            }
            Message ack = Message.of(Command.ACK, rq);
            if (inventory.addPage(scan.get(), req.page(), req.items()) && inventory.complete(scan.get(), req.pages())) {
                completedBy.set(caller.id());
                ack = ack.withOption("reconciling", "1");
            }
            return RequestLog.record(tx.registry(), sender, request, ack, now);
        });
        if (completedBy.get() >= 0) {
            // Committed: the reconciliation finds the scan whole.
            reconciliations.queue(completedBy.get());
        }
        return reply;
    }
}
