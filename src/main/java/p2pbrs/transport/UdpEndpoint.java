package p2pbrs.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Message;

/**
 * A UDP socket with one thread that only reads datagrams and hands them to a bounded pool
 * of workers. When the pool is full a datagram is dropped (its sender retransmits), so a
 * slow database call never stops the socket from being read.
 */
public final class UdpEndpoint implements AutoCloseable {
    /** Handles one datagram on a worker thread. */
    public interface Handler {
        void onDatagram(byte[] data, InetSocketAddress from);
    }

    private static final Logger LOG = LoggerFactory.getLogger(UdpEndpoint.class);
    // Larger than any valid datagram, so that an oversized one is seen whole and refused
    // as too large instead of being silently cut to a valid-looking prefix.
    private static final int RECEIVE_BUFFER = 65_536;
    private static final int RECEIVE_SOCKET_BUFFER = 4 << 20;

    private final String name;
    private final DatagramLoss loss;
    private final DatagramSocket socket;
    private final ThreadPoolExecutor workers;
    private final Handler handler;
    private final Thread receiver;
    private final RateLimitedLog dropLog = new RateLimitedLog(LOG, 5, 10_000);
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    public UdpEndpoint(InetSocketAddress bind, String name, int workerCount, int queueCapacity, Handler handler)
            throws SocketException {
        this.name = name;
        this.loss = DatagramLoss.fromSystemProperty();
        this.socket = new DatagramSocket(bind);
        // A burst (thousands of STORE_ACKs after a large backup) should wait in the kernel
        // rather than be dropped; the kernel may grant less than asked.
        this.socket.setReceiveBufferSize(RECEIVE_SOCKET_BUFFER);
        this.handler = handler;
        this.workers = new ThreadPoolExecutor(workerCount, workerCount, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), DaemonThreads.numbered(name + "-udp-worker"));
        this.receiver = DaemonThreads.named(this::receiveLoop, name + "-udp-receiver");
    }

    public UdpEndpoint start() {
        receiver.start();
        return this;
    }

    /** Datagrams dropped because every worker was busy and the queue full. */
    public long dropped() {
        return dropped.get();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Sends one message; a failure to send is logged (UDP may lose it anyway). */
    public void send(Message message, InetSocketAddress to) {
        send(Codec.encode(message), to);
    }

    public void send(byte[] datagram, InetSocketAddress to) {
        if (WireTap.enabled()) {
            WireTap.sent(name, new String(datagram, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (loss.lose()) {
            return;
        }
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, to));
        } catch (IOException e) {
            if (!closed) {
                dropLog.warn("cannot send to {}: {}", to, e.toString());
            }
        }
    }

    private void receiveLoop() {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
                byte[] data = Arrays.copyOfRange(buffer, 0, packet.getLength());
                InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
                workers.execute(() -> handleSafely(data, from));
            } catch (RejectedExecutionException e) {
                dropped.incrementAndGet();
                dropLog.warn("worker pool full: a datagram was dropped (the sender retransmits)");
            } catch (IOException e) {
                if (!closed) {
                    dropLog.warn("receive failed: {}", e.toString());
                }
            }
        }
    }

    // We log and keep serving: one bad datagram or handler bug must not stop the endpoint.
    private void handleSafely(byte[] data, InetSocketAddress from) {
        try {
            handler.onDatagram(data, from);
        } catch (RuntimeException e) {
            LOG.error("handler failed for a datagram from {}", from, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
