package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.server.UdpTestClient.Reply;

/**
 * At least 10,000 random and mutated datagrams: random bytes, byte flips, insertions,
 * deletions and truncations of valid messages, word-level damage, oversized, empty and
 * invalid UTF-8 datagrams. Sent in windows, each window waiting for its replies (or a
 * short deadline) so that the kernel does not simply drop them. Afterwards the registry
 * is unchanged and the server still registers a peer.
 */
class FuzzTest {
    private static final int DATAGRAMS = 10_000;
    private static final int WINDOW = 32;
    private static final Duration WINDOW_DEADLINE = Duration.ofSeconds(2);
    private static final long SEED = Long.getLong("fuzz.seed", 366_2024L);
    // Replies that could only come from a change of the registry (or from a REGISTER,
    // which is never sent).
    private static final Set<String> FORBIDDEN = Set.of("REGISTERED", "DE-REGISTERED", "REGISTER-DENIED");

    @TempDir
    Path dir;

    private record Counts(int active, int all, int secrets) {
    }

    private static Counts counts(MetadataServer server) {
        return new Counts(server.registry().countActive(), server.registry().countAll(),
                server.registry().countSecrets());
    }

    @Test
    void tenThousandRandomAndMutatedDatagramsChangeNothing() throws Exception {
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0));
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String alpha = client.call("REGISTER " + nextRq() + " Alpha BOTH 127.0.0.1 5001 6001 1GB").token();
            String beta = client.call("REGISTER " + nextRq() + " Beta STORAGE 127.0.0.2 5002 6002 2GB").token();
            String gamma = client.register("Gamma");
            assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " Gamma token=" + gamma).command());
            Set<String> realTokens = Set.of(alpha, beta, gamma);
            String wrong = "5eed".repeat(16);

            Counts countsBefore = counts(server);
            List<String> listBefore = listing(client, alpha);

            List<byte[]> seeds = new ArrayList<>();
            for (String s : List.of(
                    "REGISTER 01 Alpha BOTH 192.168.1.10 5001 6001 1024MB",
                    "REGISTER 2 Fuzzy STORAGE ::1 5002 6002 2GB token=" + alpha,
                    "REGISTER 3 Gamma OWNER 10.0.0.3 5003 6003 3GB token=" + gamma,
                    "DE-REGISTER 4 Alpha token=" + wrong,
                    "DE-REGISTER 5 Beta",
                    "DE-REGISTER 6 Beta token=" + beta,
                    "LIST 7 token=" + alpha,
                    "LIST 8 token=" + beta + " after=Alpha",
                    "LIST 9",
                    "LIST_OK 10 [Alpha:BOTH:127.0.0.1:5001:6001:1073741824:ALIVE] next=Alpha",
                    "REGISTERED 11 token=" + alpha,
                    "DE-REGISTERED 12",
                    "ERROR 13 Bad-RQ",
                    "FILES 14 token=" + wrong,
                    "RESTORE_REQ 15 a.txt token=" + wrong,
                    "BACKUP_REQ 16 a.txt 100 - token=" + wrong,
                    "STORE_ACK 17 a.txt 0 owner=Alpha version=1 size=1 checksum=" + "a".repeat(64) + " token=" + wrong,
                    "GET_CHUNK 18 a.txt 0 owner=Alpha version=1 expires=1 ticket=" + "a".repeat(32))) {
                seeds.add(s.getBytes(StandardCharsets.UTF_8));
            }

            Random random = new Random(SEED);
            int sent = 0;
            int skipped = 0;
            int expected = 0;
            int received = 0;
            TreeMap<String, Integer> kinds = new TreeMap<>();
            while (sent < DATAGRAMS) {
                int windowExpected = 0;
                for (int i = 0; i < WINDOW && sent < DATAGRAMS; ) {
                    byte[] datagram = generate(random, seeds);
                    Verdict verdict = classify(datagram, realTokens);
                    if (verdict == Verdict.SKIP) {
                        skipped++;
                        continue;
                    }
                    client.send(datagram);
                    sent++;
                    i++;
                    if (verdict == Verdict.REPLY) {
                        windowExpected++;
                    }
                }
                expected += windowExpected;
                long deadline = System.nanoTime() + WINDOW_DEADLINE.toNanos();
                for (int got = 0; got < windowExpected; got++) {
                    long left = deadline - System.nanoTime();
                    Reply reply = left <= 0 ? null : client.receive(Duration.ofNanos(left));
                    if (reply == null) {
                        break;
                    }
                    checkReply(reply, kinds);
                    received++;
                }
            }
            for (Reply late : client.drain(Duration.ofMillis(300))) {
                checkReply(late, kinds);
                received++;
            }
            String stats = "seed " + SEED + ", sent " + sent + ", skipped " + skipped + ", replies " + kinds;
            assertEquals(expected, received, "one reply to every request and malformed datagram, none to a reply; "
                    + stats);
            assertTrue(kinds.getOrDefault("ERROR", 0) > DATAGRAMS / 2, "mostly malformed input: " + stats);

            assertEquals(countsBefore, counts(server), stats);
            assertEquals(listBefore, listing(client, alpha), stats);

            String rq = nextRq();
            Reply omega = client.call("REGISTER " + rq + " Omega BOTH 127.0.0.1 5009 6009 1GB");
            assertTrue(omega.text().matches("REGISTERED " + rq + " id=[0-9a-f]{32} cluster=[0-9a-f]{32}"), omega.text());
            assertEquals(new Counts(countsBefore.active() + 1, countsBefore.all() + 1, countsBefore.secrets() + 1),
                    counts(server));
            assertTrue(client.listNames(alpha).contains("Omega"));
        }
    }

    /** The LIST pages without their RQ#s. */
    private static List<String> listing(UdpTestClient client, String token) {
        return client.listPages(token).stream()
                .map(p -> p.text().substring(p.text().indexOf(' ', "LIST_OK ".length())))
                .toList();
    }

    private static void checkReply(Reply reply, TreeMap<String, Integer> kinds) {
        String text = reply.text();
        assertTrue(reply.length() < UdpTestClient.MAX_DATAGRAM_BYTES, text);
        assertTrue(reply.rq().matches("[0-9]{1,9}"), "a reply with no RQ#: " + text);
        assertFalse(FORBIDDEN.contains(reply.command()), "the fuzz changed or claimed something: " + text);
        if (reply.command().equals("ERROR")) {
            assertEquals(3, reply.words().length, "ERROR RQ# Reason: " + text);
        }
        kinds.merge(reply.command(), 1, Integer::sum);
    }

    private enum Verdict { SKIP, REPLY, NO_REPLY }

    /**
     * What the server should do with a datagram. A valid REGISTER could legitimately
     * register a name, and a request carrying a real token could legitimately act on it,
     * so those are not sent (LIST, which only reads, is).
     */
    private static Verdict classify(byte[] datagram, Set<String> realTokens) {
        Message m;
        try {
            m = Codec.decode(datagram);
        } catch (MalformedMessageException e) {
            return Verdict.REPLY;
        }
        if (m.command() == Command.REGISTER) {
            return Verdict.SKIP;
        }
        String token = m.option("token");
        if (m.command() != Command.LIST && token != null && realTokens.contains(token)) {
            return Verdict.SKIP;
        }
        return m.command().isReply() ? Verdict.NO_REPLY : Verdict.REPLY;
    }

    private static final byte[] INTERESTING = {' ', '=', '\t', '\n', '\r', 0, '[', ']', ',', ':', '%', '-',
            (byte) 0x80, (byte) 0xC3, (byte) 0xFF, '0', '9'};
    private static final byte[][] BAD_UTF8 = {
            {(byte) 0xC0, (byte) 0x80}, // overlong NUL
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
            {(byte) 0x80}, // a lone continuation byte
            {(byte) 0xE2, (byte) 0x82}, // a truncated sequence
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five bytes
            {(byte) 0xFF}, {(byte) 0xFE},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    };
    private static final List<String> ODD_WORDS = List.of("", "0", "-1", "99999999999999999999", "=", "token=",
            "x=y=z", "[", "]", "[,]", "é", "\u00a0", "\u202e", "\uD83D\uDE00", "REGISTER", "LIST", "a".repeat(70),
            "0000000000", "1e3", "+5", "::", "[::1]", "after=", "next=Alpha", "BOTH", "1GB");

    static byte[] generate(Random r, List<byte[]> seeds) {
        byte[] seed = seeds.get(r.nextInt(seeds.size()));
        switch (r.nextInt(12)) {
            case 0 -> { // random bytes
                byte[] junk = new byte[r.nextInt(300)];
                r.nextBytes(junk);
                return junk;
            }
            case 1 -> { // random printable ASCII, spaces included
                char[] chars = new char[1 + r.nextInt(200)];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) (32 + r.nextInt(95));
                }
                return new String(chars).getBytes(StandardCharsets.US_ASCII);
            }
            case 2 -> { // byte flips
                byte[] m = seed.clone();
                for (int n = 1 + r.nextInt(4); n > 0; n--) {
                    m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                }
                return m;
            }
            case 3 -> { // bit flips
                byte[] m = seed.clone();
                for (int n = 1 + r.nextInt(3); n > 0; n--) {
                    m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return m;
            }
            case 4 -> { // insertions
                byte[] m = seed;
                for (int n = 1 + r.nextInt(3); n > 0; n--) {
                    byte b = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
                    m = splice(m, r.nextInt(m.length + 1), 0, new byte[] {b});
                }
                return m;
            }
            case 5 -> { // deletions
                byte[] m = seed;
                for (int n = 1 + r.nextInt(3); n > 0 && m.length > 0; n--) {
                    int at = r.nextInt(m.length);
                    m = splice(m, at, Math.min(m.length - at, 1 + r.nextInt(5)), new byte[0]);
                }
                return m;
            }
            case 6 -> { // truncation
                return Arrays.copyOf(seed, r.nextInt(seed.length));
            }
            case 7 -> { // oversized
                if (r.nextBoolean()) {
                    byte[] big = new byte[1400 + r.nextInt(2600)];
                    r.nextBytes(big);
                    return big;
                }
                String pad = " pad=" + "x".repeat(Math.max(0, 1400 - seed.length - 5 + r.nextInt(100)));
                return concat(seed, pad.getBytes(StandardCharsets.US_ASCII));
            }
            case 8 -> { // empty
                return new byte[0];
            }
            case 9 -> { // invalid UTF-8 somewhere in a valid message
                return splice(seed, r.nextInt(seed.length + 1), 0, BAD_UTF8[r.nextInt(BAD_UTF8.length)]);
            }
            case 10 -> { // word-level damage
                List<String> words = new ArrayList<>(List.of(new String(seed, StandardCharsets.UTF_8).split(" ")));
                int at = r.nextInt(words.size());
                switch (r.nextInt(5)) {
                    case 0 -> words.add(at, words.get(r.nextInt(words.size())));
                    case 1 -> Collections.swap(words, at, r.nextInt(words.size()));
                    case 2 -> words.remove(at);
                    case 3 -> words.set(at, ODD_WORDS.get(r.nextInt(ODD_WORDS.size())));
                    default -> words.add(at, ODD_WORDS.get(r.nextInt(ODD_WORDS.size())));
                }
                String sep = r.nextInt(8) == 0 ? "  " : " ";
                String end = List.of("", "", "", "\n", "\r\n", "\n\n", " ", "\r").get(r.nextInt(8));
                return (String.join(sep, words) + end).getBytes(StandardCharsets.UTF_8);
            }
            default -> { // two messages in one datagram
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                byte[] sep = r.nextBoolean() ? new byte[] {'\n'} : new byte[] {' '};
                return concat(concat(seed, sep), other);
            }
        }
    }

    private static byte[] splice(byte[] data, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + insert.length);
        out.write(data, 0, at);
        out.write(insert, 0, insert.length);
        out.write(data, at + remove, data.length - at - remove);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return splice(a, a.length, 0, b);
    }
}
