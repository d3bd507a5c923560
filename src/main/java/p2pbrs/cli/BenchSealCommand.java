package p2pbrs.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import p2pbrs.peer.Peer;
import p2pbrs.protocol.Role;
import p2pbrs.server.MetadataServer;
import p2pbrs.server.ServerConfig;

/**
 * {@code bench-seal}: what sealing chunks costs. On a loopback cluster in this process it
 * backs up and restores one file with its chunks sealed (as every backup is) and unsealed
 * (format 0, which no user command offers: here only to measure against), in turns, and
 * prints the median of each with the ratios of sealed to unsealed throughput.
 */
@Command(name = "bench-seal", mixinStandardHelpOptions = true,
        description = "Measure what encrypting chunks costs: back up and restore one generated file on a loopback "
                + "cluster in this process, with chunks sealed and unsealed in turns, median of --runs each. Prints "
                + "'<backup|restore> <sealed|unsealed> median_s=<s> mb_s=<MB/s>' and 'ratio backup=<r> restore=<r>' "
                + "(sealed MB/s over unsealed MB/s: 1 costs nothing).")
final class BenchSealCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "256MiB", converter = SizeConverter.class,
            description = "Size of the generated file (default ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each kind (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--peers", defaultValue = "3", description = "Storage peers (default ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--replicas", defaultValue = "1", description = "Copies of each chunk (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--chunk-size", defaultValue = "8MiB", converter = SizeConverter.class,
            description = "Chunk size the server plans (default ${DEFAULT-VALUE}).")
    long chunkSize;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (size < 1 || runs < 1 || peers < 1 || replicas < 1 || replicas > peers) {
            System.err.println("ERROR --size, --runs, --peers and --replicas must be at least 1, --replicas at most "
                    + "--peers");
            return 2;
        }
        Path dir = Files.createTempDirectory("p2pbrs-bench-seal-");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<AutoCloseable> running = new ArrayList<>();
        try {
            MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("db/server"))
                    .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0).withChunkSize(chunkSize)
                    .withReplicas(replicas).withOpenRegistration());
            running.add(server);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.udpPort());
            // Room for every version this run makes (nothing is forgotten between runs).
            long capacity = (size + (size / chunkSize + 1) * 64) * replicas * runs * 2 / peers + chunkSize * 2;
            for (int i = 1; i <= peers; i++) {
                running.add(0, DemoCommand.startPeer(dir, "S" + i, Role.STORAGE, address, quiet, capacity));
            }
            Peer owner = DemoCommand.startPeer(dir, "Owner", Role.OWNER, address, quiet);
            running.add(0, owner);
            Path sample = dir.resolve("sample.bin");
            DemoCommand.writeSample(sample, size);
            String expected = DemoCommand.checksum(sample);
            out.println("bench-seal size=" + size + " runs=" + runs + " peers=" + peers + " replicas=" + replicas
                    + " chunk_size=" + chunkSize + " (one process on loopback; median of " + runs + ")");
            double[][] seconds = new double[4][runs];
            for (int run = 0; run < runs; run++) {
                // In turns, the first kind alternating, so that neither always runs on a warmer machine.
                for (int k = 0; k < 2; k++) {
                    boolean sealed = (run + k) % 2 == 0;
                    long t0 = System.nanoTime();
                    int version = (sealed ? owner.backup(sample) : owner.backupUnsealed(sample)).version();
                    long t1 = System.nanoTime();
                    Path restored = owner.restore("sample.bin", version).path();
                    long t2 = System.nanoTime();
                    if (!expected.equals(DemoCommand.checksum(restored))) {
                        System.err.println("ERROR the restored file differs from the original");
                        return 1;
                    }
                    seconds[sealed ? 0 : 1][run] = (t1 - t0) / 1e9;
                    seconds[sealed ? 2 : 3][run] = (t2 - t1) / 1e9;
                }
            }
            String[] names = {"backup sealed", "backup unsealed", "restore sealed", "restore unsealed"};
            double[] medians = new double[4];
            for (int i = 0; i < 4; i++) {
                Arrays.sort(seconds[i]);
                medians[i] = seconds[i][runs / 2];
                out.println(names[i] + " median_s=" + format(medians[i]) + " mb_s=" + format(size / 1e6 / medians[i]));
            }
            // Throughput sealed over unsealed: the unsealed seconds over the sealed ones.
            out.println("ratio backup=" + format(medians[1] / medians[0]) + " restore=" + format(medians[3] / medians[2]));
            return 0;
        } finally {
            for (AutoCloseable c : running) {
                c.close();
            }
            DemoCommand.deleteTree(dir);
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
