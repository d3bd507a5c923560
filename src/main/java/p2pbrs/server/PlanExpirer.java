package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.BackupStore;

/**
 * Expires backups that never completed, so that the space their plans reserved on
 * storage peers is free again. Runs periodically.
 */
final class PlanExpirer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PlanExpirer.class);

    private final BackupStore store;
    private final Clock clock;

    PlanExpirer(BackupStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            int expired = store.expirePending(OffsetDateTime.now(clock));
            if (expired > 0) {
                LOG.info("expired {} backup plans that never completed", expired);
            }
        } catch (RuntimeException e) {
            LOG.warn("expiring plans failed; will try again", e);
        }
    }
}
