package p2pbrs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p2pbrs.testing.Trickle;

/**
 * A chunk connection's deadlines on a real loopback socket: a header line is due whole in
 * a bounded time however its bytes trickle, a kept connection may idle between messages,
 * a body must keep a minimum rate, and a write the other side never reads gives up.
 */
class PacedStreamsTest {
    private static final int IDLE_MILLIS = 2_000;
    private static final int HEADER_MILLIS = 300;
    private static final TransferLimits LIMITS = new TransferLimits(IDLE_MILLIS, HEADER_MILLIS, 200, 50_000);
    // A byte this often is far inside the idle timeout: a per-read timeout never fires.
    private static final Duration TRICKLE = Duration.ofMillis(20);

    private ServerSocket listener;
    private Socket client;
    private Socket server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        server = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        timer.shutdownNow();
        client.close();
        server.close();
        listener.close();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aTrickledFirstHeaderLineIsCutAtTheHeaderDeadline() throws Exception {
        PacedInput paced = new PacedInput(server, LIMITS);
        paced.expectFirstLine();
        InputStream in = new BufferedInputStream(paced);
        long start = System.nanoTime();
        try (Trickle t = new Trickle(client.getOutputStream(), ascii("SEND_CHUNK "), TRICKLE)) {
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> LineIO.readLine(in));
            assertEquals("no complete header line within 300 ms", e.getMessage());
        }
        long waited = millisSince(start);
        assertTrue(waited >= HEADER_MILLIS - 50 && waited < IDLE_MILLIS, "cut after " + waited + " ms");
    }

    @Test
    void aKeptConnectionMayIdleBeforeItsNextLineWhichIsThenDueWithinTheHeaderTime() throws Exception {
        PacedInput paced = new PacedInput(server, LIMITS);
        InputStream in = new BufferedInputStream(paced);
        paced.expectLine();
        // Longer than the header time, shorter than the idle timeout.
        timer.schedule(() -> {
            client.getOutputStream().write(ascii("GET_CHUNK 1 f.bin 0\n"));
            return null;
        }, 3L * HEADER_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals("GET_CHUNK 1 f.bin 0", LineIO.readLine(in));

        paced.expectLine();
        try (Trickle t = new Trickle(client.getOutputStream(), ascii("GET_CHUNK "), TRICKLE)) {
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> LineIO.readLine(in));
            assertEquals("no complete header line within 300 ms", e.getMessage());
            assertTrue(millisSince(start) < IDLE_MILLIS, "cut after " + millisSince(start) + " ms");
        }
    }

    @Test
    void aConnectionSilentForTheIdleTimeoutIsGivenUp() throws Exception {
        PacedInput paced = new PacedInput(server, new TransferLimits(400, HEADER_MILLIS, 200, 50_000));
        paced.expectLine();
        long start = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, paced::read);
        assertEquals("idle for 400 ms", e.getMessage());
        assertTrue(millisSince(start) >= 350, "waited " + millisSince(start) + " ms");
    }

    @Test
    void aBodyBelowTheMinimumRateIsCutAfterTheGrace() throws Exception {
        PacedInput paced = new PacedInput(server, LIMITS);
        paced.expectBody();
        long start = System.nanoTime();
        // About 50 bytes/s against a minimum of 50,000.
        try (Trickle t = new Trickle(client.getOutputStream(), new byte[] {7}, TRICKLE)) {
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> {
                byte[] buf = new byte[1024];
                while (paced.read(buf, 0, buf.length) >= 0) {
                    // keep reading what trickles in
                }
            });
            assertEquals("the body fell below 50000 bytes/s", e.getMessage());
        }
        long waited = millisSince(start);
        assertTrue(waited >= 150 && waited < IDLE_MILLIS, "cut after " + waited + " ms");
    }

    @Test
    void aBodyAboveTheMinimumRateArrivesWhole() throws Exception {
        PacedInput paced = new PacedInput(server, LIMITS);
        paced.expectBody();
        byte[] body = new byte[4 << 20];
        timer.submit(() -> {
            client.getOutputStream().write(body);
            return null;
        });
        assertEquals(body.length, new BufferedInputStream(paced).readNBytes(body.length).length);
    }

    @Test
    void aWriteTheOtherSideNeverReadsGivesUpAfterTheIdleTimeoutAndClosesTheSocket() throws Exception {
        PacedOutput paced = new PacedOutput(client, new TransferLimits(500, HEADER_MILLIS, 200, 50_000));
        paced.expectBody();
        byte[] slice = new byte[1 << 20];
        long start = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> {
            // Far more than the socket buffers hold: the writes block once they are full.
            for (int i = 0; i < 256; i++) {
                paced.write(slice);
            }
        });
        assertEquals("the body stalled for 500 ms", e.getMessage());
        assertTrue(client.isClosed());
        assertTrue(millisSince(start) < 10_000, "gave up after " + millisSince(start) + " ms");
    }

    @Test
    void aStalledWriteWithAnEarlierDeadlineIsCutOnTimeWhileAnotherWaitsForALaterOne() throws Exception {
        // One watchdog follows every write: a write stuck with a deadline a minute away must
        // not make it miss one that is due sooner.
        try (ServerSocket otherListener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket otherClient = new Socket(InetAddress.getLoopbackAddress(), otherListener.getLocalPort());
             Socket otherServer = otherListener.accept()) {
            PacedOutput patient = new PacedOutput(otherClient, new TransferLimits(60_000, HEADER_MILLIS, 200, 1));
            patient.expectBody();
            var stuck = timer.submit(() -> {
                byte[] slice = new byte[1 << 20];
                for (int i = 0; i < 256; i++) {
                    patient.write(slice);
                }
                return null;
            });
            // The patient write is under way, so the watchdog waits for its far deadline.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!patient.writing()) {
                assertTrue(System.nanoTime() < deadline, "the patient write never started");
                Thread.onSpinWait();
            }
            PacedOutput hasty = new PacedOutput(client, new TransferLimits(500, HEADER_MILLIS, 200, 50_000));
            hasty.expectBody();
            byte[] slice = new byte[1 << 20];
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> {
                for (int i = 0; i < 256; i++) {
                    hasty.write(slice);
                }
            });
            assertEquals("the body stalled for 500 ms", e.getMessage());
            assertTrue(millisSince(start) < 10_000, "gave up after " + millisSince(start) + " ms");
            assertFalse(stuck.isDone(), "the patient write still waits, its deadline far off");
            otherClient.close();
        }
    }
}
