package p2pbrs.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;

/**
 * A raw UDP client for tests: sends a datagram from one fixed socket (so retries come from
 * the same sender) and waits for the reply with that RQ#, resending until a deadline.
 *
 * <p>Every datagram that arrives while it waits is accounted for: the reply, or a copy of
 * a reply an earlier call already got (the answer to one of its resent copies). Anything
 * else (a reply under another RQ#, an {@code ERROR 0}) fails the test at once, rather than
 * being skipped: a server that answered what it should have dropped would otherwise pass.
 */
public final class UdpProbe implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final boolean owner;
    // RQ# -> the replies earlier calls got under it, as sent; shared with retargeted probes.
    private final Map<String, Set<Message>> answered;

    public UdpProbe(int serverPort) throws IOException {
        this(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), serverPort, true,
                new ConcurrentHashMap<>());
    }

    private UdpProbe(DatagramSocket socket, int serverPort, boolean owner, Map<String, Set<Message>> answered) {
        this.socket = socket;
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        this.owner = owner;
        this.answered = answered;
    }

    /** The same socket (so the same sender address), speaking to another server port. */
    public UdpProbe retarget(int serverPort) {
        return new UdpProbe(socket, serverPort, false, answered);
    }

    /** Sends raw bytes without waiting. */
    public void sendRaw(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, server));
    }

    /** Sends a request and returns the reply carrying its RQ#, resending every 200 ms until the deadline. */
    public Message call(String request) throws IOException {
        return call(request, Duration.ofSeconds(10));
    }

    public Message call(String request, Duration timeout) throws IOException {
        byte[] data = request.getBytes(StandardCharsets.UTF_8);
        String[] words = request.split(" ", 3);
        // A request without a readable RQ# is answered under RQ# 0.
        String rq = words.length > 1 && words[1].matches("[0-9]{1,9}") ? words[1] : "0";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            sendRaw(data);
            Message reply = receive(Duration.ofMillis(200));
            while (reply != null) {
                if (reply.rq().equals(rq)) {
                    answered.computeIfAbsent(rq, k -> ConcurrentHashMap.newKeySet()).add(reply);
                    return reply;
                }
                if (!answered.getOrDefault(reply.rq(), Set.of()).contains(reply)) {
                    throw new AssertionError("while waiting for the answer to '" + request
                            + "', received what answers nothing this probe asked: '" + reply + "'");
                }
                reply = receive(Duration.ofMillis(50));
            }
        }
        throw new AssertionError("no reply to '" + request + "' within " + timeout);
    }

    /** The next datagram received as a message, or null when none arrives in time. */
    public Message receive(Duration timeout) throws IOException {
        byte[] buf = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        try {
            return Codec.decode(buf, 0, packet.getLength());
        } catch (MalformedMessageException e) {
            throw new AssertionError("the server sent a malformed datagram: " + e.getMessage());
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        if (owner) {
            socket.close();
        }
    }
}
