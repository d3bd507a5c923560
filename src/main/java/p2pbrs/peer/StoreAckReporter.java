package p2pbrs.peer;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.RequestClient;

/**
 * Tells the server of each chunk this peer stored (STORE_ACK), off the data path: the owner
 * already has its CHUNK_OK. A large backup stores thousands of chunks in seconds, so the
 * acknowledgements go out through a bounded window (a flood would overflow the server's
 * socket and be lost), and one that goes unanswered through all its retransmissions is
 * queued again, a few times, rather than forgotten: the backup cannot complete without it.
 */
final class StoreAckReporter implements ChunkServer.StoredListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAckReporter.class);
    private static final int WINDOW = 32;
    private static final int ROUNDS = 5;

    private record Ack(String wireName, int idx, String owner, int version, long size, String checksum, int round) {
    }

    private final Registration registration;
    private final RequestClient client;
    private final InetSocketAddress server;
    private final BlockingQueue<Ack> queue = new LinkedBlockingQueue<>();
    private final Semaphore window = new Semaphore(WINDOW);
    private final Thread sender;

    StoreAckReporter(Registration registration, RequestClient client, InetSocketAddress server, String peerName) {
        this.registration = registration;
        this.client = client;
        this.server = server;
        this.sender = DaemonThreads.named(this::sendLoop, "peer-" + peerName + "-store-acks");
        this.sender.start();
    }

    @Override
    public void stored(String wireName, int idx, String owner, int version, long size, String checksum) {
        queue.add(new Ack(wireName, idx, owner, version, size, checksum, 1));
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

    private void send(Ack a) {
        Message request;
        try {
            request = registration.signed(Message.of(Command.STORE_ACK, client.nextRq(), a.wireName,
                            Integer.toString(a.idx))
                    .withOption("owner", a.owner)
                    .withOption("version", Integer.toString(a.version))
                    .withOption("size", Long.toString(a.size))
                    .withOption("checksum", a.checksum));
        } catch (PeerException e) {
            window.release();
            LOG.warn("cannot report chunk {} of {}: {}", a.idx, a.wireName, e.getMessage());
            return;
        }
        client.send(request, server).whenComplete((reply, error) -> {
            window.release();
            if (error == null) {
                if (reply.command() != Command.ACK) {
                    LOG.warn("the server refused STORE_ACK for chunk {} of {}: {}", a.idx, a.wireName, reply);
                }
            } else if (a.round < ROUNDS) {
                queue.add(new Ack(a.wireName, a.idx, a.owner, a.version, a.size, a.checksum, a.round + 1));
            } else {
                LOG.warn("STORE_ACK for chunk {} of {} got no answer in {} rounds", a.idx, a.wireName, ROUNDS);
            }
        });
    }

    @Override
    public void close() {
        sender.interrupt();
    }
}
