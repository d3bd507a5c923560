package p2pbrs.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import p2pbrs.server.MetadataServer;
import p2pbrs.protocol.Tickets;
import p2pbrs.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code server}: runs the metadata server until SIGINT or SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the server. Prints 'LISTENING udp=<port>' once it is ready.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--udp-port", defaultValue = "5000", description = "UDP port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int udpPort;

    @Option(names = "--sql-port", defaultValue = "" + ServerConfig.DEFAULT_SQL_PORT,
            description = "Loopback port of the read-only SQL access used by the sql command; 0 picks a free one "
                    + "(default ${DEFAULT-VALUE}).")
    int sqlPort;

    @Option(names = "--db", defaultValue = "db/server", description = "H2 database path without extension (default ${DEFAULT-VALUE}).")
    Path db;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--workers", defaultValue = "" + ServerConfig.DEFAULT_WORKERS, description = "Request handler threads (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--queue", defaultValue = "1024", description = "Datagrams waiting for a handler before new ones are dropped (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--request-log-retention-s", defaultValue = "3600",
            description = "Seconds an acknowledged reply is kept for retransmissions (default ${DEFAULT-VALUE}).")
    long requestLogRetentionSeconds;

    @Option(names = "--chunk-size", defaultValue = "8MiB", converter = SizeConverter.class,
            description = "Chunk size of new backups, at most 64MiB (default ${DEFAULT-VALUE}).")
    long chunkSize;

    @Option(names = "--replicas", defaultValue = "2", description = "Copies of each chunk, on distinct peers (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--plan-ttl-s", defaultValue = "3600",
            description = "Seconds a backup may take before its plan expires and its space is freed (default ${DEFAULT-VALUE}).")
    long planTtlSeconds;

    @Option(names = "--registration", defaultValue = "invite",
            description = "Who may register a new peer: invite (only with a code from the invite command) or open "
                    + "(anyone who reaches the server) (default ${DEFAULT-VALUE}).")
    String registration;

    @Option(names = "--registrations-per-minute", defaultValue = "" + ServerConfig.DEFAULT_REGISTRATIONS_PER_MINUTE,
            description = "New peers one source address may register per minute (default ${DEFAULT-VALUE}).")
    int registrationsPerMinute;

    @Option(names = "--release-grace", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long a release of forgotten or expired chunks waits before storage peers are told "
                    + "to delete them (default ${DEFAULT-VALUE}).")
    Duration releaseGrace;

    @Option(names = "--stale-after", defaultValue = "15s", converter = DurationConverter.class,
            description = "A peer silent this long is STALE: no new chunks are placed on it (default ${DEFAULT-VALUE}).")
    Duration staleAfter;

    @Option(names = "--dead-after", defaultValue = "60s", converter = DurationConverter.class,
            description = "A peer silent this long is DEAD (default ${DEFAULT-VALUE}).")
    Duration deadAfter;

    @Option(names = "--safe-mode", converter = DurationConverter.class,
            description = "After a start, no repair begins for this long, so that the peers can be heard from "
                    + "first (default: the --dead-after time).")
    Duration safeMode;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = new ServerConfig(bind, udpPort, db, workers, queue, Duration.ofSeconds(requestLogRetentionSeconds),
                    chunkSize, replicas, Duration.ofSeconds(planTtlSeconds), registrationMode(),
                    registrationsPerMinute, Duration.ofSeconds(Tickets.GRACE_SECONDS), staleAfter, deadAfter,
                    releaseGrace, safeMode, sqlPort);
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR " + e.getMessage());
            return 2;
        }
        MetadataServer server;
        try {
            server = MetadataServer.start(config);
        } catch (Exception e) {
            System.err.println("ERROR cannot start the server: " + (inUse(e) ? "another process (a server "
                    + "already running?) has the database " + db + " open; stop it first" : e.getMessage()));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        if (config.registration() == ServerConfig.Registration.OPEN) {
            System.err.println("WARNING registration is open: anyone who can reach this server can register peers");
        }
        System.out.println("LISTENING udp=" + server.udpPort());
        // Serve until the JVM is asked to stop; the shutdown hook closes the server.
        new CountDownLatch(1).await();
        return 0;
    }

    // H2's "database may be already in use": its file is locked by another process.
    private static boolean inUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
                return true;
            }
        }
        return false;
    }

    private ServerConfig.Registration registrationMode() {
        return switch (registration.toLowerCase(java.util.Locale.ROOT)) {
            case "invite" -> ServerConfig.Registration.INVITE;
            case "open" -> ServerConfig.Registration.OPEN;
            default -> throw new IllegalArgumentException("--registration is invite or open, not " + registration);
        };
    }
}
