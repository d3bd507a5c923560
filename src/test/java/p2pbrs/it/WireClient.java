package p2pbrs.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Protocol text over one UDP socket, as a peer of our own making would send it: a request
 * goes out, is sent again under the same RQ# while unanswered, and its reply is the first
 * datagram back carrying that RQ#. The socket, and so the sender address the server sees,
 * stays the same for the client's life. Any other datagram that arrives meanwhile fails
 * the test, unless it is a copy of a reply an earlier call got (the answer to a resent
 * copy): a reply under another RQ#, or an {@code ERROR 0}, is a server fault, not noise.
 */
final class WireClient implements AutoCloseable {
    private static final Duration RESEND_EVERY = Duration.ofMillis(250);

    private final DatagramSocket socket;
    // The replies earlier calls got, as text: their late copies are expected.
    private final Set<String> answered = new HashSet<>();
    private int pagesOfLastList;

    WireClient() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Sends the request text until a reply with its RQ# (its second word) comes back. */
    String call(String request, InetSocketAddress to, Duration timeout) {
        String rq = request.split(" ", 3)[1];
        byte[] out = request.getBytes(StandardCharsets.UTF_8);
        byte[] in = new byte[65_536];
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(out, out.length, to));
                long resendAt = Math.min(deadline, System.nanoTime() + RESEND_EVERY.toNanos());
                while (true) {
                    long wait = (resendAt - System.nanoTime()) / 1_000_000;
                    if (wait < 1) {
                        break;
                    }
                    socket.setSoTimeout((int) wait);
                    DatagramPacket packet = new DatagramPacket(in, in.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    String reply = new String(in, 0, packet.getLength(), StandardCharsets.UTF_8);
                    String[] words = reply.split(" ", 3);
                    if (packet.getSocketAddress().equals(to) && words.length >= 2 && words[1].equals(rq)) {
                        answered.add(reply);
                        return reply;
                    }
                    // A late answer to an earlier request (a resent one) is not this reply, and
                    // nothing else should arrive at all.
                    if (!answered.contains(reply)) {
                        return fail("while waiting for the answer to '" + request + "' from " + to + ", received '"
                                + reply + "' from " + packet.getSocketAddress());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fail("no reply to '" + request + "' from " + to + " within " + timeout);
    }

    /**
     * Registers a made-up peer (nobody listens at its ports) with a token of its own, as a
     * peer makes one, and returns the token. Any reply other than REGISTERED fails the test.
     */
    String register(InetSocketAddress server, String rq, String name) {
        String token = p2pbrs.protocol.Tokens.generate();
        String reply = call("REGISTER " + rq + " " + name + " BOTH 127.0.0.1 40001 40002 1GB token=" + token, server,
                Duration.ofSeconds(10));
        assertTrue(reply.startsWith("REGISTERED " + rq + " "), "REGISTER " + name + " got: " + reply);
        assertTrue(option(reply, "token") == null, "no reply carries a token: " + reply);
        return token;
    }

    /** The names of every registered peer, following LIST pages (after=/next=) to the end. */
    List<String> listNames(InetSocketAddress server, String token, int firstRq) {
        List<String> names = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 1000; page++) {
            String rq = Integer.toString(firstRq + page);
            String request = "LIST " + rq + " token=" + token + (after == null ? "" : " after=" + after);
            String reply = call(request, server, Duration.ofSeconds(10));
            assertTrue(reply.startsWith("LIST_OK " + rq + " ["), "'" + request + "' got: " + reply);
            String list = reply.split(" ")[2];
            String inner = list.substring(1, list.length() - 1);
            if (!inner.isEmpty()) {
                for (String entry : inner.split(",")) {
                    names.add(entry.substring(0, entry.indexOf(':')));
                }
            }
            after = option(reply, "next");
            if (after == null) {
                pagesOfLastList = page + 1;
                return names;
            }
        }
        return fail("LIST did not end after 1000 pages");
    }

    /** How many LIST_OK pages the last {@link #listNames} read. */
    int pagesOfLastList() {
        return pagesOfLastList;
    }

    /** The value of {@code key=} in a message, or null. */
    static String option(String message, String key) {
        for (String word : message.split(" ")) {
            if (word.startsWith(key + "=")) {
                return word.substring(key.length() + 1);
            }
        }
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }
}
