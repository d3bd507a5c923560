package p2pbrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p2pbrs.protocol.Message;

/**
 * The probe against a hand-driven server socket on loopback: a datagram that answers
 * nothing it asked fails the call instead of being skipped.
 */
class UdpProbeTest {
    private DatagramSocket server;
    private UdpProbe probe;

    @BeforeEach
    void open() throws IOException {
        server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.setSoTimeout(10_000);
        probe = new UdpProbe(server.getLocalPort());
    }

    @AfterEach
    void close() {
        probe.close();
        server.close();
    }

    private CompletableFuture<Message> call(String request) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return probe.call(request, Duration.ofSeconds(10));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Waits for this request (skipping the probe's resent copies of earlier ones); returns its sender. */
    private SocketAddress awaitRequest(String text) throws IOException {
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            server.receive(packet);
            if (new String(buf, 0, packet.getLength(), StandardCharsets.UTF_8).equals(text)) {
                return packet.getSocketAddress();
            }
        }
    }

    private void answer(SocketAddress to, String... datagrams) throws IOException {
        for (String d : datagrams) {
            byte[] data = d.getBytes(StandardCharsets.UTF_8);
            server.send(new DatagramPacket(data, data.length, to));
        }
    }

    private static AssertionError failure(CompletableFuture<Message> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
        return assertInstanceOf(AssertionError.class, e.getCause());
    }

    @Test
    void aReplyUnderAnotherRqFailsTheCall() throws Exception {
        CompletableFuture<Message> call = call("LIST 78");
        answer(awaitRequest("LIST 78"), "ERROR 77 Bad-option", "LIST_OK 78 []");
        assertTrue(failure(call).getMessage().contains("ERROR 77 Bad-option"));
    }

    @Test
    void anErrorWithRqZeroFailsTheCall() throws Exception {
        CompletableFuture<Message> call = call("LIST 79");
        answer(awaitRequest("LIST 79"), "ERROR 0 Bad-RQ", "LIST_OK 79 []");
        assertTrue(failure(call).getMessage().contains("ERROR 0 Bad-RQ"));
    }

    @Test
    void aLateCopyOfAnEarlierReplyIsExpected() throws Exception {
        CompletableFuture<Message> first = call("LIST 5");
        // Two answers, as to a request and its resent copy.
        answer(awaitRequest("LIST 5"), "LIST_OK 5 []", "LIST_OK 5 []");
        assertEquals("LIST_OK 5 []", first.get(20, TimeUnit.SECONDS).toString());
        CompletableFuture<Message> second = call("LIST 6");
        answer(awaitRequest("LIST 6"), "LIST_OK 6 [x]");
        assertEquals("LIST_OK 6 [x]", second.get(20, TimeUnit.SECONDS).toString());
    }

    @Test
    void aDifferentReplyUnderAnEarlierRqIsNotACopy() throws Exception {
        CompletableFuture<Message> first = call("LIST 7");
        answer(awaitRequest("LIST 7"), "LIST_OK 7 []");
        first.get(20, TimeUnit.SECONDS);
        CompletableFuture<Message> second = call("LIST 8");
        answer(awaitRequest("LIST 8"), "ERROR 7 Bad-option", "LIST_OK 8 []");
        assertTrue(failure(second).getMessage().contains("ERROR 7 Bad-option"));
    }
}
