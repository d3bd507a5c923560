package p2pbrs.peer;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.store.PendingStoreAck;
import p2pbrs.store.PendingStoreAcks;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.RequestClient;

/**
 * Tells the server of each chunk this peer stored (STORE_ACK), off the data path: the owner
 * already has its CHUNK_OK. Each one is first recorded in the peer's database, before the
 * CHUNK_OK goes out, and deleted only when the server has answered it, so that a peer
 * stopped in between reports it when it starts again: the backup cannot complete without it.
 * A large backup stores thousands of chunks in seconds, so the acknowledgements go out
 * through a bounded window (a flood would overflow the server's socket and be lost), and
 * one that goes unanswered through all its retransmissions is queued again, a few rounds.
 * After the last round it stays in the database and a slow sweep queues it again, so a
 * server that was away for minutes still gets it without waiting for a restart. A copy that
 * leaves the index (released, or found missing or bad) takes its row with it, and a
 * STORE_ACK whose row is gone goes out no more, even one already queued or in flight.
 */
final class StoreAckReporter implements ChunkServer.StoredListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAckReporter.class);
    private static final int WINDOW = 32;
    private static final int ROUNDS = 5;
    private static final long SWEEP_SECONDS = 60;

    private record Ack(PendingStoreAck row, int round) {
    }

    private final Registration registration;
    private final RequestClient client;
    private final InetSocketAddress server;
    private final PendingStoreAcks pending;
    private final BlockingQueue<Ack> queue = new LinkedBlockingQueue<>();
    // Ids queued or in flight: a sweep must not send a second copy of one still on its way.
    private final Set<Long> inMemory = ConcurrentHashMap.newKeySet();
    private final Semaphore window = new Semaphore(WINDOW);
    private final Thread sender;

    StoreAckReporter(Registration registration, RequestClient client, InetSocketAddress server,
                     PendingStoreAcks pending, String peerName) {
        this.registration = registration;
        this.client = client;
        this.server = server;
        this.pending = pending;
        this.sender = DaemonThreads.named(this::sendLoop, "peer-" + peerName + "-store-acks");
        this.sender.start();
    }

    /**
     * Records the chunk durably, then queues its STORE_ACK. Runs before the CHUNK_OK is
     * written; a database failure propagates, and the chunk is refused rather than
     * acknowledged without a report.
     */
    @Override
    public void stored(String wireName, int idx, String owner, int version, long size, String checksum) {
        PendingStoreAck row = pending.add(owner, wireName, version, idx, size, checksum);
        // A sweep running meanwhile may have seen the new row and queued it already.
        if (inMemory.add(row.id())) {
            queue.add(new Ack(row, 1));
        }
    }

    /**
     * Queues every recorded STORE_ACK not already queued or in flight now (those a previous
     * run of the peer left), and again every minute. Call once the peer is registered: a
     * STORE_ACK must carry its token.
     */
    void resume(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(this::sweep, 0, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Queues the unanswered STORE_ACKs now rather than at the next sweep: the server was away
     * and is back, and the copies they report should count (and end their repairs) at once.
     */
    void serverBack(ScheduledExecutorService timer) {
        timer.execute(this::sweep);
    }

    private void sweep() {
        try {
            int queued = 0;
            for (PendingStoreAck row : pending.all()) {
                if (inMemory.add(row.id())) {
                    queue.add(new Ack(row, 1));
                    queued++;
                }
            }
            if (queued > 0) {
                LOG.info("re-sending {} unanswered STORE_ACK(s)", queued);
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and try at the next sweep.
            LOG.warn("cannot read the unanswered STORE_ACKs: {}", e.toString());
        }
    }

    private void sendLoop() {
        try {
            while (true) {
                Ack ack = queue.take();
                window.acquire();
                send(ack);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Ack ack) {
        PendingStoreAck a = ack.row();
        Message request;
        try {
            request = registration.signed(Message.of(Command.STORE_ACK, client.nextRq(), a.wireName(),
                            Integer.toString(a.idx()))
                    .withOption("owner", a.owner())
                    .withOption("version", Integer.toString(a.version()))
                    .withOption("size", Long.toString(a.size()))
                    .withOption("checksum", a.checksum()));
        } catch (PeerException e) {
            // Not registered (any more): the row stays, and a sweep after registration sends it.
            window.release();
            inMemory.remove(a.id());
            LOG.debug("cannot report chunk {} of {} yet: {}", a.idx(), a.wireName(), e.getMessage());
            return;
        }
        // Sent, and sent again, only while the row is there: a copy released or found missing
        // meanwhile took its row with it, and must not be reported stored.
        client.send(request, server, () -> pending.owed(a.id())).whenComplete((reply, error) -> {
            window.release();
            if (error instanceof CancellationException) {
                inMemory.remove(a.id());
                LOG.debug("chunk {} of {} is no longer held: its STORE_ACK is not sent", a.idx(), a.wireName());
            } else if (error == null && ReportAnswers.settles(reply)) {
                if (reply.command() != Command.ACK) {
                    LOG.warn("the server refused STORE_ACK for chunk {} of {}: {}", a.idx(), a.wireName(), reply);
                }
                forget(a);
            } else if (ack.round() < ROUNDS) {
                queue.add(new Ack(a, ack.round() + 1));
            } else {
                inMemory.remove(a.id());
                LOG.warn("STORE_ACK for chunk {} of {} got no answer in {} rounds; trying again within {} s",
                        a.idx(), a.wireName(), ROUNDS, SWEEP_SECONDS);
            }
        });
    }

    private void forget(PendingStoreAck a) {
        try {
            pending.delete(a.id());
        } catch (RuntimeException e) {
            // The database is closing or failed: the row stays, and the server answers the
            // repeated STORE_ACK again later, harmlessly.
            LOG.debug("cannot delete the answered STORE_ACK {}: {}", a.id(), e.toString());
        }
        inMemory.remove(a.id());
    }

    @Override
    public void close() {
        sender.interrupt();
    }
}
