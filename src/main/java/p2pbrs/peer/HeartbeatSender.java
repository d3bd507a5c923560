package p2pbrs.peer;

import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.store.ChunkIndex;
import p2pbrs.transport.RateLimitedLog;
import p2pbrs.transport.RequestClient;

/**
 * Tells the server, every --heartbeat-interval, that this peer is alive and how many
 * chunks it holds (HEARTBEAT). Runs on the peer's timer; the send does not wait for the
 * answer, which the next beat makes up for if it is lost.
 */
final class HeartbeatSender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);

    private final Registration registration;
    private final RequestClient client;
    private final InetSocketAddress server;
    private final String name;
    private final ChunkIndex index;
    private final Runnable serverBack;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, 3, 60_000);
    // Whether the last heartbeat went unanswered: the next answered one means the server is back.
    private final java.util.concurrent.atomic.AtomicBoolean unanswered = new java.util.concurrent.atomic.AtomicBoolean();

    /** serverBack runs when a heartbeat is answered after one was not (the server was away). */
    HeartbeatSender(Registration registration, RequestClient client, InetSocketAddress server, String name,
                    ChunkIndex index, Runnable serverBack) {
        this.registration = registration;
        this.client = client;
        this.server = server;
        this.name = name;
        this.index = index;
        this.serverBack = serverBack;
    }

    @Override
    public void run() {
        try {
            Message beat = registration.signed(Message.of(Command.HEARTBEAT, client.nextRq(), name,
                    Integer.toString(index.count()), Long.toString(System.currentTimeMillis())));
            client.send(beat, server).whenComplete((reply, error) -> {
                if (error != null) {
                    unanswered.set(true);
                    failures.warn("the server did not answer a heartbeat: {}", error.getMessage());
                    return;
                }
                if (unanswered.getAndSet(false)) {
                    serverBack.run();
                }
                if (reply.command() != Command.ACK) {
                    failures.warn("the server refused a heartbeat: {}", reply);
                }
            });
        } catch (PeerException e) {
            // Not registered (yet, or any more): nothing to tell.
        } catch (RuntimeException e) {
            failures.warn("sending a heartbeat failed: {}", e.toString());
        }
    }
}
