package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.testing.UdpProbe;

/** Many peers registering, listing and leaving at once, each from its own socket. */
class ConcurrentPeersTest {
    private static final int PEERS = 16;
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void concurrentPeersAreServedCorrectly() throws Exception {
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server"))
                .withBindAddress("127.0.0.1").withUdpPort(0))) {
            ExecutorService pool = Executors.newFixedThreadPool(PEERS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int p = 0; p < PEERS; p++) {
                int id = p;
                results.add(pool.submit(() -> {
                    try (UdpProbe probe = new UdpProbe(server.udpPort())) {
                        go.await();
                        String name = "peer" + id;
                        String token = null;
                        for (int round = 0; round < ROUNDS; round++) {
                            Message reg = probe.call("REGISTER " + (round * 3 + 1) + " " + name
                                    + " BOTH 127.0.0.1 5001 6001 1GB");
                            assertEquals(Command.REGISTERED, reg.command(), reg.toString());
                            token = reg.option("token");
                            assertEquals(Command.LIST_OK, probe.call("LIST " + (round * 3 + 2) + " token=" + token)
                                    .command());
                            if (round < ROUNDS - 1) {
                                assertEquals(Command.DE_REGISTERED, probe.call("DE-REGISTER " + (round * 3 + 3)
                                        + " " + name + " token=" + token).command());
                            }
                        }
                        return token;
                    }
                }));
            }
            go.countDown();
            for (Future<String> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(PEERS, server.registry().countActive());
            assertEquals(PEERS * ROUNDS, server.registry().countAll(), "one row per registration, gone ones kept");
            assertEquals(PEERS * ROUNDS, server.registry().countSecrets());
        }
    }
}
