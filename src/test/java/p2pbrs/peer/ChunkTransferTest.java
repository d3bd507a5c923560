package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.WireList;

/**
 * A storage peer facing a raw TCP client: it stores only chunks the server planned for
 * it, whole and matching their checksum, never allocates what a header announces, and
 * drops a connection that stalls. The plan comes from a real BACKUP_REQ of an owner
 * registered by hand; forged tickets are signed with a storage peer's own token.
 */
class ChunkTransferTest {
    private static final int TCP_TIMEOUT_MILLIS = 500;
    // What the storage peers know Rawley's version by: the plan's chunk name, never "raw.bin".
    private static String FILE;
    // Five chunks over three peers, two copies: slot s holds chunks s and s-1 (mod 3).
    private static final long FILE_SIZE = 4L * CHUNK + 100;

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static Message plan;
    private static List<PlanPeer> slots;
    private static byte[] data;
    private static String rawley;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster(dir);
        for (String s : List.of("T1", "T2", "T3")) {
            cluster.start(s, Role.STORAGE, GIB, TCP_TIMEOUT_MILLIS, null);
        }
        LocalCluster.RawUdp udp = cluster.udp();
        String token = udp.register("1", "Rawley", Role.OWNER, 0);
        rawley = LocalCluster.idOf(token);
        plan = udp.message("BACKUP_REQ 2 raw.bin " + FILE_SIZE + " - token=" + token);
        FILE = plan.option("chunk_name");
        assertEquals(Command.BACKUP_PLAN, plan.command(), plan.toString());
        assertEquals("2", plan.option("replicas"));
        slots = new ArrayList<>();
        for (String entry : WireList.parse(plan.field(1), plan.rq())) {
            slots.add(PlanPeer.parse(entry, plan.rq()));
        }
        assertEquals(3, slots.size());
        data = LocalCluster.random((int) FILE_SIZE, 42);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A SEND_CHUNK header for the real plan, as an honest owner would write it. */
    private static Message header(String rq, int idx, long size, String checksum, int slot, String ticket) {
        return Message.of(Command.SEND_CHUNK, rq, FILE, Integer.toString(idx), Long.toString(size), checksum)
                .withOption("owner", rawley)
                .withOption("version", plan.option("version"))
                .withOption("file_size", Long.toString(FILE_SIZE))
                .withOption("chunk_size", plan.field(2))
                .withOption("peers", "3")
                .withOption("replicas", "2")
                .withOption("slot", Integer.toString(slot))
                .withOption("expires", plan.option("expires"))
                .withOption("ticket", ticket);
    }

    private static Message honest(String rq, int idx, int slot) {
        byte[] chunk = LocalCluster.chunkOf(data, idx);
        return header(rq, idx, chunk.length, LocalCluster.sha256(chunk), slot, slots.get(slot).ticket());
    }

    private static LocalCluster.RawTcp connect(int slot) throws IOException {
        return cluster.tcp(slots.get(slot).tcpPort());
    }

    private static String nameAt(int slot) {
        return slots.get(slot).name();
    }

    /** A forged SEND_CHUNK, ticket and all, for a plan of one peer and one copy. */
    private static Message forged(String peer, String rq, String file, int idx, long fileSize, long chunkSize,
                                  long size, String checksum, long expires) {
        Placement placement = new Placement(fileSize, chunkSize, 1, 1);
        String ticket = Tickets.store(Tickets.keyFor(cluster.token(peer)), LocalCluster.FORGER, file, 1, placement, 0, expires);
        return Message.of(Command.SEND_CHUNK, rq, file, Integer.toString(idx), Long.toString(size), checksum)
                .withOption("owner", LocalCluster.FORGER).withOption("version", "1")
                .withOption("file_size", Long.toString(fileSize)).withOption("chunk_size", Long.toString(chunkSize))
                .withOption("peers", "1").withOption("replicas", "1").withOption("slot", "0")
                .withOption("expires", Long.toString(expires)).withOption("ticket", ticket);
    }

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    private static void assertNoTemporaries(String peer) throws IOException {
        Path tmp = cluster.storage(peer).resolve("tmp");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(), files.toList(), "no partial chunk left on " + peer);
        }
    }

    @Test
    void aPlannedChunkIsStoredAndTheConnectionCarriesTheNext() throws Exception {
        try (LocalCluster.RawTcp tcp = connect(0)) {
            assertEquals("CHUNK_OK 11 " + FILE + " 0",
                    Codec.format(tcp.exchange(Codec.format(honest("11", 0, 0)), LocalCluster.chunkOf(data, 0))));
            assertEquals("CHUNK_OK 12 " + FILE + " 2",
                    Codec.format(tcp.exchange(Codec.format(honest("12", 2, 0)), LocalCluster.chunkOf(data, 2))));
        }
        for (int idx : new int[] {0, 2}) {
            byte[] chunk = LocalCluster.chunkOf(data, idx);
            assertArrayEquals(chunk, Files.readAllBytes(cluster.chunkFile(nameAt(0), LocalCluster.sha256(chunk))));
        }
        assertNoTemporaries(nameAt(0));
    }

    @Test
    void aWrongTicketIsRefusedUnreadAndTheConnectionClosed() throws Exception {
        byte[] chunk = LocalCluster.chunkOf(data, 0);
        try (LocalCluster.RawTcp tcp = connect(0)) {
            Message h = header("21", 0, chunk.length, LocalCluster.sha256(chunk), 0, "0123456789abcdef".repeat(2));
            assertEquals("CHUNK_ERROR 21 " + FILE + " 0 Bad-ticket", Codec.format(tcp.exchange(Codec.format(h), chunk)));
            assertTrue(tcp.closedWithin(Duration.ofSeconds(5)));
        }
    }

    @Test
    void anotherPeersTicketOrAnotherSlotIsBadTicket() throws Exception {
        byte[] chunk = LocalCluster.chunkOf(data, 1);
        String sum = LocalCluster.sha256(chunk);
        // Chunk 1 is planned for slot 1, but the peer at slot 0 must not take it with slot 1's ticket.
        try (LocalCluster.RawTcp tcp = connect(0)) {
            Message h = header("22", 1, chunk.length, sum, 1, slots.get(1).ticket());
            assertEquals("CHUNK_ERROR 22 " + FILE + " 1 Bad-ticket", Codec.format(tcp.exchange(Codec.format(h), chunk)));
        }
        // Nor with its own ticket presented for a slot it does not have.
        try (LocalCluster.RawTcp tcp = connect(0)) {
            Message h = header("23", 1, chunk.length, sum, 1, slots.get(0).ticket());
            assertEquals("CHUNK_ERROR 23 " + FILE + " 1 Bad-ticket", Codec.format(tcp.exchange(Codec.format(h), chunk)));
        }
        assertTrue(Files.notExists(cluster.chunkFile(nameAt(0), sum)));
    }

    @Test
    void aChunkTheRuleDoesNotGiveThisSlotIsNotPlanned() throws Exception {
        // Slot 0 holds chunks 0, 2 and 3: chunk 1 goes to slots 1 and 2 only.
        byte[] chunk = LocalCluster.chunkOf(data, 1);
        try (LocalCluster.RawTcp tcp = connect(0)) {
            Message h = header("31", 1, chunk.length, LocalCluster.sha256(chunk), 0, slots.get(0).ticket());
            assertEquals("CHUNK_ERROR 31 " + FILE + " 1 Not-planned", Codec.format(tcp.exchange(Codec.format(h), chunk)));
            assertTrue(tcp.closedWithin(Duration.ofSeconds(5)));
        }
        // Nor a chunk past the end of the file.
        try (LocalCluster.RawTcp tcp = connect(0)) {
            Message h = header("32", 5, 10, LocalCluster.sha256(new byte[10]), 0, slots.get(0).ticket());
            assertEquals("CHUNK_ERROR 32 " + FILE + " 5 Not-planned",
                    Codec.format(tcp.exchange(Codec.format(h), new byte[10])));
        }
        assertTrue(Files.notExists(cluster.chunkFile(nameAt(0), LocalCluster.sha256(chunk))));
        assertNoTemporaries(nameAt(0));
    }

    @Test
    void wrongBytesAreChecksumMismatchAndNothingIsKept() throws Exception {
        // Chunk 2 goes to slots 2 and 0.
        byte[] chunk = LocalCluster.chunkOf(data, 2);
        byte[] wrong = chunk.clone();
        wrong[wrong.length / 2] ^= 1;
        try (LocalCluster.RawTcp tcp = connect(2)) {
            assertEquals("CHUNK_ERROR 41 " + FILE + " 2 Checksum-mismatch",
                    Codec.format(tcp.exchange(Codec.format(honest("41", 2, 2)), wrong)));
            // The body was read whole, so the connection is still in step and carries the right bytes.
            assertEquals("CHUNK_OK 42 " + FILE + " 2", Codec.format(tcp.exchange(Codec.format(honest("42", 2, 2)), chunk)));
        }
        assertTrue(Files.notExists(cluster.chunkFile(nameAt(2), LocalCluster.sha256(wrong))));
        assertArrayEquals(chunk, Files.readAllBytes(cluster.chunkFile(nameAt(2), LocalCluster.sha256(chunk))));
        assertNoTemporaries(nameAt(2));
    }

    @Test
    void aSizeTheRuleDoesNotGiveOrABodyCutShortIsIncompleteData() throws Exception {
        // The last chunk (4) is 100 bytes, at slots 1 and 2.
        byte[] last = LocalCluster.chunkOf(data, 4);
        assertEquals(100, last.length);
        byte[] longer = LocalCluster.random(CHUNK, 43);
        try (LocalCluster.RawTcp tcp = connect(1)) {
            Message h = header("51", 4, longer.length, LocalCluster.sha256(longer), 1, slots.get(1).ticket());
            assertEquals("CHUNK_ERROR 51 " + FILE + " 4 Incomplete-data",
                    Codec.format(tcp.exchange(Codec.format(h), null)));
            assertTrue(tcp.closedWithin(Duration.ofSeconds(5)));
        }
        try (LocalCluster.RawTcp tcp = connect(1)) {
            tcp.write((Codec.format(honest("52", 4, 1)) + "\n").getBytes(StandardCharsets.UTF_8));
            tcp.write(java.util.Arrays.copyOf(last, 60));
            tcp.socket.shutdownOutput();
            assertEquals("CHUNK_ERROR 52 " + FILE + " 4 Incomplete-data", Codec.format(tcp.readMessage()));
        }
        assertTrue(Files.notExists(cluster.chunkFile(nameAt(1), LocalCluster.sha256(last))));
        assertNoTemporaries(nameAt(1));
    }

    @Test
    void aForgedTicketWorksOnlyWithTheStoragePeersOwnKeyAndUntilItExpires() throws Exception {
        String peer = nameAt(0);
        byte[] chunk = LocalCluster.random(500, 44);
        String sum = LocalCluster.sha256(chunk);
        try (LocalCluster.RawTcp tcp = connect(0)) {
            // Signed with the peer's own key: accepted (this is what the server does).
            Message ok = forged(peer, "61", "forged.bin", 0, 500, CHUNK, 500, sum, inAnHour());
            assertEquals(Command.CHUNK_OK, tcp.exchange(Codec.format(ok), chunk).command());
        }
        try (LocalCluster.RawTcp tcp = connect(0)) {
            // Signed with another storage peer's key: refused.
            Message other = forged(nameAt(1), "62", "forged2.bin", 0, 500, CHUNK, 500, sum, inAnHour());
            assertEquals("CHUNK_ERROR 62 forged2.bin 0 Bad-ticket",
                    Codec.format(tcp.exchange(Codec.format(other), chunk)));
        }
        try (LocalCluster.RawTcp tcp = connect(0)) {
            // Expired well past the allowance for clock differences.
            long expired = System.currentTimeMillis() / 1000 - 3600;
            Message old = forged(peer, "63", "expired.bin", 0, 500, CHUNK, 500, sum, expired);
            assertEquals("CHUNK_ERROR 63 expired.bin 0 Ticket-expired",
                    Codec.format(tcp.exchange(Codec.format(old), chunk)));
        }
    }

    @Test
    void aHeaderAnnouncingTenGigabytesIsRefusedWithoutAllocatingIt() throws Exception {
        long tenGb = 10_737_418_240L;
        String sum = "ab".repeat(32);
        long expires = inAnHour();
        List<String> headers = List.of(
                // As the issue writes it: nothing but the positional fields.
                "SEND_CHUNK 1 x.bin 0 " + tenGb + " " + sum,
                // With every option, the ticket a guess.
                "SEND_CHUNK 2 x.bin 0 " + tenGb + " " + sum + " owner=" + rawley + " version=1 file_size=" + tenGb
                        + " chunk_size=65536 peers=1 replicas=1 slot=0 expires=" + expires + " ticket="
                        + "0".repeat(32),
                // With a genuine ticket for a plan whose chunks are 10 GB.
                Codec.format(forged(nameAt(0), "3", "x.bin", 0, tenGb, tenGb, tenGb, sum, expires)),
                // A genuine ticket for a plan of small chunks, announcing a huge one.
                Codec.format(forged(nameAt(0), "4", "y.bin", 0, 2L * CHUNK, CHUNK, tenGb, sum, expires)));
        for (String h : headers) {
            try (LocalCluster.RawTcp tcp = connect(0)) {
                long start = System.nanoTime();
                Message reply = tcp.exchange(h, null);
                assertEquals(Command.CHUNK_ERROR, reply.command(), h + " -> " + reply);
                assertTrue(tcp.closedWithin(Duration.ofSeconds(5)), "closed after " + reply);
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "answered at once");
            }
        }
        assertNoTemporaries(nameAt(0));
        // Still serving.
        try (LocalCluster.RawTcp tcp = connect(0)) {
            assertEquals(Command.CHUNK_OK, tcp.exchange(Codec.format(honest("70", 0, 0)),
                    LocalCluster.chunkOf(data, 0)).command());
        }
    }

    @Test
    void aConnectionThatStallsMidHeaderIsClosedAfterTheTimeout() throws Exception {
        try (LocalCluster.RawTcp tcp = connect(1)) {
            tcp.write(("SEND_CHUNK 81 " + FILE + " 1 655").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertTrue(tcp.closedWithin(Duration.ofSeconds(5)), "the stalled connection was not closed");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= TCP_TIMEOUT_MILLIS / 2, "closed for stalling, not at once: " + waited + " ms");
        }
    }

    @Test
    void aConnectionThatStallsMidBodyIsClosedAndLeavesNothing() throws Exception {
        byte[] chunk = LocalCluster.chunkOf(data, 1);
        try (LocalCluster.RawTcp tcp = connect(2)) {
            tcp.write((Codec.format(honest("91", 1, 2)) + "\n").getBytes(StandardCharsets.UTF_8));
            tcp.write(java.util.Arrays.copyOf(chunk, chunk.length / 3));
            // Whatever the peer says before it closes (if anything), it closes.
            String line = tcp.readLineOrNull();
            if (line != null) {
                assertTrue(line.startsWith("CHUNK_ERROR 91 " + FILE + " 1 "), line);
                assertTrue(tcp.closedWithin(Duration.ofSeconds(5)));
            }
        }
        assertTrue(Files.notExists(cluster.chunkFile(nameAt(2), LocalCluster.sha256(chunk))));
        assertNoTemporaries(nameAt(2));
    }

    @Test
    void aBodyThatStallsIsIncompleteDataNotAStorageFailure() throws Exception {
        byte[] chunk = LocalCluster.chunkOf(data, 4);
        try (LocalCluster.RawTcp tcp = connect(2)) {
            tcp.write((Codec.format(honest("92", 4, 2)) + "\n").getBytes(StandardCharsets.UTF_8));
            tcp.write(java.util.Arrays.copyOf(chunk, 10));
            assertEquals("CHUNK_ERROR 92 " + FILE + " 4 Incomplete-data", tcp.readLineOrNull());
        }
    }

    @Test
    void aFetchWithoutTheOwnersTicketIsRefused() throws Exception {
        try (LocalCluster.RawTcp tcp = connect(0)) {
            Message get = Message.of(Command.GET_CHUNK, "95", FILE, "0").withOption("owner", rawley)
                    .withOption("version", plan.option("version")).withOption("expires", plan.option("expires"))
                    .withOption("ticket", slots.get(0).ticket());
            // A store ticket is not a fetch ticket; and a request no ticket covers keeps no slot.
            assertEquals("CHUNK_ERROR 95 " + FILE + " 0 Bad-ticket", Codec.format(tcp.exchange(Codec.format(get), null)));
            assertEquals(null, tcp.readLineOrNull(), "the connection is closed after a bad ticket");
        }
        try (LocalCluster.RawTcp tcp = connect(0)) {
            String fetch = Tickets.fetch(Tickets.keyFor(cluster.token(nameAt(0))), "Mallory", FILE,
                    Integer.parseInt(plan.option("version")), inAnHour());
            Message other = Message.of(Command.GET_CHUNK, "96", FILE, "0").withOption("owner", rawley)
                    .withOption("version", plan.option("version")).withOption("expires", Long.toString(inAnHour()))
                    .withOption("ticket", fetch);
            assertEquals("CHUNK_ERROR 96 " + FILE + " 0 Bad-ticket", Codec.format(tcp.exchange(Codec.format(other), null)),
                    "a ticket for another owner does not fetch Rawley's chunk");
        }
    }
}
