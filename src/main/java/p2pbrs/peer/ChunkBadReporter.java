package p2pbrs.peer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.store.BadChunks;
import p2pbrs.store.PendingChunkBad;

/**
 * Tells the server of each copy the scrub removed (CHUNK_BAD, as its holder), so that it
 * stops counting the copy and makes another. The reports are in the peer's database
 * ({@link BadChunks}) from the moment the copy leaves the index, and are deleted only once
 * the server has answered, so a peer stopped in between, or a server away for a while,
 * delays a report but never loses it: they go out when the scrub finds a bad file, once
 * the peer is registered, and every minute while any is left. Bad files are rare, so
 * there is no window: each report not already on its way is sent at once.
 */
final class ChunkBadReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkBadReporter.class);
    private static final long SWEEP_SECONDS = 60;

    private final Registration registration;
    private final BadChunks owed;
    private final ScheduledExecutorService timer;
    // Reports on their way: a sweep must not send a second copy of one.
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    ChunkBadReporter(Registration registration, BadChunks owed, ScheduledExecutorService timer) {
        this.registration = registration;
        this.owed = owed;
        this.timer = timer;
    }

    /** Sends what is owed now, and again every minute. Call once the peer is registered: a report carries its token. */
    void resume() {
        timer.scheduleWithFixedDelay(this::sweep, 0, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /** New reports are owed: send them soon, off the scrub's thread. */
    void kick() {
        try {
            timer.execute(this::sweep);
        } catch (RejectedExecutionException e) {
            // The peer is closing: the reports stay owed and go out after its next start.
        }
    }

    private void sweep() {
        try {
            for (PendingChunkBad report : owed.owed()) {
                if (inFlight.add(report.id())) {
                    send(report);
                }
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and try at the next sweep.
            LOG.warn("cannot read the CHUNK_BAD reports owed: {}", e.toString());
        }
    }

    private void send(PendingChunkBad report) {
        ServerLink link = registration.link();
        Message request;
        try {
            request = registration.signed(Message.of(Command.CHUNK_BAD, link.nextRq(), report.wireName(),
                            Integer.toString(report.idx()))
                    .withOption("owner", report.owner())
                    .withOption("version", Integer.toString(report.version())));
        } catch (PeerException e) {
            // Not registered (yet): sent once it is.
            inFlight.remove(report.id());
            return;
        }
        link.send(request).whenComplete((reply, error) -> {
            if (error == null && ReportAnswers.settles(reply)) {
                if (reply.command() != Command.ACK) {
                    LOG.warn("the server refused CHUNK_BAD for chunk {} of {}: {}", report.idx(), report.wireName(),
                            reply);
                }
                forget(report);
            }
            inFlight.remove(report.id());
        });
    }

    private void forget(PendingChunkBad report) {
        try {
            owed.reported(report.id());
        } catch (RuntimeException e) {
            // The database is closing or failed: the report stays, and the server answers it again, harmlessly.
            LOG.debug("cannot delete the answered CHUNK_BAD {}: {}", report.id(), e.toString());
        }
    }
}
