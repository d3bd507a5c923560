package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.store.BackupStore;
import p2pbrs.store.InventoryTx;
import p2pbrs.store.Reconciliation;
import p2pbrs.store.RegisteredPeer;

/**
 * INVENTORY: a storage peer's report of every chunk it holds, one page at a time. The
 * pages of a scan are kept until all are in; the page that completes it reconciles the
 * scan with the server's records in its own transaction (copies lost, files to adopt,
 * checksums nobody needs) and says what it found in its ACK. docs/protocol.md, "Inventory
 * and reconciliation".
 */
final class InventoryService {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryService.class);

    private final BackupStore store;
    private final Clock clock;
    private final Duration clockAllowance;
    private final Duration releaseGrace;
    private final Runnable tasksQueued;

    /**
     * @param clockAllowance how far a peer's clock may be from the server's (the ticket
     *                       grace): a copy acknowledged that close to the start of a scan is
     *                       not taken for lost when the scan does not list it
     */
    InventoryService(BackupStore store, Clock clock, Duration clockAllowance, Duration releaseGrace,
                     Runnable tasksQueued) {
        this.store = store;
        this.clock = clock;
        this.clockAllowance = clockAllowance;
        this.releaseGrace = releaseGrace;
        this.tasksQueued = tasksQueued;
    }

    Message inventory(Request.Inventory req, Message request, String sender) {
        String rq = request.rq();
        Message reply = Transactions.once(store, request, req.token(), sender, Command.ACK_DENIED, (tx, caller) -> {
            RegisteredPeer peer = caller.peer();
            if (!PeerNames.key(peer.info().name()).equals(PeerNames.key(req.name()))) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_NAME);
            }
            if (!peer.info().role().stores()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.NOT_STORAGE);
            }
            OffsetDateTime now = now();
            OffsetDateTime takenAt = OffsetDateTime.ofInstant(Instant.ofEpochMilli(req.at()), ZoneOffset.UTC);
            InventoryTx inventory = tx.inventory();
            Optional<Long> scan = inventory.scan(caller.id(), req.scan(), req.pages(), takenAt, now);
            if (scan.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.BAD_NUMBER);
            }
            Message ack = Message.of(Command.ACK, rq);
            if (inventory.addPage(scan.get(), req.page(), req.items()) && inventory.complete(scan.get(), req.pages())) {
                // A peer's clock ahead of the server's cannot push the scan's start past now.
                OffsetDateTime began = takenAt.isBefore(now) ? takenAt : now;
                Reconciliation done = inventory.reconcile(scan.get(), caller.id(), began.minus(clockAllowance), now,
                        now.plus(releaseGrace));
                LOG.info("inventory of {}: {} copies lost, {} chunk files to adopt, {} orphans to release",
                        peer.info().name(), done.lost(), done.adopt(), done.orphans());
                ack = ack.withOption("lost", Integer.toString(done.lost()))
                        .withOption("adopt", Integer.toString(done.adopt()))
                        .withOption("orphans", Integer.toString(done.orphans()));
            }
            return RequestLog.record(tx.registry(), sender, request, ack, now);
        });
        if (reply.option("orphans") != null) {
            tasksQueued.run();
        }
        return reply;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
