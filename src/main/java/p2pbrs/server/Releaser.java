package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.store.BackupStore;
import p2pbrs.store.ChunkTask;
import p2pbrs.store.ChunkTasks;
import p2pbrs.store.ReleaseTask;

/**
 * Sends the server's queued requests to storage peers, from the queues in its database:
 * RELEASE of the chunks of versions that expired or were forgotten, and the requests about
 * one chunk that reconciliation queues (ADOPT, RELEASE_COPY, RELEASE_ORPHAN; see
 * {@link ChunkOrders}). Each is signed with the key the server shares with that peer,
 * survives a restart of either side, and is retried with backoff while the peer is away.
 * Released space stays counted against the peer until it confirms, so that the server and
 * the peer never disagree in the direction that overfills a disk. Runs periodically, and
 * soon after new requests are queued.
 */
final class Releaser implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Releaser.class);
    private static final int BATCH = 64;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    // A signed request is honoured this long: a copy replayed later is refused.
    private static final Duration VALID_FOR = Duration.ofMinutes(5);

    private final BackupStore store;
    private final ChunkTasks chunkTasks;
    private final ChunkOrders orders;
    private final PeerCaller peers;
    private final Clock clock;
    private final Executor background;

    Releaser(BackupStore store, ChunkTasks chunkTasks, PeerCaller peers, Clock clock, Executor background) {
        this.store = store;
        this.chunkTasks = chunkTasks;
        this.orders = new ChunkOrders(chunkTasks);
        this.peers = peers;
        this.clock = clock;
        this.background = background;
    }

    /** Runs soon, on the background thread: new requests were queued. */
    void kick() {
        background.execute(this);
    }

    @Override
    public void run() {
        try {
            for (ReleaseTask task : store.dueReleases(now(), BATCH)) {
                send(task);
            }
            for (ChunkTask task : chunkTasks.due(now(), BATCH)) {
                if (chunkTasks.wanted(task)) {
                    send(task);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("sending queued requests to storage peers failed; will try again", e);
        }
    }

    private void send(ReleaseTask task) {
        Message unsigned = Message.of(Command.RELEASE, peers.nextRq(), FileNames.encode(task.chunkName()))
                .withOption("owner", task.ownerPublicId())
                .withOption("version", Integer.toString(task.version()))
                .withOption("expires", Long.toString(expires()))
                .withOption("cluster", peers.clusterId());
        call("release " + task.id(), task.ip(), task.udpPort(), task.sealedTicketKey(), unsigned, task.attempts(),
                reply -> {
                    if (reply.command() != Command.RELEASED) {
                        return false;
                    }
                    store.releaseDone(task, now());
                    return true;
                },
                next -> store.releaseLater(task, next));
    }

    private void send(ChunkTask task) {
        Message unsigned = orders.request(task, peers.nextRq(), expires(), peers.clusterId());
        call("chunk task " + task.id(), task.ip(), task.udpPort(), task.sealedTicketKey(), unsigned, task.attempts(),
                reply -> orders.settle(task, reply, now()),
                next -> chunkTasks.later(task, next));
    }

    /**
     * Sends a signed request; an answer that settles the task ends it, anything else (a
     * refusal, no answer at all) has it tried again after a backoff.
     */
    private void call(String task, String ip, int udpPort, String sealedKey, Message unsigned, int attempts,
                      Predicate<Message> settles, Consumer<OffsetDateTime> later) {
        peers.call(task, ip, udpPort, sealedKey, unsigned, (reply, error) -> {
            if (error == null && settles.test(reply)) {
                return;
            }
            if (error == null) {
                LOG.warn("a storage peer refused {} ({}): {}", task, unsigned.command().wireName(), reply);
            }
            later.accept(now().plus(backoff(attempts)));
        });
    }

    private long expires() {
        return now().plus(VALID_FOR).toEpochSecond();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private static Duration backoff(int attempts) {
        Duration d = Duration.ofSeconds(1L << Math.min(attempts, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
