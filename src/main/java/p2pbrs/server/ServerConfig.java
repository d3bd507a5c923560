package p2pbrs.server;

import java.nio.file.Path;
import java.time.Duration;
import p2pbrs.protocol.Tickets;

/**
 * Everything a server is started with, checked once here.
 *
 * @param requestLogRetention    how long acknowledged replies are kept for retransmissions;
 *                               longer than any peer retries
 * @param registration           who may register a new identity: anyone, or holders of an invite
 * @param registrationsPerMinute new identities one source address may register per minute
 * @param ticketGrace            how long past their expiry storage peers honour tickets; the
 *                               chunks of an expired plan are released only after it
 * @param staleAfter             silence after which a peer is STALE (no new chunks placed on it)
 * @param deadAfter              silence after which a peer is DEAD
 * @param releaseGrace           how long a release waits before it is sent (a mistaken forget,
 *                               or a peer back after repair, has this long to be noticed)
 * @param safeMode               how long after a start no repair begins, so that peers can be
 *                               heard from first; null: the deadAfter time (see {@link #repairPause})
 * @param sqlPort                the loopback port of the read-only SQL door (0: any free port)
 */
public record ServerConfig(String bindAddress, int udpPort, Path db, int workers, int queueCapacity,
                           Duration requestLogRetention, long chunkSize, int replicas, Duration planTtl,
                           Registration registration, int registrationsPerMinute, Duration ticketGrace,
                           Duration staleAfter, Duration deadAfter, Duration releaseGrace,
                           Duration safeMode, int sqlPort) {
    /** Chunks are at most this large: a storage peer refuses any bigger one. */
    public static final long MAX_CHUNK_SIZE = 64L << 20;
    // Measured on loopback with two copies of a 256 MiB file: 1 MiB chunks backed up at 45 MiB/s,
    // 4 MiB at 77, 8 MiB at 105, 16 MiB at 126 (per-chunk fsyncs dominate small chunks), while
    // the owner holds two to four chunks in memory: 8 MiB keeps its heap small.
    public static final long DEFAULT_CHUNK_SIZE = 8L << 20;
    // A person setting up a few machines registers a handful at once; a script flooding the
    // registry with identities is slowed to this pace per address.
    public static final int DEFAULT_REGISTRATIONS_PER_MINUTE = 10;
    // Three missed heartbeats at the peers' default interval (5 s) make a peer STALE; a
    // minute of silence, DEAD.
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(15);
    public static final Duration DEFAULT_DEAD_AFTER = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RELEASE_GRACE = Duration.ofMinutes(10);
    // The UDP default's neighbour, so that an operator remembers it.
    public static final int DEFAULT_SQL_PORT = 5001;

    /** Who may register a new identity (server flag {@code --registration}). */
    public enum Registration {
        /** Only with a single-use code from the {@code invite} command. */
        INVITE,
        /** Anyone who can reach the server: for a classroom or a test. */
        OPEN
    }

    public ServerConfig {
        if (udpPort < 0 || udpPort > 65535) {
            throw new IllegalArgumentException("--udp-port must be 0 to 65535");
        }
        if (workers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("--workers and --queue must be at least 1");
        }
        if (requestLogRetention.isNegative() || requestLogRetention.isZero()) {
            throw new IllegalArgumentException("the request log retention must be positive");
        }
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("--chunk-size must be 1 B to 64 MiB");
        }
        if (replicas < 1 || replicas > 16) {
            throw new IllegalArgumentException("--replicas must be 1 to 16");
        }
        if (planTtl.isNegative() || planTtl.isZero()) {
            throw new IllegalArgumentException("--plan-ttl-s must be positive");
        }
        if (registration == null) {
            throw new IllegalArgumentException("--registration is invite or open");
        }
        if (registrationsPerMinute < 1) {
            throw new IllegalArgumentException("--registrations-per-minute must be at least 1");
        }
        if (staleAfter.isNegative() || staleAfter.isZero() || deadAfter.compareTo(staleAfter) <= 0) {
            throw new IllegalArgumentException("--stale-after must be positive and --dead-after longer");
        }
        if (releaseGrace.isNegative()) {
            throw new IllegalArgumentException("--release-grace must not be negative");
        }
        if (safeMode != null && safeMode.isNegative()) {
            throw new IllegalArgumentException("--safe-mode must not be negative");
        }
        if (sqlPort < 0 || sqlPort > 65535) {
            throw new IllegalArgumentException("--sql-port must be 0 to 65535");
        }
        if (ticketGrace.isNegative()) {
            throw new IllegalArgumentException("the ticket grace must not be negative");
        }
    }

    // Handler threads mostly wait: on their group's commit, whose cost is shared by every
    // request waiting in it (store.CommitGroups), so more waiting handlers make larger groups.
    public static final int DEFAULT_WORKERS = 32;

    /** The defaults of the {@code server} command: the same as its flags' defaults. */
    public static ServerConfig defaults(Path db) {
        return new ServerConfig("0.0.0.0", 5000, db, DEFAULT_WORKERS, 1024, Duration.ofHours(1), DEFAULT_CHUNK_SIZE, 2,
                Duration.ofHours(1), Registration.INVITE, DEFAULT_REGISTRATIONS_PER_MINUTE,
                Duration.ofSeconds(Tickets.GRACE_SECONDS), DEFAULT_STALE_AFTER, DEFAULT_DEAD_AFTER,
                DEFAULT_RELEASE_GRACE, null, DEFAULT_SQL_PORT);
    }

    /**
     * How long after a start the server waits before any repair: --safe-mode, or by default
     * as long as a peer may be silent before it is DEAD, so that every peer alive at the
     * restart has been heard from before a copy is judged lost.
     */
    public Duration repairPause() {
        return safeMode != null ? safeMode : deadAfter;
    }

    public ServerConfig withUdpPort(int port) {
        return with(b -> b.udpPort = port);
    }

    public ServerConfig withSqlPort(int port) {
        return with(b -> b.sqlPort = port);
    }

    public ServerConfig withBindAddress(String address) {
        return with(b -> b.bindAddress = address);
    }

    public ServerConfig withChunkSize(long size) {
        return with(b -> b.chunkSize = size);
    }

    public ServerConfig withReplicas(int count) {
        return with(b -> b.replicas = count);
    }

    public ServerConfig withPlanTtl(Duration ttl) {
        return with(b -> b.planTtl = ttl);
    }

    public ServerConfig withRequestLogRetention(Duration retention) {
        return with(b -> b.requestLogRetention = retention);
    }

    public ServerConfig withRegistration(Registration mode) {
        return with(b -> b.registration = mode);
    }

    public ServerConfig withRegistrationsPerMinute(int perMinute) {
        return with(b -> b.registrationsPerMinute = perMinute);
    }

    public ServerConfig withReleaseGrace(Duration grace) {
        return with(b -> b.releaseGrace = grace);
    }

    public ServerConfig withLiveness(Duration stale, Duration dead) {
        return with(b -> {
            b.staleAfter = stale;
            b.deadAfter = dead;
        });
    }

    public ServerConfig withSafeMode(Duration pause) {
        return with(b -> b.safeMode = pause);
    }

    /** A ticket grace that matches storage peers whose clocks are this close (tests: none). */
    public ServerConfig withTicketGrace(Duration grace) {
        return with(b -> b.ticketGrace = grace);
    }

    /** A copy with some settings changed, checked again as a whole. */
    private ServerConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new ServerConfig(c.bindAddress, c.udpPort, c.db, c.workers, c.queueCapacity, c.requestLogRetention,
                c.chunkSize, c.replicas, c.planTtl, c.registration, c.registrationsPerMinute, c.ticketGrace,
                c.staleAfter, c.deadAfter, c.releaseGrace, c.safeMode, c.sqlPort);
    }

    /** The settings of a config, open to change for one copy. */
    private static final class Copy {
        String bindAddress;
        int udpPort;
        Path db;
        int workers;
        int queueCapacity;
        Duration requestLogRetention;
        long chunkSize;
        int replicas;
        Duration planTtl;
        Registration registration;
        int registrationsPerMinute;
        Duration ticketGrace;
        Duration staleAfter;
        Duration deadAfter;
        Duration releaseGrace;
        Duration safeMode;
        int sqlPort;

        Copy(ServerConfig c) {
            bindAddress = c.bindAddress;
            udpPort = c.udpPort;
            db = c.db;
            workers = c.workers;
            queueCapacity = c.queueCapacity;
            requestLogRetention = c.requestLogRetention;
            chunkSize = c.chunkSize;
            replicas = c.replicas;
            planTtl = c.planTtl;
            registration = c.registration;
            registrationsPerMinute = c.registrationsPerMinute;
            ticketGrace = c.ticketGrace;
            staleAfter = c.staleAfter;
            deadAfter = c.deadAfter;
            releaseGrace = c.releaseGrace;
            safeMode = c.safeMode;
            sqlPort = c.sqlPort;
        }
    }

    /** Open registration at any pace: for a test or the demo, which start many peers at once. */
    public ServerConfig withOpenRegistration() {
        return withRegistration(Registration.OPEN).withRegistrationsPerMinute(Integer.MAX_VALUE);
    }
}
