package p2pbrs.peer;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.transport.NoReplyException;

/**
 * Registers a storage peer whose server does not answer at start, again and again with
 * backoff, while the peer keeps serving the chunks it holds: an unreachable server does
 * not take the stored copies offline. Runs on a thread of its own (a registration waits
 * for its retransmissions, which the peer's timer sends).
 */
final class Registrar implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
    private static final long FIRST_DELAY_MILLIS = 1_000;
    private static final long MAX_DELAY_MILLIS = 30_000;

    /** What registering means for the peer: one attempt, which throws when it fails. */
    interface Attempt {
        void run() throws PeerException;
    }

    private final ScheduledExecutorService thread;
    private final Attempt attempt;
    private long delayMillis = FIRST_DELAY_MILLIS;

    Registrar(ScheduledExecutorService thread, Attempt attempt) {
        this.thread = thread;
        this.attempt = attempt;
    }

    void start() {
        thread.schedule(this, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            attempt.run();
            LOG.info("registered with the server after waiting for it");
        } catch (PeerException e) {
            if (!(e.getCause() instanceof NoReplyException)) {
                // Refused, not unreachable: trying again would be refused again.
                LOG.error("registration refused; serving stored chunks without it: {}", e.getMessage());
                return;
            }
            delayMillis = Math.min(MAX_DELAY_MILLIS, delayMillis * 2);
            thread.schedule(this, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.warn("registration failed; will try again", e);
            thread.schedule(this, delayMillis, TimeUnit.MILLISECONDS);
        }
    }
}
