package p2pbrs.server;

import java.net.InetSocketAddress;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import p2pbrs.sql.SqlDoor;
import p2pbrs.store.BackupStore;
import p2pbrs.store.ChunkTasks;
import p2pbrs.store.Database;
import p2pbrs.store.DecommissionStore;
import p2pbrs.store.RegistryStore;
import p2pbrs.store.RepairStore;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.RequestClient;
import p2pbrs.transport.RetryPolicy;
import p2pbrs.transport.UdpEndpoint;

/** The server: its database, its UDP endpoint and its background tasks, wired together. */
public final class MetadataServer implements AutoCloseable {
    // Releases due are looked for this often (and at once when new ones are queued).
    private static final long RELEASE_PERIOD_SECONDS = 2;
    // Chunks short of copies are looked for this often.
    private static final long REPAIR_PERIOD_SECONDS = 1;
    // Chunks with more copies than wanted are looked for this often.
    private static final long SURPLUS_PERIOD_SECONDS = 2;

    private final Database database;
    private final UdpEndpoint endpoint;
    private final ScheduledExecutorService background;
    private final Reconciliations reconciliations;
    private final RegistryStore registry;
    private final Liveness liveness;
    private final Repairer repairer;
    private final SqlDoor sql;

    private MetadataServer(Database database, UdpEndpoint endpoint, ScheduledExecutorService background,
                           Reconciliations reconciliations, RegistryStore registry, Liveness liveness,
                           Repairer repairer, SqlDoor sql) {
        this.database = database;
        this.endpoint = endpoint;
        this.background = background;
        this.reconciliations = reconciliations;
        this.registry = registry;
        this.liveness = liveness;
        this.repairer = repairer;
        this.sql = sql;
    }

    private static java.time.Duration max(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Sweeps liveness now (tests, on a moved clock). */
    void sweepLiveness() {
        liveness.sweep();
    }

    /** Opens the database (migrating it) and starts serving; returns when ready. */
    public static MetadataServer start(ServerConfig config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    /** The same, on a given clock (tests move time on without waiting for it). */
    static MetadataServer start(ServerConfig config, Clock clock) throws IOException {
        SqlDoor.bindToLoopback();
        ServerKeys keys = ServerKeys.loadOrCreate(config.db());
        // A connection for each worker, the background thread, the reconciling thread, and a spare.
        Database database = Database.open(config.db(), Database.Kind.SERVER, config.workers() + 3);
        Reconciliations reconciliations = null;
        SqlDoor sql = null;
        try {
            sql = SqlDoor.open(database, config.sqlPort());
            RegistryStore registry = new RegistryStore(database);
            BackupStore backups = new BackupStore(database);
            ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
                    DaemonThreads.numbered("server-background"));
            // The releaser needs the endpoint, which needs the handlers that wake it.
            AtomicReference<Releaser> releaser = new AtomicReference<>();
            Runnable releasesQueued = () -> releaser.get().kick();
            Liveness liveness = new Liveness(registry, clock, config.staleAfter(), config.deadAfter());
            RepairStore repairs = new RepairStore(database);
            // Plans and substitutes share one planner, whose lock keeps them from overbooking a peer.
            Planner planner = new Planner(config, keys);
            ChunkTasks chunkTasks = new ChunkTasks(database);
            reconciliations = new Reconciliations(backups, clock, config.ticketGrace(), config.releaseGrace(),
                    releasesQueued);
            RequestDispatcher dispatcher = new RequestDispatcher(liveness, new HealthService(repairs, keys),
                    new RegistryService(registry, clock, keys, config),
                    new DecommissionService(new DecommissionStore(database), clock),
                    new BackupService(backups, config, clock, planner),
                    new SubstituteService(backups, clock, planner, keys),
                    new RestoreService(backups, config, clock, keys),
                    new ForgetService(backups, clock, releasesQueued, config.releaseGrace()),
                    new BadCopyService(backups, clock),
                    new InventoryService(backups, clock, reconciliations));
            UdpEndpoint endpoint = new UdpEndpoint(new InetSocketAddress(config.bindAddress(), config.udpPort()),
                    "server", config.workers(), config.queueCapacity(), dispatcher);
            RequestClient client = new RequestClient(endpoint, background, RetryPolicy.DEFAULT);
            dispatcher.attach(endpoint, client);
            PeerCaller peers = new PeerCaller(client, keys, background, registry.clusterId());
            releaser.set(new Releaser(backups, chunkTasks, peers, clock, background));
            long period = Math.max(1, config.requestLogRetention().toSeconds() / 4);
            background.scheduleAtFixedRate(new RequestLogPruner(registry, clock, config.requestLogRetention()),
                    period, period, TimeUnit.SECONDS);
            // A gone peer's row outlives every retransmission that could still name it.
            background.scheduleAtFixedRate(new Housekeeper(registry, backups, clock, config.requestLogRetention()),
                    period, period, TimeUnit.SECONDS);
            long expiryPeriod = Math.max(1, Math.min(30, config.planTtl().toSeconds() / 4));
            background.scheduleAtFixedRate(new PlanExpirer(backups, clock, releasesQueued,
                    max(config.ticketGrace(), config.releaseGrace())), expiryPeriod, expiryPeriod,
                    TimeUnit.SECONDS);
            background.scheduleWithFixedDelay(releaser.get(), 1, RELEASE_PERIOD_SECONDS, TimeUnit.SECONDS);
            Repairer repairer = new Repairer(repairs, peers, keys, clock, config.repairPause(), planner.lock);
            background.scheduleWithFixedDelay(repairer, 1, REPAIR_PERIOD_SECONDS, TimeUnit.SECONDS);
            background.scheduleWithFixedDelay(new SurplusCopies(chunkTasks, clock, config.releaseGrace(),
                    releasesQueued), 1, SURPLUS_PERIOD_SECONDS, TimeUnit.SECONDS);
            // Swept four times per stale period (at most once a second), so a state is at
            // most a quarter late.
            long sweepMillis = Math.max(100, Math.min(1000, config.staleAfter().toMillis() / 4));
            background.scheduleWithFixedDelay(new LivenessSweeper(liveness), sweepMillis, sweepMillis,
                    TimeUnit.MILLISECONDS);
            ServerAccess.write(config.db(), config.bindAddress(), endpoint.port());
            endpoint.start();
            // Inventories completed before a stop, and not reconciled then, are reconciled now.
            reconciliations.resume();
            return new MetadataServer(database, endpoint, background, reconciliations, registry, liveness, repairer,
                    sql);
        } catch (IOException | RuntimeException e) {
            if (reconciliations != null) {
                reconciliations.close();
            }
            if (sql != null) {
                sql.close();
            }
            database.close();
            throw e;
        }
    }

    /**
     * How many times the repairer has looked for chunks short of copies since its safe mode
     * ended: a test of "nothing was copied" waits for a few of them.
     */
    public long repairPasses() {
        return repairer.passes();
    }

    /** The loopback port of the read-only SQL access. */
    public int sqlPort() {
        return sql.port();
    }

    public int udpPort() {
        return endpoint.port();
    }

    public RegistryStore registry() {
        return registry;
    }

    /** Stops reading, lets handlers in flight finish, then closes the database. */
    @Override
    public void close() {
        endpoint.close();
        reconciliations.close();
        background.shutdownNow();
        try {
            // A background task half-way through its queue finishes with the database open.
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sql.close();
        database.close();
    }
}
