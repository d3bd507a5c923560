package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.transport.RetryPolicy;

/** A peer closing (Ctrl-C, SIGTERM) while a command runs: the command ends, it does not wait for ever. */
class ClosingPeerTest {
    // Longer than every retransmission of the peer's policy below (3.5 s); only a hang reaches it.
    private static final long ENDS_WITHIN_SECONDS = 30;

    @TempDir
    Path dir;

    /** A server that registers anyone, then swallows every other request, telling the test it arrived. */
    private static final class SilentServer implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final CountDownLatch swallowed = new CountDownLatch(1);

        SilentServer() throws IOException {
            Thread t = new Thread(this::serve, "silent-server");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            byte[] buf = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(packet);
                    Message m = Codec.decode(buf, 0, packet.getLength());
                    if (m.command() == Command.REGISTER) {
                        byte[] reply = Codec.encode(Message.of(Command.REGISTERED, m.rq())
                                .withOption("id", "ab".repeat(16)));
                        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                    } else {
                        swallowed.countDown();
                    }
                } catch (Exception e) {
                    // closed, or not a message: keep swallowing
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void aRequestInFlightWhenThePeerClosesEndsWithAnError() throws Exception {
        try (SilentServer server = new SilentServer()) {
            PeerConfig config = new PeerConfig("Quitter", Role.OWNER,
                    new InetSocketAddress("127.0.0.1", server.socket.getLocalPort()), "127.0.0.1", 0, 0, 0,
                    dir.resolve("storage"), dir.resolve("db"), null, null, new RetryPolicy(100, 1000, 6),
                    dir.resolve("restored"), true, 5_000, 16, PeerConfig.DEFAULT_HEARTBEAT_INTERVAL,
                    PeerConfig.DEFAULT_SCRUB_RATE, PeerConfig.DEFAULT_SCRUB_INTERVAL);
            Peer peer = Peer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            CompletableFuture<List<FileEntry>> files = CompletableFuture.supplyAsync(() -> {
                try {
                    return peer.files();
                } catch (PeerException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(server.swallowed.await(10, TimeUnit.SECONDS), "the request reached the server");
            peer.close();

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> files.get(ENDS_WITHIN_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(PeerException.class, e.getCause().getCause(), e.getCause().toString());
        }
    }
}
