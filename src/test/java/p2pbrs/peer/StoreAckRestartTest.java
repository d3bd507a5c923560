package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.store.Database;
import p2pbrs.store.PendingStoreAck;
import p2pbrs.store.PendingStoreAcks;
import p2pbrs.store.ReplicaState;

/**
 * A storage peer stopped after its CHUNK_OKs but before the server answered its STORE_ACKs
 * reports them when it starts again on the same database, and the owner's backup, still
 * waiting in BACKUP_DONE, completes.
 */
class StoreAckRestartTest {
    private static final int CHUNKS = 6;

    @TempDir
    Path dir;

    @Test
    void storeAcksOwedAtAStopAreSentAfterTheRestart() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ExecutorService background = Executors.newSingleThreadExecutor();
        Peer restarted = null;
        try (TestCluster cluster = new TestCluster(dir, c -> c.withReplicas(1));
             AckDroppingRelay relay = new AckDroppingRelay(cluster.server.udpPort())) {
            Peer owner = cluster.peer("Olga", Role.OWNER, 0);
            PeerConfig direct = cluster.config("S1", Role.STORAGE, 1L << 30, 5_000);
            Peer first = Peer.start(viaServer(direct, relay.address()), quiet);

            byte[] data = new byte[(int) ((CHUNKS - 1) * TestCluster.CHUNK + 123)];
            new Random(7).nextBytes(data);
            Path file = Files.createDirectories(dir.resolve("src")).resolve("late-acks.bin");
            Files.write(file, data);
            Future<BackupResult> backup = background.submit(() -> owner.backup(file));

            // Every chunk is stored and its STORE_ACK on its way, none answered: stop the peer.
            LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(20),
                    () -> relay.dropped().size() == CHUNKS ? Boolean.TRUE : null);
            first.close();

            restarted = Peer.start(direct, quiet);
            BackupResult result = backup.get(60, TimeUnit.SECONDS);
            assertEquals(CHUNKS, result.chunks());
            assertEquals(0, result.underReplicated());
            assertArrayEquals(data, Files.readAllBytes(owner.restore("late-acks.bin", null).path()));

            // Answered, so owed no more (the same in-process database the peer has open).
            try (Database db = Database.open(direct.db(), Database.Kind.PEER, 2)) {
                PendingStoreAcks pending = new PendingStoreAcks(db);
                LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(10),
                        () -> pending.all().isEmpty() ? Boolean.TRUE : null);
            }
        } finally {
            if (restarted != null) {
                restarted.close();
            }
            background.shutdownNow();
        }
    }

    @Test
    void aStoreAckOwedForAChunkFoundMissingAtTheRestartIsNeverSent() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ExecutorService background = Executors.newSingleThreadExecutor();
        Peer restarted = null;
        try (TestCluster cluster = new TestCluster(dir, c -> c.withReplicas(1));
             AckDroppingRelay relay = new AckDroppingRelay(cluster.server.udpPort())) {
            Peer owner = cluster.peer("Olga", Role.OWNER, 0);
            PeerConfig direct = cluster.config("S1", Role.STORAGE, 1L << 30, 5_000);
            Peer first = Peer.start(viaServer(direct, relay.address()), quiet);
            byte[] data = new byte[(int) (TestCluster.CHUNK + 321)];
            new Random(8).nextBytes(data);
            Path file = Files.createDirectories(dir.resolve("src")).resolve("two.bin");
            Files.write(file, data);
            background.submit(() -> owner.backup(file));
            LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(20),
                    () -> relay.dropped().size() == 2 ? Boolean.TRUE : null);
            first.close();

            // Stopped, S1 loses the file of the chunk whose STORE_ACK it would send first.
            String lost;
            String kept;
            try (Database db = Database.open(direct.db(), Database.Kind.PEER, 2)) {
                List<PendingStoreAck> owed = new PendingStoreAcks(db).all();
                lost = owed.get(0).checksum();
                kept = owed.get(1).checksum();
            }
            Files.delete(direct.storageDir().resolve("chunks").resolve(lost.substring(0, 2)).resolve(lost));

            restarted = Peer.start(direct, quiet);
            // Owed nothing any more: the server has answered every STORE_ACK the peer sent.
            try (Database db = Database.open(direct.db(), Database.Kind.PEER, 2)) {
                PendingStoreAcks pending = new PendingStoreAcks(db);
                LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(20),
                        () -> pending.all().isEmpty() ? Boolean.TRUE : null);
            }
            try (ServerRecords server = new ServerRecords(cluster.dir.resolve("db/server"))) {
                Map<String, ReplicaState> copies = server.copiesOn("S1");
                assertEquals(ReplicaState.STORED, copies.get(kept));
                assertFalse(copies.containsKey(lost), "the server counts a copy S1 does not have: " + copies);
            }
        } finally {
            if (restarted != null) {
                restarted.close();
            }
            background.shutdownNow();
        }
    }

    @Test
    void aStoreAckTheServerRefusesForGoodIsForgotten() throws Exception {
        try (TestCluster cluster = new TestCluster(dir)) {
            PeerConfig config = cluster.config("S1", Role.STORAGE, 1L << 30, 5_000);
            // Left by an earlier run: a chunk of a version the server does not know.
            try (Database db = Database.open(config.db(), Database.Kind.PEER, 2)) {
                new PendingStoreAcks(db).add("Nobody", "gone.bin", 1, 0, 10, "c".repeat(64));
            }
            cluster.peer("S1", Role.STORAGE, 1L << 30);
            try (Database db = Database.open(config.db(), Database.Kind.PEER, 2)) {
                PendingStoreAcks pending = new PendingStoreAcks(db);
                LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(10),
                        () -> pending.all().isEmpty() ? Boolean.TRUE : null);
            }
        }
    }

    private static PeerConfig viaServer(PeerConfig c, InetSocketAddress server) {
        return new PeerConfig(c.name(), c.role(), server, c.ip(), c.udpPort(), c.tcpPort(), c.capacity(),
                c.storageDir(), c.db(), c.token(), c.invite(), c.retry(), c.restoreDir(), c.quiet(), c.tcpTimeoutMillis(),
                c.maxConnections(), c.heartbeatInterval(), c.scrubRate(), c.scrubInterval());
    }

    /**
     * Stands between one peer and the server on loopback: forwards every datagram both ways
     * but the peer's STORE_ACKs, which it records (file and chunk) and drops, as if the
     * server had not answered them yet.
     */
    private static final class AckDroppingRelay implements AutoCloseable {
        private final DatagramSocket peerSide;
        private final DatagramSocket serverSide;
        private final InetSocketAddress server;
        private final Set<String> dropped = ConcurrentHashMap.newKeySet();
        private volatile InetSocketAddress peer;

        AckDroppingRelay(int serverPort) throws IOException {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            this.peerSide = new DatagramSocket(new InetSocketAddress(loopback, 0));
            this.serverSide = new DatagramSocket(new InetSocketAddress(loopback, 0));
            this.server = new InetSocketAddress(loopback, serverPort);
            start("relay-to-server", this::towardsServer);
            start("relay-to-peer", this::towardsPeer);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), peerSide.getLocalPort());
        }

        /** The chunks whose STORE_ACK was held back, as "file#chunk". */
        Set<String> dropped() {
            return dropped;
        }

        private interface Loop {
            void run() throws IOException;
        }

        private static void start(String name, Loop loop) {
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (IOException e) {
                    // the relay was closed
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }

        private void towardsServer() throws IOException {
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                peerSide.receive(packet);
                peer = (InetSocketAddress) packet.getSocketAddress();
                Message m = parse(packet);
                if (m != null && m.command() == Command.STORE_ACK) {
                    dropped.add(m.field(0) + "#" + m.field(1));
                    continue;
                }
                serverSide.send(new DatagramPacket(buf, packet.getLength(), server));
            }
        }

        private void towardsPeer() throws IOException {
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                serverSide.receive(packet);
                InetSocketAddress to = peer;
                if (to != null) {
                    peerSide.send(new DatagramPacket(buf, packet.getLength(), to));
                }
            }
        }

        private static Message parse(DatagramPacket packet) {
            try {
                return Codec.decode(packet.getData(), 0, packet.getLength());
            } catch (MalformedMessageException e) {
                return null;
            }
        }

        @Override
        public void close() {
            peerSide.close();
            serverSide.close();
        }
    }
}
