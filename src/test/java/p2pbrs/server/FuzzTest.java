package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.testing.UdpProbe;

/**
 * Random and mutated datagrams never stop the server nor change the registry: afterwards
 * it answers a valid REGISTER and lists exactly the peers it listed before.
 */
class FuzzTest {
    private static final int DATAGRAMS = 10_000;
    private static final int WINDOW = 50;

    @TempDir
    Path dir;

    @Test
    void tenThousandBadDatagramsChangeNothing() throws Exception {
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server"))
                .withBindAddress("127.0.0.1").withUdpPort(0));
             UdpProbe probe = new UdpProbe(server.udpPort())) {
            Message a = probe.call("REGISTER 1 Alpha BOTH 127.0.0.1 5001 6001 1GB");
            Message b = probe.call("REGISTER 2 Beta STORAGE 127.0.0.1 5002 6002 2GB");
            String token = a.option("token");
            Message listBefore = probe.call("LIST 3 token=" + token);
            int rowsBefore = server.registry().countAll();

            List<String> seeds = List.of(
                    "REGISTER 01 Alpha BOTH 192.168.1.10 5001 6001 1024MB",
                    "DE-REGISTER 4 Alpha token=" + "0".repeat(64),
                    "DE-REGISTER 5 Beta token=" + b.option("token").substring(0, 63) + "x",
                    "LIST 6 token=" + token + " after=Alpha",
                    "BACKUP_REQ 7 file.bin 1000 - token=" + token,
                    "RESTORE_REQ 8 file.bin token=" + token,
                    "STORE_ACK 9 f 0 owner=Alpha version=1 size=1 checksum=" + "a".repeat(64),
                    "LIST_OK 10 [Alpha:BOTH:127.0.0.1:5001:6001:1:ALIVE]");
            Random random = new Random(366);
            int sent = 0;
            while (sent < DATAGRAMS) {
                for (int i = 0; i < WINDOW; i++) {
                    byte[] datagram = generate(random, seeds);
                    if (mayChangeState(datagram)) {
                        continue;
                    }
                    probe.sendRaw(datagram);
                    sent++;
                }
                // Let the server catch up before the next window, so the kernel does not
                // simply drop what we send: drain replies until a quiet moment.
                while (probe.receive(Duration.ofMillis(20)) != null) {
                    // replies are not checked one by one; the end state is
                }
            }
            Message fresh = probe.call("REGISTER 999999 Gamma BOTH 127.0.0.1 5003 6003 1GB");
            assertEquals(Command.REGISTERED, fresh.command());
            assertEquals(rowsBefore + 1, server.registry().countAll());
            assertEquals(Command.DE_REGISTERED,
                    probe.call("DE-REGISTER 999998 Gamma token=" + fresh.option("token")).command());
            Message listAfter = probe.call("LIST 3 token=" + token);
            assertEquals(listBefore.field(0), listAfter.field(0), "the registry is unchanged");
        }
    }

    // A fuzzed datagram could, by chance, be a valid REGISTER of a new name: that would
    // legitimately change the registry, so such datagrams are not sent.
    private static boolean mayChangeState(byte[] datagram) {
        try {
            Message m = Codec.decode(datagram);
            return m.command() == Command.REGISTER || m.command() == Command.BACKUP_REQ;
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    private static byte[] generate(Random random, List<String> seeds) {
        byte[] seed = seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(8)) {
            case 0 -> {
                byte[] junk = new byte[random.nextInt(200)];
                random.nextBytes(junk);
                return junk;
            }
            case 1 -> {
                byte[] big = new byte[1400 + random.nextInt(3000)];
                Arrays.fill(big, (byte) 'A');
                return big;
            }
            case 2 -> {
                return Arrays.copyOf(seed, random.nextInt(seed.length + 1));
            }
            case 3 -> {
                byte[] m = seed.clone();
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                }
                return m;
            }
            case 4 -> {
                byte[] m = new byte[seed.length + 1];
                int at = random.nextInt(seed.length + 1);
                System.arraycopy(seed, 0, m, 0, at);
                String specials = " \t\n=[],:%\r";
                m[at] = (byte) specials.charAt(random.nextInt(specials.length()));
                System.arraycopy(seed, at, m, at + 1, seed.length - at);
                return m;
            }
            case 5 -> {
                int at = random.nextInt(seed.length);
                byte[] m = new byte[seed.length - 1];
                System.arraycopy(seed, 0, m, 0, at);
                System.arraycopy(seed, at + 1, m, at, seed.length - at - 1);
                return m;
            }
            case 6 -> {
                byte[] m = seed.clone();
                m[random.nextInt(m.length)] = (byte) (0xC0 | random.nextInt(0x20));
                return m;
            }
            default -> {
                String s = new String(seed, StandardCharsets.UTF_8);
                String[] words = s.split(" ");
                String w = words[random.nextInt(words.length)];
                return (s + " " + w + (random.nextBoolean() ? "=" : "")).getBytes(StandardCharsets.UTF_8);
            }
        }
    }
}
