package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tickets;

/** A storage peer never holds more than the capacity it declared: the server plans so, and the peer checks. */
class CapacityTest {
    @TempDir
    Path dir;

    @Test
    void theServerNeverPlansPastADeclaredCapacity() throws Exception {
        // Room for five chunks as they are stored (sealed).
        long capacity = 5L * LocalCluster.SEALED;
        try (LocalCluster c = new LocalCluster(dir)) {
            c.start("C1", Role.STORAGE, capacity);
            c.start("C2", Role.STORAGE, capacity);
            Peer owner = c.start("Owner", Role.OWNER, 0);
            // Two peers, two copies: every chunk lands on both.
            owner.backup(c.source("a.bin", LocalCluster.random(2 * CHUNK, 1)));
            assertWithin(c, capacity);
            owner.backup(c.source("b.bin", LocalCluster.random(2 * CHUNK, 2)));
            assertWithin(c, capacity);
            PeerException e = assertThrows(PeerException.class,
                    () -> owner.backup(c.source("c.bin", LocalCluster.random(2 * CHUNK, 3))));
            assertTrue(e.getMessage().contains("No-capacity"), e.getMessage());
            assertWithin(c, capacity);
            byte[] last = LocalCluster.random(CHUNK, 4);
            owner.backup(c.source("d.bin", last));
            assertEquals(capacity, c.bytesOnDisk("C1"), "full to the byte");
            assertEquals(capacity, c.bytesOnDisk("C2"));
            assertThrows(PeerException.class, () -> owner.backup(c.source("e.bin", new byte[] {1})));
            assertWithin(c, capacity);
            assertArrayEquals(last, Files.readAllBytes(owner.restore("d.bin", null).path()));
        }
    }

    @Test
    void aStoragePeerRefusesPastItsCapacityEvenWithValidTickets() throws Exception {
        long capacity = 3L * CHUNK + 100;
        // No plan placed these chunks: once the restarted peer reports them, the server has
        // them released, but only after its grace, long after this test.
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReleaseGrace(java.time.Duration.ofHours(1)))) {
            Peer tight = c.start("Tight", Role.STORAGE, capacity);
            String key = Tickets.keyFor(c.token("Tight"));
            byte[] big = LocalCluster.random(10 * CHUNK, 5);
            // The server would never plan this; the tickets are signed with the peer's own key.
            try (LocalCluster.RawTcp tcp = c.tcp(tight)) {
                for (int i = 0; i < 3; i++) {
                    Message reply = tcp.exchange(send(key, "big.bin", big.length, i, LocalCluster.chunkOf(big, i)),
                            LocalCluster.chunkOf(big, i));
                    assertEquals(Command.CHUNK_OK, reply.command(), reply.toString());
                }
                Message refused = tcp.exchange(send(key, "big.bin", big.length, 3, LocalCluster.chunkOf(big, 3)),
                        LocalCluster.chunkOf(big, 3));
                assertEquals("CHUNK_ERROR 3 big.bin 3 No-space", Codec.format(refused));
            }
            assertEquals(3L * CHUNK, c.bytesOnDisk("Tight"));
            byte[] hundred = LocalCluster.random(100, 6);
            byte[] oneMore = LocalCluster.random(1, 7);
            try (LocalCluster.RawTcp tcp = c.tcp(tight)) {
                assertEquals(Command.CHUNK_OK, tcp.exchange(send(key, "fits.bin", 100, 0, hundred), hundred).command());
                assertEquals("CHUNK_ERROR 0 over.bin 0 No-space",
                        Codec.format(tcp.exchange(send(key, "over.bin", 1, 0, oneMore), oneMore)));
            }
            try (LocalCluster.RawTcp tcp = c.tcp(tight)) {
                // Bytes it already holds take no more room.
                byte[] again = LocalCluster.chunkOf(big, 0);
                assertEquals(Command.CHUNK_OK, tcp.exchange(send(key, "same.bin", CHUNK, 0, again), again).command());
            }
            assertEquals(capacity, c.bytesOnDisk("Tight"));
            assertTrue(Files.notExists(c.chunkFile("Tight", LocalCluster.sha256(oneMore))));
            try (Stream<Path> tmp = Files.list(c.storage("Tight").resolve("tmp"))) {
                assertEquals(List.of(), tmp.toList());
            }

            // A restarted peer counts what its disk holds: still full.
            tight.close();
            Peer again = c.start("Tight", Role.STORAGE, capacity);
            try (LocalCluster.RawTcp tcp = c.tcp(again)) {
                assertEquals("CHUNK_ERROR 0 after.bin 0 No-space",
                        Codec.format(tcp.exchange(send(key, "after.bin", 1, 0, oneMore), oneMore)));
            }
            assertEquals(capacity, c.bytesOnDisk("Tight"));
        }
    }

    /** SEND_CHUNK of chunk idx of a one-peer, one-copy plan, signed with the storage peer's key. */
    private static String send(String key, String file, long fileSize, int idx, byte[] chunk) {
        long expires = System.currentTimeMillis() / 1000 + 3600;
        Placement placement = new Placement(fileSize, CHUNK, 1, 1);
        return Codec.format(Message.of(Command.SEND_CHUNK, Integer.toString(idx), file, Integer.toString(idx),
                        Integer.toString(chunk.length), LocalCluster.sha256(chunk))
                .withOption("owner", LocalCluster.FORGER).withOption("version", "1")
                .withOption("file_size", Long.toString(fileSize)).withOption("chunk_size", Long.toString(CHUNK))
                .withOption("peers", "1").withOption("replicas", "1").withOption("slot", "0")
                .withOption("expires", Long.toString(expires))
                .withOption("ticket", Tickets.store(key, LocalCluster.FORGER, file, 1, placement, 0, expires)));
    }

    private static void assertWithin(LocalCluster c, long capacity) throws Exception {
        for (String s : List.of("C1", "C2")) {
            long used = c.bytesOnDisk(s);
            assertTrue(used <= capacity, s + " holds " + used + " bytes of " + capacity);
        }
    }
}
