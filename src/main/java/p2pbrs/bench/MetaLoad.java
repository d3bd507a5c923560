package p2pbrs.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A handful of sockets that together play many peers: each phase runs on every socket at
 * once, one thread each, and its figures are those of all sockets together.
 */
final class MetaLoad implements AutoCloseable {
    private final List<MetaLane> lanes = new ArrayList<>();
    private final ExecutorService threads;
    private final int window;

    MetaLoad(InetSocketAddress server, int sockets, int window) throws IOException {
        this.window = window;
        this.threads = Executors.newFixedThreadPool(sockets, r -> {
            Thread t = new Thread(r, "bench-meta-socket");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < sockets; i++) {
                lanes.add(new MetaLane(server));
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The port of the socket a simulated peer is assigned to (it registers that port as its own). */
    int portFor(int peer) throws IOException {
        return lanes.get(peer % lanes.size()).port();
    }

    /**
     * Runs one phase for about the given time (longer if the source must finish), waits
     * for every answer, and returns what was measured. A BenchException if a request
     * was denied or never answered.
     */
    MetaPhase run(String name, MetaSource source, long seconds, MetaServer server) throws BenchException {
        double cpuBefore = server.cpuSeconds();
        ServerWrites writesBefore = server.writes();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        List<Future<MetaLaneResult>> running = new ArrayList<>();
        for (MetaLane lane : lanes) {
            running.add(threads.submit(() -> lane.run(source, window, deadline)));
        }
        List<MetaLaneResult> results = new ArrayList<>();
        for (Future<MetaLaneResult> f : running) {
            try {
                results.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted during " + name, e);
            } catch (ExecutionException e) {
                throw new BenchException(name + ": a socket failed: " + e.getCause(), e.getCause());
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = server.cpuSeconds() - cpuBefore;
        ServerWrites writes = server.writes().minus(writesBefore);
        long denied = 0;
        long failed = 0;
        long retransmitted = 0;
        List<String> reasons = new ArrayList<>();
        long[] latencies = new long[0];
        for (MetaLaneResult r : results) {
            denied += r.deniedCount();
            failed += r.failedCount();
            retransmitted += r.retransmittedCount();
            reasons.addAll(r.reasons());
            long[] more = r.latencies();
            long[] merged = Arrays.copyOf(latencies, latencies.length + more.length);
            System.arraycopy(more, 0, merged, latencies.length, more.length);
            latencies = merged;
        }
        if (denied > 0 || failed > 0) {
            throw new BenchException(name + ": " + denied + " denied and " + failed + " failed, for example: "
                    + String.join("; ", reasons.subList(0, Math.min(3, reasons.size()))));
        }
        if (latencies.length == 0) {
            throw new BenchException(name + ": no request was answered");
        }
        Arrays.sort(latencies);
        return new MetaPhase(name, latencies.length, elapsed, percentileMillis(latencies, 0.50),
                percentileMillis(latencies, 0.99), retransmitted, cpu, writes);
    }

    private static double percentileMillis(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[i] / 1e6;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        for (MetaLane lane : lanes) {
            try {
                lane.close();
            } catch (IOException e) {
                // Closing a loopback socket: nothing to do about it.
            }
        }
    }
}
