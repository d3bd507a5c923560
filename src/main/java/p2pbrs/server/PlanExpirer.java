package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.BackupStore;

/**
 * Expires backups that never completed and queues the release of what their storage peers
 * stored, so that the space is free again once they confirm. Runs periodically.
 */
final class PlanExpirer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PlanExpirer.class);

    private static final int BATCH = 256;

    private final BackupStore store;
    private final Clock clock;
    private final Runnable releasesQueued;
    private final Duration releaseDelay;

    PlanExpirer(BackupStore store, Clock clock, Runnable releasesQueued, Duration releaseDelay) {
        this.store = store;
        this.clock = clock;
        this.releasesQueued = releasesQueued;
        this.releaseDelay = releaseDelay;
    }

    @Override
    public void run() {
        try {
            int expired;
            do {
                expired = store.expireDue(OffsetDateTime.now(clock), BATCH, releaseDelay);
                if (expired > 0) {
                    LOG.info("expired {} backup plans that never completed", expired);
                    releasesQueued.run();
                }
            } while (expired == BATCH);
        } catch (RuntimeException e) {
            LOG.warn("expiring plans failed; will try again", e);
        }
    }
}
