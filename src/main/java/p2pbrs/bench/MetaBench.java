package p2pbrs.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's benchmark: a real server from the jar, as a process of its own, and from
 * this process a thousand (or --peers) simulated peers over UDP on loopback, a handful of
 * sockets carrying them all. One phase per request kind, each for its time, as many
 * requests outstanding as the windows allow, so that the server is the bottleneck.
 */
public final class MetaBench {
    private static final int LOG_LINES = 20;

    /** What to measure, and how hard to push. */
    public record Settings(int peers, long seconds, int sockets, int window, List<String> serverJvm) {
        static final int MAX_PEERS = 100_000;

        /** IllegalArgumentException, saying why, for settings that measure nothing. */
        public Settings {
            if (peers < 3 || peers > MAX_PEERS) {
                throw new IllegalArgumentException("--peers must be 3 to " + MAX_PEERS
                        + " (at least two storage peers and an owner)");
            }
            if (seconds < 1 || seconds > 3600) {
                throw new IllegalArgumentException("--seconds must be 1 to 3600");
            }
            if (sockets < 1 || sockets > 64) {
                throw new IllegalArgumentException("--sockets must be 1 to 64");
            }
            if (window < 1 || window > 4096) {
                throw new IllegalArgumentException("--window must be 1 to 4096");
            }
            serverJvm = List.copyOf(serverJvm);
        }
    }

    private final Settings settings;
    private final Path dir;
    private final PrintStream progress;

    public MetaBench(Settings settings, Path dir, PrintStream progress) {
        this.settings = settings;
        this.dir = dir;
        this.progress = progress;
    }

    /** Runs every phase; a BenchException (with the end of the server's log) when one fails. */
    public MetaReport run() throws BenchException, IOException {
        JarLauncher launcher = JarLauncher.of(MetaBench.class);
        progress.println("bench-meta: starting the server");
        try (MetaServer server = MetaServer.start(launcher, dir, settings.peers(), settings.serverJvm());
             MetaLoad load = new MetaLoad(server.address(), settings.sockets(), settings.window())) {
            try {
                return measure(server, load);
            } catch (BenchException e) {
                throw new BenchException(e.getMessage() + System.lineSeparator() + "--- the end of the server's log ---"
                        + System.lineSeparator() + String.join(System.lineSeparator(), server.logTail(LOG_LINES)), e);
            }
        }
    }

    private MetaReport measure(MetaServer server, MetaLoad load) throws BenchException, IOException {
        MetaPeers peers = new MetaPeers(settings.peers(), load);
        MetaBackups backups = new MetaBackups(peers);
        List<MetaPhase> phases = new ArrayList<>();
        phases.add(phase(load, server, "REGISTER", peers.registrations()));
        phases.add(phase(load, server, "HEARTBEAT", peers.heartbeats()));
        phases.add(phase(load, server, "LIST", peers.lists()));
        phases.add(phase(load, server, "BACKUP_REQ", backups.backupRequests()));
        phases.add(phase(load, server, "CHUNK_SUMS", backups.chunkSums()));
        phases.add(phase(load, server, "STORE_ACK", backups.storeAcks()));
        return new MetaReport(settings, peers.size() - peers.owners().size(), peers.owners().size(), phases,
                server.rssPeakMib());
    }

    private MetaPhase phase(MetaLoad load, MetaServer server, String name, MetaSource source) throws BenchException {
        progress.println("bench-meta: " + name + " for " + settings.seconds() + " s");
        MetaPhase measured = load.run(name, source, settings.seconds(), server);
        progress.println("bench-meta: " + MetaReport.line(measured));
        return measured;
    }
}
