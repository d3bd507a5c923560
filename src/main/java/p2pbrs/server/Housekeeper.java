package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.BackupStore;
import p2pbrs.store.RegistryStore;

/**
 * Bounds what comes and goes without leaving anything of value: rows of peers that
 * de-registered owning nothing, once a retransmission could no longer ask about them, the
 * per-chunk rows of versions that expired or were forgotten, once released, and the pages
 * of inventories a peer began and never finished. Runs periodically, a batch at a time.
 */
final class Housekeeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);
    private static final int BATCH = 256;

    private final RegistryStore registry;
    private final BackupStore backups;
    private final Clock clock;
    private final Duration keepGone;

    Housekeeper(RegistryStore registry, BackupStore backups, Clock clock, Duration keepGone) {
        this.registry = registry;
        this.backups = backups;
        this.clock = clock;
        this.keepGone = keepGone;
    }

    @Override
    public void run() {
        try {
            int peers = registry.pruneGonePeers(OffsetDateTime.now(clock).minus(keepGone), BATCH);
            int versions = backups.trimReleasedVersions(BATCH);
            int scans = backups.pruneInventoryScans(OffsetDateTime.now(clock).minus(keepGone));
            if (peers + versions + scans > 0) {
                LOG.debug("removed {} gone peers, the chunk rows of {} released versions and {} unfinished "
                        + "inventories", peers, versions, scans);
            }
        } catch (RuntimeException e) {
            LOG.warn("housekeeping failed; will try again", e);
        }
    }
}
