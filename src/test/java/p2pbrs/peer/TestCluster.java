package p2pbrs.peer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import p2pbrs.protocol.Role;
import p2pbrs.server.MetadataServer;
import p2pbrs.server.ServerConfig;
import p2pbrs.transport.RetryPolicy;

/** A server and peers in this JVM, on loopback, with their data in one temporary folder. */
final class TestCluster implements AutoCloseable {
    static final long CHUNK = 64 * 1024;

    final Path dir;
    final MetadataServer server;
    private final List<Peer> peers = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    TestCluster(Path dir, UnaryOperator<ServerConfig> tweak) throws IOException {
        this.dir = dir;
        this.server = MetadataServer.start(tweak.apply(ServerConfig.defaults(dir.resolve("db/server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0).withChunkSize(CHUNK)
                // Released as soon as a plan expires: test peers share one clock.
                .withTicketGrace(java.time.Duration.ZERO).withReleaseGrace(java.time.Duration.ZERO)));
    }

    TestCluster(Path dir) throws IOException {
        this(dir, c -> c);
    }

    Peer peer(String name, Role role, long capacity) throws Exception {
        return peer(name, role, capacity, 5_000);
    }

    Peer peer(String name, Role role, long capacity, int tcpTimeoutMillis) throws Exception {
        Peer p = Peer.start(config(name, role, capacity, tcpTimeoutMillis), out);
        peers.add(p);
        return p;
    }

    PeerConfig config(String name, Role role, long capacity, int tcpTimeoutMillis) {
        return new PeerConfig(name, role, new InetSocketAddress("127.0.0.1", server.udpPort()), "127.0.0.1", 0, 0,
                capacity, storage(name), dir.resolve("db/peer-" + name), null, null, new RetryPolicy(100, 1000, 6),
                restoreDir(name), true, tcpTimeoutMillis, 16, PeerConfig.DEFAULT_HEARTBEAT_INTERVAL,
                PeerConfig.DEFAULT_SCRUB_RATE, PeerConfig.DEFAULT_SCRUB_INTERVAL);
    }

    Path storage(String name) {
        return dir.resolve("storage/" + name);
    }

    Path restoreDir(String name) {
        return dir.resolve("restored-" + name);
    }

    /** The chunk files a storage peer holds. */
    List<Path> chunkFiles(String name) throws IOException {
        Path chunks = storage(name).resolve("chunks");
        if (!Files.isDirectory(chunks)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(chunks)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (Peer p : peers) {
            p.close();
        }
        server.close();
    }
}
