package p2pbrs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import p2pbrs.peer.Peer;
import p2pbrs.peer.PeerConfig;
import p2pbrs.peer.Shell;
import p2pbrs.protocol.Role;
import p2pbrs.transport.RetryPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code peer}: runs a peer and its shell. */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Run a peer. Prints 'READY name=<name> udp=<port> tcp=<port>', registers, then reads "
                + "commands (backup, restore, files, forget, list, status, de, help, quit) from standard input or from --exec.")
final class PeerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, description = "This peer's name.")
    String name;

    @Option(names = "--role", defaultValue = "BOTH", description = "OWNER, STORAGE or BOTH (default ${DEFAULT-VALUE}).")
    Role role;

    @Option(names = "--server", defaultValue = "127.0.0.1:5000", description = "Server host:port (default ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--ip", defaultValue = "127.0.0.1", description = "Address this peer listens on and registers (default ${DEFAULT-VALUE}).")
    String ip;

    @Option(names = "--udp-port", defaultValue = "0", description = "UDP port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int udpPort;

    @Option(names = "--tcp-port", defaultValue = "0", description = "TCP port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int tcpPort;

    @Option(names = "--capacity", defaultValue = "1GB", converter = SizeConverter.class,
            description = "Space offered to other peers (default ${DEFAULT-VALUE}).")
    long capacity;

    @Option(names = "--storage", description = "Chunk folder (default storage/<name>/).")
    Path storage;

    @Option(names = "--db", description = "H2 database path without extension (default db/peer-<name>).")
    Path db;

    @Option(names = {"--recovery-key", "--token"}, description = "Recovery key (the RECOVERY-KEY the first "
            + "registration printed): takes this identity and every backup it made back, e.g. on a new machine "
            + "(--recovery-key-file or the P2PBRS_RECOVERY_KEY environment variable keep it out of the process list). "
            + "--token is the same option, and also takes a token printed before recovery keys existed.")
    String token;

    @Option(names = {"--recovery-key-file", "--token-file"}, description = "Read the recovery key from this file.")
    Path tokenFile;

    @Option(names = "--invite", description = "Invitation code for the first registration (from the invite command "
            + "on the server's machine).")
    String invite;

    @Option(names = "--exec", description = "Run this command (repeatable, in order), stop at the first failure, then exit.")
    List<String> exec = new ArrayList<>();

    @Option(names = "--restore-dir", defaultValue = "restored", description = "Where restores are written (default ${DEFAULT-VALUE}).")
    Path restoreDir;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Option(names = "--tcp-timeout-ms", defaultValue = "30000",
            description = "A chunk connection that stalls this long is dropped (default ${DEFAULT-VALUE}).")
    int tcpTimeoutMs;

    @Option(names = "--max-connections", defaultValue = "32",
            description = "Chunk connections served at once; more are refused (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--heartbeat-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often to tell the server this peer is alive: 200ms, 5s, 2m (default ${DEFAULT-VALUE}).")
    java.time.Duration heartbeatInterval;

    @Option(names = "--scrub-rate", defaultValue = "20MB", converter = SizeConverter.class,
            description = "A storage peer re-reads its chunks to check them at most this fast, per second "
                    + "(default ${DEFAULT-VALUE}).")
    long scrubRate;

    @Option(names = "--scrub-interval", defaultValue = "24h", converter = DurationConverter.class,
            description = "A storage peer checks its chunks once after start, then every so often: 30m, 24h, 7d "
                    + "(default ${DEFAULT-VALUE}).")
    java.time.Duration scrubInterval;

    @Option(names = "--rpc-timeout-ms", defaultValue = "300", description = "First retransmission timeout (default ${DEFAULT-VALUE}).")
    long rpcTimeoutMs;

    @Option(names = "--rpc-max-timeout-ms", defaultValue = "3000", description = "Longest retransmission timeout (default ${DEFAULT-VALUE}).")
    long rpcMaxTimeoutMs;

    @Option(names = "--rpc-tries", defaultValue = "7", description = "Tries before a request fails (default ${DEFAULT-VALUE}).")
    int rpcTries;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PeerConfig config = config();
        Peer peer;
        try {
            peer = Peer.start(config, out);
        } catch (Exception e) {
            out.println("ERROR " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(peer::close, "peer-shutdown"));
        Shell shell = new Shell(peer, out);
        if (!exec.isEmpty()) {
            try {
                for (String line : exec) {
                    Shell.Outcome outcome = shell.execute(line);
                    if (outcome == Shell.Outcome.FAILED) {
                        return 1;
                    }
                    if (outcome == Shell.Outcome.QUIT) {
                        break;
                    }
                }
                return 0;
            } finally {
                peer.close();
            }
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Shell.End end = shell.run(in);
        if (end == Shell.End.QUIT || !role.stores()) {
            peer.close();
            return 0;
        }
        // A storage peer keeps serving others after its input closes, until SIGINT or
        // SIGTERM; the shutdown hook closes it.
        new CountDownLatch(1).await();
        return 0;
    }

    /** The peer's configuration from the parsed flags (a usage error when they do not make one). */
    PeerConfig config() {
        try {
            return new PeerConfig(name, role, serverAddress(), ip, udpPort, tcpPort, capacity,
                    storage != null ? storage : Path.of("storage", name),
                    db != null ? db : Path.of("db", "peer-" + name),
                    recoveryToken(), invite,
                    new RetryPolicy(rpcTimeoutMs, Math.max(rpcTimeoutMs, rpcMaxTimeoutMs), rpcTries),
                    restoreDir, quiet, tcpTimeoutMs, maxConnections, heartbeatInterval, scrubRate, scrubInterval);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * The recovery key (or an older token) from --recovery-key, --recovery-key-file,
     * P2PBRS_RECOVERY_KEY or P2PBRS_TOKEN (in that order), or null.
     */
    private String recoveryToken() {
        if (token != null) {
            return token.trim();
        }
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --recovery-key-file " + tokenFile + ": "
                        + e.getMessage());
            }
        }
        String fromEnvironment = System.getenv("P2PBRS_RECOVERY_KEY");
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            fromEnvironment = System.getenv("P2PBRS_TOKEN");
        }
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment.trim();
    }

    private InetSocketAddress serverAddress() {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            throw new IllegalArgumentException("--server is host:port, e.g. 127.0.0.1:5000");
        }
        String host = server.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--server port is not a number: " + server);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use --server " + server + ": " + e.getMessage());
        }
    }
}
