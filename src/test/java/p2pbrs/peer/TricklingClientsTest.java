package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;
import p2pbrs.testing.Trickle;

/**
 * Slowloris: clients that trickle a header a byte at a time, each byte well inside the
 * idle timeout, cannot hold a storage peer's chunk connections: the whole header line is
 * due within the header time, so they are dropped, and owners are served.
 */
class TricklingClientsTest {
    // The header time is min(this, 10 s): these connections are due to go after a second.
    private static final int TCP_TIMEOUT_MILLIS = 1_000;
    private static final int MAX_CONNECTIONS = 4;
    private static final int TRICKLERS = MAX_CONNECTIONS + 2;
    private static final Duration BYTE_EVERY = Duration.ofMillis(50);
    // The header time, and room for a loaded machine.
    private static final Duration DROPPED_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void clientsTricklingTheirHeadersAreDroppedAtTheDeadlineAndAnOwnerIsThenServed() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir)) {
            List<Peer> storage = List.of(
                    cluster.start("S1", Role.STORAGE, GIB, TCP_TIMEOUT_MILLIS, null, MAX_CONNECTIONS),
                    cluster.start("S2", Role.STORAGE, GIB, TCP_TIMEOUT_MILLIS, null, MAX_CONNECTIONS));
            Peer owner = cluster.start("Olive", Role.OWNER, 0);

            List<LocalCluster.RawTcp> clients = new ArrayList<>();
            List<Trickle> trickles = new ArrayList<>();
            byte[] header = "SEND_CHUNK 1 x.bin 0 65536 ".getBytes(StandardCharsets.US_ASCII);
            for (Peer s : storage) {
                for (int i = 0; i < TRICKLERS; i++) {
                    LocalCluster.RawTcp tcp = cluster.tcp(s);
                    clients.add(tcp);
                    trickles.add(new Trickle(tcp.socket.getOutputStream(), header, BYTE_EVERY));
                }
            }
            long start = System.nanoTime();
            try {
                for (LocalCluster.RawTcp tcp : clients) {
                    Duration left = DROPPED_WITHIN.minusNanos(System.nanoTime() - start);
                    assertTrue(!left.isNegative() && tcp.closedWithin(left.plusMillis(1)),
                            "a trickling connection still open after " + DROPPED_WITHIN);
                }
            } finally {
                trickles.forEach(Trickle::close);
            }

            byte[] data = LocalCluster.random(3 * CHUNK + 9, 31);
            owner.backup(cluster.source("served.bin", data));
            assertArrayEquals(data, Files.readAllBytes(owner.restore("served.bin", null).path()));
        }
    }
}
