package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.store.BackupStore;
import p2pbrs.store.ReleaseTask;

/**
 * Tells storage peers to release the chunks of versions that expired or were forgotten
 * (RELEASE, signed with the key the server shares with that peer), from the queue in the
 * database: a release survives a restart of either side, and is retried with backoff
 * while the peer is away. The space stays counted against the peer until it confirms, so
 * that the server and the peer never disagree in the direction that overfills a disk.
 * Runs periodically, and soon after new releases are queued.
 */
final class Releaser implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Releaser.class);
    private static final int BATCH = 64;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    // A signed RELEASE is honoured this long: a copy replayed later is refused.
    private static final Duration VALID_FOR = Duration.ofMinutes(5);

    private final BackupStore store;
    private final PeerCaller peers;
    private final Clock clock;
    private final Executor background;

    Releaser(BackupStore store, PeerCaller peers, Clock clock, Executor background) {
        this.store = store;
        this.peers = peers;
        this.clock = clock;
        this.background = background;
    }

    /** Runs soon, on the background thread: new releases were queued. */
    void kick() {
        background.execute(this);
    }

    @Override
    public void run() {
        try {
            for (ReleaseTask task : store.dueReleases(OffsetDateTime.now(clock), BATCH)) {
                send(task);
            }
        } catch (RuntimeException e) {
            LOG.warn("sending releases failed; will try again", e);
        }
    }

    private void send(ReleaseTask task) {
        long expires = OffsetDateTime.now(clock).plus(VALID_FOR).toEpochSecond();
        Message unsigned = Message.of(Command.RELEASE, peers.nextRq(), FileNames.encode(task.fileName()))
                .withOption("owner", task.ownerPublicId())
                .withOption("version", Integer.toString(task.version()))
                .withOption("expires", Long.toString(expires))
                .withOption("cluster", peers.clusterId());
        peers.call("release " + task.id(), task.ip(), task.udpPort(), task.sealedTicketKey(), unsigned,
                (reply, error) -> {
                    if (error == null && reply.command() == Command.RELEASED) {
                        store.releaseDone(task, OffsetDateTime.now(clock));
                        return;
                    }
                    if (error == null) {
                        LOG.warn("a storage peer refused to release {} v{}: {}", task.fileName(), task.version(),
                                reply);
                    }
                    store.releaseLater(task, OffsetDateTime.now(clock).plus(backoff(task.attempts())));
                });
    }

    private static Duration backoff(int attempts) {
        Duration d = Duration.ofSeconds(1L << Math.min(attempts, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
