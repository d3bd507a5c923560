package p2pbrs.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the liveness sweep periodically; a failed sweep is tried again at the next period. */
final class LivenessSweeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LivenessSweeper.class);

    private final Liveness liveness;

    LivenessSweeper(Liveness liveness) {
        this.liveness = liveness;
    }

    @Override
    public void run() {
        try {
            liveness.sweep();
        } catch (RuntimeException e) {
            LOG.warn("the liveness sweep failed; will try again", e);
        }
    }
}
