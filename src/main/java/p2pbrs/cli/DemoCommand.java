package p2pbrs.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import p2pbrs.bench.Baselines;
import p2pbrs.bench.SampleFile;
import p2pbrs.peer.Peer;
import p2pbrs.peer.PeerConfig;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Sizes;
import p2pbrs.server.MetadataServer;
import p2pbrs.server.ServerConfig;
import p2pbrs.transport.RetryPolicy;
import p2pbrs.transport.WireTap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the main job in one command. Starts a server and three storage peers on
 * loopback in this process, backs up a generated sample from an owner peer, restores it
 * and verifies it, printing the protocol messages as they cross the wire.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a server, three storage peers and an owner on loopback; back up a sample, restore it, "
                + "verify it. Exits 0 only when the restored file is identical.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "6MiB", converter = SizeConverter.class,
            description = "Size of the generated sample (default ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--chunk-size", defaultValue = "1MiB", converter = SizeConverter.class,
            description = "Chunk size the demo server plans (default ${DEFAULT-VALUE}).")
    long chunkSize;

    @Option(names = "--keep", description = "Keep the demo's temporary folder (its databases and chunks).")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("p2pbrs-demo-");
        // Peers' own chatter (READY, RECOVERY-KEY) is not part of the story the demo tells.
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<AutoCloseable> running = new ArrayList<>();
        try {
            // The demo's own server on loopback admits its peers openly; a real server admits
            // new peers by invitation (README, "Running a real cluster").
            MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("db/server"))
                    .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0).withChunkSize(chunkSize).withOpenRegistration());
            running.add(server);
            out.println("== server listening on udp " + server.udpPort() + ", chunk size " + Sizes.human(chunkSize)
                    + ", 2 copies of each chunk, registration open to the demo's peers");
            WireTap.listen(out::println);
            InetSocketAddress serverAddress = new InetSocketAddress("127.0.0.1", server.udpPort());
            for (String name : List.of("S1", "S2", "S3")) {
                running.add(0, startPeer(dir, name, Role.STORAGE, serverAddress, quiet));
            }
            Peer alice = startPeer(dir, "Alice", Role.OWNER, serverAddress, quiet);
            running.add(0, alice);

            Path sample = dir.resolve("sample.bin");
            writeSample(sample, size);
            out.println("== Alice backs up sample.bin (" + Sizes.human(size) + ")");
            var backup = alice.backup(sample);
            out.println("== backed up: version " + backup.version() + ", " + backup.chunks() + " chunks");
            out.println("== Alice restores sample.bin");
            var restore = alice.restore("sample.bin", null);
            WireTap.listen(null);
            boolean same = checksum(sample).equals(checksum(restore.path()));
            out.println("== restored to " + restore.path());
            out.println("Restore checksum: " + same);
            return same ? 0 : 1;
        } catch (Exception e) {
            WireTap.listen(null);
            out.println("ERROR demo failed: " + e.getMessage());
            return 1;
        } finally {
            for (AutoCloseable c : running) {
                c.close();
            }
            if (!keep) {
                deleteTree(dir);
            } else {
                out.println("== kept " + dir);
            }
        }
    }

    static Peer startPeer(Path dir, String name, Role role, InetSocketAddress server, PrintStream out)
            throws Exception {
        return startPeer(dir, name, role, server, out, 1L << 30);
    }

    static Peer startPeer(Path dir, String name, Role role, InetSocketAddress server, PrintStream out, long capacity)
            throws Exception {
        return Peer.start(new PeerConfig(name, role, server, "127.0.0.1", 0, 0, capacity,
                dir.resolve("storage/" + name), dir.resolve("db/peer-" + name), null, null, RetryPolicy.DEFAULT,
                dir.resolve("restored"), true, 30_000, 32,
                PeerConfig.DEFAULT_HEARTBEAT_INTERVAL, PeerConfig.DEFAULT_SCRUB_RATE,
                PeerConfig.DEFAULT_SCRUB_INTERVAL), out);
    }

    // Deterministic bytes, so that two runs of the demo (or of a benchmark) move the same data.
    static void writeSample(Path file, long size) throws IOException {
        SampleFile.write(file, size, 366);
    }

    static String checksum(Path file) throws IOException {
        return HexFormat.of().formatHex(Baselines.sha256(file));
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
