package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;
import static p2pbrs.peer.LocalCluster.ask;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tickets;

/** A storage peer whose server is down keeps serving what it holds, and registers when the server returns. */
class ServerAwayTest {
    @TempDir
    Path dir;

    @Test
    void aStoragePeerStartsWithoutItsServerServesItsChunksAndRegistersLater() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] data = LocalCluster.random(2 * CHUNK, 14);
            owner.backup(c.source("held.bin", data));
            String held;
            try (ServerRecords records = new ServerRecords(c.dir.resolve("server"))) {
                held = records.chunkName("held.bin", 1);
            }
            String boxToken = c.token("Box");
            String ownerId = c.udp().message("REGISTER 1 Ola OWNER 127.0.0.1 40000 40001 0B token=" + c.token("Ola"))
                    .option("id");
            int port = c.server.udpPort();
            box.close();
            c.server.close();

            Peer back = c.start("Box", Role.STORAGE, GIB, 5_000, boxToken);
            assertTrue(c.output("Box").contains("WAITING server="), c.output("Box"));

            // It hands a chunk to its owner, whose ticket it can check without the server.
            long expires = System.currentTimeMillis() / 1000 + 600;
            String ticket = Tickets.fetch(Tickets.keyFor(boxToken), ownerId, held, 1, expires);
            Message get = Message.of(Command.GET_CHUNK, "5", held, "0").withOption("owner", ownerId)
                    .withOption("version", "1").withOption("expires", Long.toString(expires))
                    .withOption("ticket", ticket);
            try (LocalCluster.RawTcp tcp = c.tcp(back)) {
                Message header = tcp.exchange(Codec.format(get), null);
                assertEquals(Command.CHUNK_DATA, header.command(), Codec.format(header));
                byte[] body = tcp.socket.getInputStream().readNBytes(LocalCluster.SEALED);
                assertArrayEquals(LocalCluster.sealed(owner.dataKey(), LocalCluster.chunkOf(data, 0)), body);
            }

            // The server returns: the peer registers by itself, and restores work again.
            c.restartServer(port);
            Object registered = LocalCluster.poll(Duration.ofMillis(200), Duration.ofSeconds(40),
                    () -> c.output("Box").contains("REGISTERED name=Box") && !owner.list().isEmpty()
                            && owner.list().stream().anyMatch(p -> p.name().equals("Box")) ? Boolean.TRUE : null);
            assertEquals(Boolean.TRUE, registered);
            assertArrayEquals(data, Files.readAllBytes(owner.restore("held.bin", null).path()));
        }
    }

    @Test
    void aStoragePeerDeletesNothingAtTheWordOfAServerOfAnotherCluster() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            owner.backup(c.source("kept.bin", LocalCluster.random(2 * CHUNK, 15)));
            String kept;
            try (ServerRecords records = new ServerRecords(c.dir.resolve("server"))) {
                kept = records.chunkName("kept.bin", 1);
            }
            String ownerId = c.udp().message("REGISTER 1 Ola OWNER 127.0.0.1 40000 40001 0B token=" + c.token("Ola"))
                    .option("id");
            String cluster = c.server.registry().clusterId();
            int port = c.server.udpPort();
            c.server.close();
            // Something answers at the server's address with the right key but another
            // cluster's id: a fresh or swapped database.
            byte[] key = java.util.HexFormat.of().parseHex(Tickets.keyFor(c.token("Box")));
            try (java.net.DatagramSocket fake = new java.net.DatagramSocket(
                    new java.net.InetSocketAddress("127.0.0.1", port))) {
                java.net.InetSocketAddress peer = new java.net.InetSocketAddress("127.0.0.1", box.udpPort());
                Message release = Message.of(Command.RELEASE, "9", kept).withOption("owner", ownerId)
                        .withOption("version", "1")
                        .withOption("expires", Long.toString(System.currentTimeMillis() / 1000 + 60));
                String other = "ab".repeat(16);
                assertEquals("RELEASE-DENIED 9 Wrong-cluster", ask(fake, peer,
                        p2pbrs.protocol.Signatures.sign(key, release.withOption("cluster", other))));
                assertEquals(2 * LocalCluster.SEALED, c.bytesOnDisk("Box"));
                // Its own cluster's server is obeyed.
                assertEquals("RELEASED 9 " + kept + " chunks=2", ask(fake, peer,
                        p2pbrs.protocol.Signatures.sign(key, release.withOption("cluster", cluster))));
                assertEquals(0, c.bytesOnDisk("Box"));
            }
        }
    }
}
