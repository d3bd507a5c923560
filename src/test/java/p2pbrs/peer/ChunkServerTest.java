package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Sha256;
import p2pbrs.protocol.WireList;
import p2pbrs.testing.UdpProbe;
import p2pbrs.transport.LineIO;

/** A storage peer facing a raw TCP client: it stores only what was planned, checked, within limits. */
class ChunkServerTest {
    private static final int STALL_MILLIS = 500;

    @TempDir
    static Path dir;

    private static TestCluster cluster;
    private static UdpProbe probe;
    private static Message plan;
    private static PlanPeer slot0;
    private static long fileSize;

    private static String raw;

    // What the storage peers know the version by (the plan's chunk name).
    private static String chunkName;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(dir);
        cluster.peer("S1", Role.STORAGE, 1L << 30, STALL_MILLIS);
        cluster.peer("S2", Role.STORAGE, 1L << 30, STALL_MILLIS);
        probe = new UdpProbe(cluster.server.udpPort());
        String token = p2pbrs.protocol.Tokens.generate();
        raw = probe.call("REGISTER 1 Raw OWNER 127.0.0.1 5001 6001 0 token=" + token).option("id");
        fileSize = 3 * TestCluster.CHUNK;
        plan = probe.call("BACKUP_REQ 2 raw.bin " + fileSize + " - token=" + token);
        assertEquals(Command.BACKUP_PLAN, plan.command(), plan.toString());
        slot0 = PlanPeer.parse(WireList.parse(plan.field(1), "2").get(0), "2");
        chunkName = plan.option("chunk_name");
    }

    @AfterAll
    static void stop() {
        probe.close();
        cluster.close();
    }

    private static String header(int idx, long size, String checksum, String ticket, int slot) {
        return Codec.format(Message.of(Command.SEND_CHUNK, "9", chunkName, Integer.toString(idx), Long.toString(size),
                        checksum)
                .withOption("owner", raw)
                .withOption("version", plan.option("version"))
                .withOption("file_size", Long.toString(fileSize))
                .withOption("chunk_size", plan.field(2))
                .withOption("peers", "2")
                .withOption("replicas", plan.option("replicas"))
                .withOption("slot", Integer.toString(slot))
                .withOption("expires", plan.option("expires"))
                .withOption("ticket", ticket));
    }

    private static Message exchange(Socket s, String header, byte[] body) throws IOException {
        OutputStream out = s.getOutputStream();
        LineIO.writeLine(out, header);
        if (body != null) {
            out.write(body);
        }
        out.flush();
        String line = LineIO.readLine(s.getInputStream());
        try {
            return Codec.parse(line);
        } catch (Exception e) {
            throw new AssertionError("bad reply " + line, e);
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", slot0.tcpPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] chunk(long seed) {
        byte[] data = new byte[(int) TestCluster.CHUNK];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void aPlannedChunkIsStoredAndAcknowledged() throws Exception {
        byte[] data = chunk(1);
        try (Socket s = connect()) {
            Message reply = exchange(s, header(0, data.length, Sha256.hex(data), slot0.ticket(), 0), data);
            assertEquals(Command.CHUNK_OK, reply.command(), reply.toString());
            assertEquals(List.of(chunkName, "0"), reply.fields());
        }
    }

    @Test
    void aWrongTicketIsRefused() throws Exception {
        byte[] data = chunk(2);
        try (Socket s = connect()) {
            Message reply = exchange(s, header(0, data.length, Sha256.hex(data), "0".repeat(32), 0), data);
            assertEquals(Command.CHUNK_ERROR, reply.command());
            assertEquals("Bad-ticket", reply.field(2));
        }
    }

    @Test
    void aTicketForAnotherSlotIsRefused() throws Exception {
        byte[] data = chunk(3);
        try (Socket s = connect()) {
            Message reply = exchange(s, header(0, data.length, Sha256.hex(data), slot0.ticket(), 1), data);
            assertEquals("Bad-ticket", reply.field(2), "the ticket signs its slot");
        }
    }

    @Test
    void aChunkTheRuleDoesNotGiveThisPeerIsRefused() throws Exception {
        // Two peers, two copies: every chunk goes to both, so ask for a chunk past the end.
        byte[] data = chunk(4);
        try (Socket s = connect()) {
            Message reply = exchange(s, header(3, data.length, Sha256.hex(data), slot0.ticket(), 0), data);
            assertEquals("Not-planned", reply.field(2));
        }
    }

    @Test
    void aBadChecksumIsRefusedAndTheConnectionGoesOn() throws Exception {
        byte[] data = chunk(5);
        try (Socket s = connect()) {
            Message reply = exchange(s, header(1, data.length, Sha256.hex(new byte[] {1}), slot0.ticket(), 0), data);
            assertEquals(Command.CHUNK_ERROR, reply.command());
            assertEquals("Checksum-mismatch", reply.field(2));
            Message next = exchange(s, header(1, data.length, Sha256.hex(data), slot0.ticket(), 0), data);
            assertEquals(Command.CHUNK_OK, next.command(), "the same connection carries the next chunk");
        }
        for (Path f : cluster.chunkFiles("S1")) {
            assertTrue(!f.getFileName().toString().equals(Sha256.hex(new byte[] {1})));
        }
    }

    @Test
    void aHeaderAnnouncingTenGigabytesIsRefusedUnread() throws Exception {
        try (Socket s = connect()) {
            Message reply = exchange(s, header(0, 10L << 30, "a".repeat(64), slot0.ticket(), 0), null);
            assertEquals(Command.CHUNK_ERROR, reply.command());
            assertEquals(-1, s.getInputStream().read(), "the peer closes the connection");
        }
    }

    @Test
    void anEndlessHeaderLineIsCutOff() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            byte[] junk = "A".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            try {
                out.write(junk);
                out.flush();
            } catch (IOException closedEarly) {
                // the peer may close before we finish writing: that is the point
            }
            assertEquals(-1, readOrEnd(s.getInputStream()));
        }
    }

    @Test
    void aStalledConnectionIsClosed() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("SEND_CHUNK 1 " + chunkName).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // Nothing more is sent: the peer gives up after its timeout and closes.
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void aGetWithoutTheOwnersTicketIsRefused() throws Exception {
        try (Socket s = connect()) {
            Message reply = exchange(s, Codec.format(Message.of(Command.GET_CHUNK, "5", chunkName, "0")
                    .withOption("owner", raw).withOption("version", "1").withOption("expires", "9999999999")
                    .withOption("ticket", "0".repeat(32))), null);
            assertEquals(Command.CHUNK_ERROR, reply.command());
            assertEquals("Bad-ticket", reply.field(2));
        }
    }

    @Test
    void malformedHeadersGetAnError() throws Exception {
        try (Socket s = connect()) {
            LineIO.writeLine(s.getOutputStream(), "SEND_CHUNK 1 ..%2Fetc 0 1 " + "a".repeat(64));
            Message reply = Codec.parse(LineIO.readLine(s.getInputStream()));
            assertEquals(Command.CHUNK_ERROR, reply.command());
        }
    }

    private static int readOrEnd(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was not closed", e);
        } catch (IOException reset) {
            return -1;
        }
    }

    @Test
    void theChunkStoreNeverExceedsItsCapacity() throws Exception {
        ChunkStore store = new ChunkStore(dir.resolve("small-store"), 100, 0);
        byte[] a = new byte[60];
        byte[] b = new byte[60];
        b[0] = 1;
        store.receive(new ByteArrayInputStream(a), 60, Sha256.hex(a));
        ChunkStore.ChunkException e = assertThrows(ChunkStore.ChunkException.class,
                () -> store.receive(new ByteArrayInputStream(b), 60, Sha256.hex(b)));
        assertEquals("No-space", e.reason());
        // Identical bytes are stored once and need no more space.
        store.receive(new ByteArrayInputStream(a), 60, Sha256.hex(a));
        assertEquals(60, store.used());
        ChunkStore.ChunkException bad = assertThrows(ChunkStore.ChunkException.class,
                () -> store.receive(new ByteArrayInputStream(new byte[30]), 30, Sha256.hex(b)));
        assertEquals("Checksum-mismatch", bad.reason());
        assertEquals(60, store.used(), "a refused chunk frees what it reserved");
    }
}
