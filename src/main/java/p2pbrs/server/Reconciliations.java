package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.BackupStore;
import p2pbrs.store.BackupTx;
import p2pbrs.store.InventoryTx;
import p2pbrs.store.Reconciliation;
import p2pbrs.transport.DaemonThreads;

/**
 * Reconciles the inventories storage peers complete, off the request path: the page that
 * completes a scan is answered at once, and the scan waits in the database until its turn
 * here. A peer holding very many chunks, or records locked by other work, can make a
 * reconciliation take long; on a UDP worker it would hold the worker that long, and every
 * retransmission of the page another, until heartbeats went unanswered.
 *
 * <p>One thread of its own, so one reconciliation at a time, and none delays the liveness
 * sweep or the repairs on the server's other background thread. A peer is queued once: a
 * scan it completes while an older one waits is reconciled instead of it (the newer says
 * all the older could). A server stopped before its turn finds the whole scan in its
 * database when it starts again, and reconciles it then.
 */
final class Reconciliations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciliations.class);

    private record Done(String peer, Reconciliation found) {
    }

    private final BackupStore store;
    private final Clock clock;
    private final Duration clockAllowance;
    private final Duration releaseGrace;
    private final Runnable tasksQueued;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            DaemonThreads.numbered("server-reconcile"));
    // Peers queued and not started yet: a peer is queued once however many of its scans complete.
    private final Set<Long> queued = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param clockAllowance how far a peer's clock may be from the server's (the ticket
     *                       grace): a copy acknowledged that close to the start of a scan is
     *                       not taken for lost when the scan does not list it
     * @param tasksQueued    told when requests to peers were queued (ADOPT, RELEASE_ORPHAN)
     */
    Reconciliations(BackupStore store, Clock clock, Duration clockAllowance, Duration releaseGrace,
                    Runnable tasksQueued) {
        this.store = store;
        this.clock = clock;
        this.clockAllowance = clockAllowance;
        this.releaseGrace = releaseGrace;
        this.tasksQueued = tasksQueued;
    }

    /** The peer has a whole scan waiting (a page just completed it): reconcile its newest soon. */
    void queue(long peerId) {
        if (closed || !queued.add(peerId)) {
            return;
        }
        try {
            thread.execute(() -> run(peerId));
        } catch (RejectedExecutionException closing) {
            // The server is closing: the scan waits in the database for its next start.
            queued.remove(peerId);
        }
    }

    /** Queues every peer whose whole scan waits in the database: a server stopped before their turn. */
    void resume() {
        store.transaction(tx -> tx.inventory().peersWithWholeScans()).forEach(this::queue);
    }

    private void run(long peerId) {
        // Off the queue before it starts: a scan the peer completes meanwhile has a turn after this one.
        queued.remove(peerId);
        if (closed) {
            return;
        }
        try {
            store.transaction(tx -> reconcile(tx, peerId)).ifPresent(done -> {
                Reconciliation r = done.found();
                LOG.info("inventory of {}: {} copies lost, {} chunk files to adopt, {} orphans to release",
                        done.peer(), r.lost(), r.adopt(), r.orphans());
                if (r.adopt() + r.orphans() > 0) {
                    tasksQueued.run();
                }
            });
        } catch (RuntimeException e) {
            // The scan stays whole in the database: the peer's next report, or the server's
            // next start, reconciles it.
            LOG.warn("reconciling the inventory of peer #{} failed", peerId, e);
        }
    }

    private Optional<Done> reconcile(BackupTx tx, long peerId) {
        InventoryTx inventory = tx.inventory();
        Optional<String> peer = inventory.reportingPeer(peerId);
        if (peer.isEmpty()) {
            // It left (or stores nothing now) since: what it held is no concern of the server's.
            inventory.dropScansOf(peerId);
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return inventory.newestWhole(peerId).map(scan -> new Done(peer.get(),
                inventory.reconcile(scan, peerId, clockAllowance, now, now.plus(releaseGrace))));
    }

    /**
     * Starts nothing more and lets a reconciliation under way finish, for a while, before
     * the database closes; those not started wait in the database for the next start.
     */
    @Override
    public void close() {
        closed = true;
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
