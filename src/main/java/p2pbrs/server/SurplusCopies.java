package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.ChunkTasks;

/**
 * Releases the copies a chunk has beyond what its version wants, one per chunk at a time,
 * after --release-grace: typically a storage peer that came back after being DEAD, whose
 * chunks repair had already copied elsewhere. Its copies are the ones released, so that
 * its space is free again and the counts agree with its disk. Runs periodically.
 */
final class SurplusCopies implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SurplusCopies.class);
    private static final int BATCH = 256;

    private final ChunkTasks tasks;
    private final Clock clock;
    private final Duration releaseGrace;
    private final Runnable tasksQueued;

    SurplusCopies(ChunkTasks tasks, Clock clock, Duration releaseGrace, Runnable tasksQueued) {
        this.tasks = tasks;
        this.clock = clock;
        this.releaseGrace = releaseGrace;
        this.tasksQueued = tasksQueued;
    }

    @Override
    public void run() {
        try {
            OffsetDateTime now = OffsetDateTime.now(clock);
            int queued = tasks.queueSurplus(now, now.plus(releaseGrace), BATCH);
            if (queued > 0) {
                LOG.info("{} chunks have more live copies than wanted: releasing one copy of each", queued);
                tasksQueued.run();
            }
        } catch (RuntimeException e) {
            LOG.warn("looking for surplus copies failed; will try again", e);
        }
    }
}
