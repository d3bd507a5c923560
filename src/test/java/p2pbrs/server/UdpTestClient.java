package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A test client for the server's UDP protocol: one DatagramSocket on loopback (so every
 * request it sends comes from the same source address), a send, and a receive bounded by
 * a deadline. It never retransmits by itself and never sleeps: a test that wants a retry
 * sends it explicitly.
 *
 * <p>Replies are read with a few lines of string handling here, not with the project's
 * Codec, so that a codec bug cannot hide a server bug.
 */
final class UdpTestClient implements AutoCloseable {
    /** How long a request may take to be answered before the test fails. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    static final InetAddress LOOPBACK = loopback();
    static final int MAX_DATAGRAM_BYTES = 1400;

    // One counter for the whole JVM: two clients never use the same RQ# by accident, so a
    // socket that happens to reuse an old port number can never be answered from the log.
    private static final AtomicInteger RQ = new AtomicInteger(1000);
    private static final Pattern RQ_FORMAT = Pattern.compile("[0-9]{1,9}");

    private final DatagramSocket socket;
    private final java.util.Map<String, String> madeTokens = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile InetSocketAddress server;

    UdpTestClient(int serverPort) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = new InetSocketAddress(LOOPBACK, serverPort);
    }

    /** Speak to another server port from the same socket (the same source address). */
    void retarget(int serverPort) {
        server = new InetSocketAddress(LOOPBACK, serverPort);
    }

    /** A fresh RQ#, never used before in this JVM. */
    static String nextRq() {
        return Integer.toString(RQ.incrementAndGet());
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] datagram) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next datagram that arrives before the timeout, or null. */
    Reply receive(Duration timeout) {
        long ms = timeout.toMillis();
        if (ms <= 0) {
            return null;
        }
        byte[] buf = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, ms));
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Reply(Arrays.copyOf(buf, packet.getLength()), (InetSocketAddress) packet.getSocketAddress(), null);
    }

    private static String optionOf(String request, String key) {
        for (String word : request.split(" ")) {
            if (word.startsWith(key + "=")) {
                return word.substring(key.length() + 1);
            }
        }
        return null;
    }

    /** Every datagram that arrives until none has come for {@code quiet}. */
    List<Reply> drain(Duration quiet) {
        List<Reply> all = new ArrayList<>();
        for (Reply r = receive(quiet); r != null; r = receive(quiet)) {
            all.add(r);
        }
        return all;
    }

    /**
     * Sends one request and returns the next datagram, which must arrive within
     * {@link #REPLY_TIMEOUT}, come from the server and carry the request's RQ# (or 0 when
     * the request has no readable one).
     */
    Reply call(String request) {
        // A peer makes its own token at its first registration: a REGISTER written without
        // one gets a fresh one here, as a peer would send it (callAsWritten sends none).
        // The same text gets the same token, so that a retransmission stays one datagram.
        if (request.startsWith("REGISTER ") && !request.contains(" token=")) {
            request = request + " token=" + madeTokens.computeIfAbsent(request, r -> p2pbrs.protocol.Tokens.generate());
        }
        return callAsWritten(request);
    }

    /** {@link #call}, sending the text exactly as written. */
    Reply callAsWritten(String request) {
        send(request);
        Reply received = receive(REPLY_TIMEOUT);
        String sentToken = optionOf(request, "token");
        Reply reply = received == null ? null : new Reply(received.data(), received.from(), sentToken);
        assertNotNull(reply, () -> "no reply within " + REPLY_TIMEOUT + " to: " + request);
        assertEquals(server, reply.from(), "the reply comes from the server's port");
        String[] words = request.split(" ", 3);
        String rq = words.length > 1 && RQ_FORMAT.matcher(words[1]).matches() ? words[1] : "0";
        assertEquals(rq, reply.rq(), () -> "reply to '" + request + "' was: " + reply.text());
        return reply;
    }

    /** Registers a new peer on 127.0.0.1 with a token of its own and returns it; fails unless REGISTERED. */
    String register(String name) {
        String token = p2pbrs.protocol.Tokens.generate();
        Reply r = call("REGISTER " + nextRq() + " " + name + " BOTH 127.0.0.1 5001 6001 1GB token=" + token);
        assertEquals("REGISTERED", r.command(), r::text);
        return token;
    }

    /** Every page of LIST, following next= until the last page; each must be LIST_OK. */
    List<Reply> listPages(String token) {
        List<Reply> pages = new ArrayList<>();
        String after = null;
        do {
            Reply page = call("LIST " + nextRq() + " token=" + token + (after == null ? "" : " after=" + after));
            assertEquals("LIST_OK", page.command(), page.text());
            pages.add(page);
            assertTrue(pages.size() < 10_000, "LIST never ends");
            after = page.option("next");
        } while (after != null);
        return pages;
    }

    /** The entries of every page of LIST, in the order received. */
    List<Entry> listAll(String token) {
        List<Entry> all = new ArrayList<>();
        for (Reply page : listPages(token)) {
            all.addAll(page.entries());
        }
        return all;
    }

    /** Names of every entry of LIST, in the order received. */
    List<String> listNames(String token) {
        return listAll(token).stream().map(Entry::name).toList();
    }

    @Override
    public void close() {
        socket.close();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One datagram received: its bytes, and its words as the protocol splits them. */
    record Reply(byte[] data, InetSocketAddress from, String sentToken) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        int length() {
            return data.length;
        }

        String[] words() {
            return text().split(" ", -1);
        }

        String command() {
            return words()[0];
        }

        String rq() {
            String[] w = words();
            return w.length > 1 ? w[1] : "";
        }

        /** Positional field i (0 is the first after RQ#). */
        String field(int i) {
            List<String> fields = new ArrayList<>();
            String[] w = words();
            for (int k = 2; k < w.length && w[k].indexOf('=') < 0; k++) {
                fields.add(w[k]);
            }
            return i < fields.size() ? fields.get(i) : null;
        }

        /** The value of option key, or null. */
        String option(String key) {
            String[] w = words();
            for (int k = 2; k < w.length; k++) {
                if (w[k].startsWith(key + "=")) {
                    return w[k].substring(key.length() + 1);
                }
            }
            return null;
        }

        /** The token the request of a REGISTERED reply carried (fails on anything else). */
        String token() {
            assertEquals("REGISTERED", command(), text());
            assertNull(option("token"), () -> "a reply never carries a token: " + text());
            assertNotNull(sentToken, text());
            return sentToken;
        }

        /** The entries of a LIST_OK reply. */
        List<Entry> entries() {
            assertEquals("LIST_OK", command(), text());
            return Entry.parseList(field(0));
        }
    }

    /** One LIST_OK entry: Name:Role:IP:UDP_Port:TCP_Port:Capacity_in_bytes:State:Used_bytes (used not kept). */
    record Entry(String name, String role, String ip, int udpPort, int tcpPort, long capacity, String state) {
        static List<Entry> parseList(String list) {
            assertNotNull(list, "LIST_OK without a list");
            assertTrue(list.startsWith("[") && list.endsWith("]"), "not a list: " + list);
            String inner = list.substring(1, list.length() - 1);
            List<Entry> entries = new ArrayList<>();
            if (inner.isEmpty()) {
                return entries;
            }
            for (String item : inner.split(",", -1)) {
                entries.add(parse(item));
            }
            return entries;
        }

        // Name and role from the left; state, capacity and the two ports from the right;
        // the address (IPv6 in brackets, so it may hold colons) is what lies between.
        static Entry parse(String item) {
            int nameEnd = item.indexOf(':');
            int roleEnd = nameEnd < 0 ? -1 : item.indexOf(':', nameEnd + 1);
            if (nameEnd < 1 || roleEnd < 0) {
                throw new AssertionError("bad entry: " + item);
            }
            String rest = item.substring(roleEnd + 1);
            // The used bytes come last; the entry's other fields are what this record checks.
            int usedColon = rest.lastIndexOf(':');
            if (usedColon < 0 || !rest.substring(usedColon + 1).matches("[0-9]+")) {
                throw new AssertionError("bad entry (no used bytes): " + item);
            }
            rest = rest.substring(0, usedColon);
            String[] tail = new String[4];
            for (int i = 3; i >= 0; i--) {
                int colon = rest.lastIndexOf(':');
                if (colon < 0) {
                    throw new AssertionError("bad entry: " + item);
                }
                tail[i] = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            String ip = rest.startsWith("[") && rest.endsWith("]") ? rest.substring(1, rest.length() - 1) : rest;
            try {
                return new Entry(item.substring(0, nameEnd), item.substring(nameEnd + 1, roleEnd), ip,
                        Integer.parseInt(tail[0]), Integer.parseInt(tail[1]), Long.parseLong(tail[2]), tail[3]);
            } catch (NumberFormatException e) {
                throw new AssertionError("bad entry: " + item, e);
            }
        }

        String encode() {
            String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
            return name + ':' + role + ':' + host + ':' + udpPort + ':' + tcpPort + ':' + capacity + ':' + state;
        }
    }
}
