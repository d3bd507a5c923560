package p2pbrs.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Signatures;
import p2pbrs.store.BackupStore;
import p2pbrs.store.ReleaseTask;
import p2pbrs.transport.RequestClient;

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
    private final RequestClient client;
    private final ServerKeys keys;
    private final Clock clock;
    private final Executor background;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final String clusterId;

    Releaser(BackupStore store, RequestClient client, ServerKeys keys, Clock clock, Executor background,
             String clusterId) {
        this.store = store;
        this.client = client;
        this.keys = keys;
        this.clock = clock;
        this.background = background;
        this.clusterId = clusterId;
    }

    /** Runs soon, on the background thread: new releases were queued. */
    void kick() {
        background.execute(this);
    }

    @Override
    public void run() {
        try {
            for (ReleaseTask task : store.dueReleases(OffsetDateTime.now(clock), BATCH)) {
                if (inFlight.add(task.id())) {
                    send(task);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("sending releases failed; will try again", e);
        }
    }

    private void send(ReleaseTask task) {
        InetSocketAddress peer;
        try {
            peer = new InetSocketAddress(InetAddress.getByName(task.ip()), task.udpPort());
        } catch (UnknownHostException e) {
            // The registry holds literals only; nothing to resolve.
            inFlight.remove(task.id());
            return;
        }
        long expires = OffsetDateTime.now(clock).plus(VALID_FOR).toEpochSecond();
        Message unsigned = Message.of(Command.RELEASE, client.nextRq(), FileNames.encode(task.fileName()))
                .withOption("owner", task.ownerPublicId())
                .withOption("version", Integer.toString(task.version()))
                .withOption("expires", Long.toString(expires))
                .withOption("cluster", clusterId);
        byte[] key = HexFormat.of().parseHex(keys.open(task.sealedTicketKey()));
        client.send(Signatures.sign(key, unsigned), peer).whenCompleteAsync((reply, error) -> {
            try {
                if (error == null && reply.command() == Command.RELEASED) {
                    store.releaseDone(task, OffsetDateTime.now(clock));
                } else {
                    if (error == null) {
                        LOG.warn("peer at {} refused to release {} v{}: {}", peer, task.fileName(), task.version(),
                                reply);
                    }
                    store.releaseLater(task, OffsetDateTime.now(clock).plus(backoff(task.attempts())));
                }
            } catch (RuntimeException e) {
                LOG.warn("recording a release failed; it will be sent again", e);
            } finally {
                inFlight.remove(task.id());
            }
        }, background);
    }

    private static Duration backoff(int attempts) {
        Duration d = Duration.ofSeconds(1L << Math.min(attempts, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
