package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.SEALED;
import static p2pbrs.peer.LocalCluster.GIB;
import static p2pbrs.peer.LocalCluster.ask;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Signatures;
import p2pbrs.protocol.Tickets;
import p2pbrs.store.Database;

/**
 * ADOPT, RELEASE_COPY and RELEASE_ORPHAN, as a storage peer serves them: only from its own
 * server's address, signed with the key the two share, naming the cluster it first
 * registered with, in time. Anything else is refused and changes nothing.
 */
class ChunkOrdersTest {
    // An owner's public id: the peer checks its form only.
    private static final String OWNER = "0a".repeat(16);

    @TempDir
    Path dir;

    @Test
    void aStoragePeerAdoptsAndReleasesNothingAtTheWordOfAnotherClusterOrAStranger() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] data = LocalCluster.random(2 * CHUNK, 37);
            owner.backup(c.source("kept.bin", data));
            String ownerId = c.udp().message("REGISTER 1 Ola OWNER 127.0.0.1 40000 40001 0B token=" + c.token("Ola"))
                    .option("id");
            String cluster = c.server.registry().clusterId();
            String sum = LocalCluster.sha256(LocalCluster.sealed(owner.dataKey(), LocalCluster.chunkOf(data, 0)));
            String kept;
            try (ServerRecords records = new ServerRecords(c.dir.resolve("server"))) {
                kept = records.chunkName("kept.bin", 1);
            }
            int port = c.server.udpPort();
            // Something answers at the server's address, with the right key.
            c.server.close();
            byte[] key = HexFormat.of().parseHex(Tickets.keyFor(c.token("Box")));
            String expires = Long.toString(System.currentTimeMillis() / 1000 + 60);
            Message adopt = Message.of(Command.ADOPT, "7", "other.bin", "0").withOption("owner", ownerId)
                    .withOption("version", "1").withOption("size", Integer.toString(SEALED)).withOption("checksum", sum)
                    .withOption("file_size", Integer.toString(CHUNK)).withOption("chunk_count", "1")
                    .withOption("expires", expires);
            Message copy = Message.of(Command.RELEASE_COPY, "8", kept, "0").withOption("owner", ownerId)
                    .withOption("version", "1").withOption("expires", expires);
            Message orphan = Message.of(Command.RELEASE_ORPHAN, "9", sum)
                    .withOption("before", Long.toString(System.currentTimeMillis() + 60_000))
                    .withOption("expires", expires);
            String other = "ab".repeat(16);
            InetSocketAddress peer = new InetSocketAddress("127.0.0.1", box.udpPort());
            try (DatagramSocket server = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
                 DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                         0))) {
                // A server of another cluster (a fresh or swapped database) decides nothing here ...
                assertEquals("ADOPT-DENIED 7 Wrong-cluster", ask(server, peer,
                        Signatures.sign(key, adopt.withOption("cluster", other))));
                assertEquals("RELEASE-DENIED 8 Wrong-cluster", ask(server, peer,
                        Signatures.sign(key, copy.withOption("cluster", other))));
                assertEquals("RELEASE-DENIED 9 Wrong-cluster", ask(server, peer,
                        Signatures.sign(key, orphan.withOption("cluster", other))));
                // ... nor does anyone at another address, key or not, nor an order past its time.
                assertEquals("ADOPT-DENIED 7 Bad-auth", ask(stranger, peer,
                        Signatures.sign(key, adopt.withOption("cluster", cluster))));
                assertEquals("RELEASE-DENIED 9 Bad-auth", ask(stranger, peer,
                        Signatures.sign(key, orphan.withOption("cluster", cluster))));
                assertEquals("RELEASE-DENIED 9 Bad-auth", ask(server, peer, orphan.withOption("cluster", cluster)));
                assertEquals("RELEASE-DENIED 9 Ticket-expired", ask(server, peer, Signatures.sign(key,
                        orphan.withOption("expires", "1000").withOption("cluster", cluster))));
                assertEquals(2, indexRows(c, "Box"));
                assertEquals(2 * SEALED, c.bytesOnDisk("Box"));

                // Its own cluster's server is obeyed. The file of chunk 0 is adopted as one more chunk ...
                assertEquals("ADOPTED 7 other.bin 0", ask(server, peer,
                        Signatures.sign(key, adopt.withOption("cluster", cluster))));
                assertEquals(3, indexRows(c, "Box"));
                // ... a copy released keeps the file another row uses ...
                assertEquals("COPY_RELEASED 8 " + kept + " 0", ask(server, peer,
                        Signatures.sign(key, copy.withOption("cluster", cluster))));
                assertEquals(2, indexRows(c, "Box"));
                assertEquals(2 * SEALED, c.bytesOnDisk("Box"));
                // ... and an orphan released takes its rows stored before the cut-off, then the file.
                assertEquals("ORPHAN_RELEASED 9 " + sum + " rows=1", ask(server, peer,
                        Signatures.sign(key, orphan.withOption("cluster", cluster))));
                assertEquals(1, indexRows(c, "Box"));
                assertEquals(SEALED, c.bytesOnDisk("Box"));
                // A file it does not hold is not adopted.
                Message missing = adopt.withOption("checksum", "0".repeat(64)).withOption("cluster", cluster);
                assertEquals("ADOPT-DENIED 7 Not-found", ask(server, peer, Signatures.sign(key, missing)));
            }
        }
    }

    @Test
    void anOrphanReleaseSparesTheRowsStoredAfterItsCutOff() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            long before = System.currentTimeMillis() - 60_000;
            byte[] data = LocalCluster.random(CHUNK, 38);
            owner.backup(c.source("new.bin", data));
            String cluster = c.server.registry().clusterId();
            int port = c.server.udpPort();
            c.server.close();
            byte[] key = HexFormat.of().parseHex(Tickets.keyFor(c.token("Box")));
            String sum = LocalCluster.sha256(data);
            Message orphan = Message.of(Command.RELEASE_ORPHAN, "9", sum).withOption("before", Long.toString(before))
                    .withOption("expires", Long.toString(System.currentTimeMillis() / 1000 + 60))
                    .withOption("cluster", cluster);
            try (DatagramSocket server = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                // The chunk came after the inventory that found its checksum an orphan began:
                // a new backup placed it, and it stays.
                assertEquals("ORPHAN_RELEASED 9 " + sum + " rows=0", ask(server,
                        new InetSocketAddress("127.0.0.1", box.udpPort()), Signatures.sign(key, orphan)));
            }
            assertEquals(1, indexRows(c, "Box"));
            assertEquals(SEALED, c.bytesOnDisk("Box"));
        }
    }

    @Test
    void anOrphanReleasedWhileItsStoreAckIsOwedIsNeverReportedStored() throws Exception {
        owedThenReleased((sum, cluster) -> Message.of(Command.RELEASE_ORPHAN, "9", sum)
                        .withOption("before", Long.toString(System.currentTimeMillis() + 60_000))
                        .withOption("expires", Long.toString(System.currentTimeMillis() / 1000 + 60))
                        .withOption("cluster", cluster),
                "ORPHAN_RELEASED 9 %s rows=1");
    }

    @Test
    void aCopyReleasedWhileItsStoreAckIsOwedIsNeverReportedStored() throws Exception {
        owedThenReleased((sum, cluster) -> Message.of(Command.RELEASE_COPY, "8", "owed.bin", "0")
                        .withOption("owner", OWNER).withOption("version", "1")
                        .withOption("expires", Long.toString(System.currentTimeMillis() / 1000 + 60))
                        .withOption("cluster", cluster),
                "COPY_RELEASED 8 owed.bin 0");
    }

    private interface Order {
        Message of(String checksum, String cluster);
    }

    /**
     * A storage peer stores a chunk and owes its STORE_ACK (the server does not answer), then
     * is told to drop it: after that, the STORE_ACK never reaches the server, or the server
     * would count a copy that is not there. Another chunk stored after the order, whose
     * STORE_ACK goes out and out again for longer than the first's retransmissions are
     * apart, shows the peer still reporting what it does hold.
     */
    private void owedThenReleased(Order order, String expectedReply) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            String cluster = c.server.registry().clusterId();
            String key = Tickets.keyFor(c.token("Box"));
            int port = c.server.udpPort();
            c.server.close();
            InetSocketAddress peer = new InetSocketAddress("127.0.0.1", box.udpPort());
            try (ServerStandIn server = new ServerStandIn(port)) {
                byte[] owed = LocalCluster.random(CHUNK, 40);
                String sum = LocalCluster.sha256(owed);
                storeRepairCopy(c, box, key, "owed.bin", owed);
                LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(10),
                        () -> server.storeAcksSince(0, "owed.bin") > 0 ? Boolean.TRUE : null);

                Message reply = server.ask(peer, Signatures.sign(HexFormat.of().parseHex(key), order.of(sum, cluster)));
                assertEquals(String.format(expectedReply, sum), Codec.format(reply));
                assertEquals(0, indexRows(c, "Box"));
                int released = server.mark();

                storeRepairCopy(c, box, key, "kept.bin", LocalCluster.random(CHUNK, 41));
                LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(20),
                        () -> server.storeAcksSince(released, "kept.bin") >= 6 ? Boolean.TRUE : null);
                assertEquals(0, server.storeAcksSince(released, "owed.bin"));
            }
        }
    }

    /** Sends a storage peer a chunk as a repair would (the test plays the holder), and checks it is taken. */
    private static void storeRepairCopy(LocalCluster c, Peer box, String key, String file, byte[] chunk)
            throws Exception {
        String sum = LocalCluster.sha256(chunk);
        long expires = System.currentTimeMillis() / 1000 + 60;
        Message header = RepairHeader.of("5", file, 0, chunk.length, sum, OWNER, 1, chunk.length, CHUNK, expires,
                Tickets.repair(key, OWNER, file, 1, 0, chunk.length, sum, chunk.length, CHUNK, expires));
        try (LocalCluster.RawTcp tcp = c.tcp(box)) {
            assertEquals(Command.CHUNK_OK, tcp.exchange(Codec.format(header), chunk).command());
        }
    }

    /** The rows of a storage peer's chunk index, read beside it (asking the peer would ask its server). */
    private static int indexRows(LocalCluster c, String peer) {
        try (Database db = Database.open(c.dir.resolve("db-" + peer), Database.Kind.PEER, 2)) {
            return db.dsl().fetchCount(p2pbrs.db.peer.Tables.CHUNK);
        }
    }

}
