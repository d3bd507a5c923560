package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.RegistryStore;

/** Drops logged replies that no retransmission can still ask for. Runs periodically. */
final class RequestLogPruner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogPruner.class);

    private final RegistryStore store;
    private final Clock clock;
    private final Duration retention;

    RequestLogPruner(RegistryStore store, Clock clock, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    @Override
    public void run() {
        try {
            int pruned = store.pruneRequestLog(OffsetDateTime.now(clock).minus(retention));
            if (pruned > 0) {
                LOG.debug("pruned {} logged replies", pruned);
            }
        } catch (RuntimeException e) {
            LOG.warn("pruning the request log failed; will try again", e);
        }
    }
}
