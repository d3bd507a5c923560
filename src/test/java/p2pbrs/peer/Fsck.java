package p2pbrs.peer;

import java.nio.file.Path;
import java.time.Duration;
import p2pbrs.server.HealthCheck;
import p2pbrs.store.RepairStore;

/** What fsck counts, each chunk once, the worst that applies: as tests compare it. */
record Fsck(long healthy, long under, long repairing, long missing) {

    /** fsck now, from the running server of this database (or the database itself when it is stopped). */
    static Fsck of(Path db) throws Exception {
        return of(HealthCheck.check(db, null));
    }

    static Fsck of(HealthCheck.Report report) {
        RepairStore.Health h = report.health();
        return new Fsck(h.healthy(), h.underReplicated(), h.repairing(), h.missing());
    }

    /** Waits until fsck says what is wanted, and returns it; fails when it does not within 20 s. */
    static Fsck await(Path db, Fsck wanted) throws Exception {
        return LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20),
                () -> wanted.equals(of(db)) ? wanted : null);
    }
}
