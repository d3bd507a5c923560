package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.WireList;
import p2pbrs.testing.UdpProbe;

/** Every acknowledged change survives kill -9 of a real server process. */
class ServerKillIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final int PEERS = 200;

    @TempDir
    java.nio.file.Path dir;

    private int startServer(List<Launched> running) throws Exception {
        Launched server = Launched.start(dir, List.of(), "server", "--udp-port", "0", "--sql-port", "0", "--db", "db/server",
                "--registration", "open", "--registrations-per-minute", "100000");
        running.add(server);
        return Integer.parseInt(server.awaitLine(l -> l.startsWith("LISTENING udp="), START)
                .substring("LISTENING udp=".length()));
    }

    @Test
    void acknowledgedRegistrationsSurviveKillAndALateRetryGetsTheOriginalReply() throws Exception {
        List<Launched> running = new ArrayList<>();
        try {
            int port = startServer(running);
            String lastRequest = null;
            Message lastReply = null;
            String anyToken = null;
            try (UdpProbe probe = new UdpProbe(port)) {
                for (int i = 0; i < PEERS; i++) {
                    String token = p2pbrs.protocol.Tokens.generate();
                    lastRequest = "REGISTER " + (1000 + i) + " peer-" + i + " BOTH 127.0.0.1 " + (20000 + i) + " "
                            + (30000 + i) + " 1GB token=" + token;
                    lastReply = probe.call(lastRequest);
                    assertEquals(Command.REGISTERED, lastReply.command(), lastReply.toString());
                    anyToken = token;
                }
                // The moment after the last acknowledgement: no clean shutdown, no flush.
                Process killed = running.get(0).process();
                killed.destroyForcibly();
                assertTrue(killed.waitFor(10, TimeUnit.SECONDS));

                int newPort = startServer(running);
                try (UdpProbe again = new UdpProbe(newPort)) {
                    Set<String> names = listAll(again, anyToken);
                    Set<String> expected = new HashSet<>();
                    for (int i = 0; i < PEERS; i++) {
                        expected.add("peer-" + i);
                    }
                    assertEquals(expected, names);
                }
                // The last REGISTER's reply "was lost": the same sender retries the same RQ#.
                UdpProbe retry = probe.retarget(newPort);
                Message replay = retry.call(lastRequest);
                assertEquals(lastReply, replay, "a retry after the restart gets the original reply");
            }
        } finally {
            for (Launched l : running) {
                l.close();
            }
        }
    }

    static Set<String> listAll(UdpProbe probe, String token) throws Exception {
        Set<String> names = new HashSet<>();
        String after = null;
        for (int page = 0; page < 100; page++) {
            Message reply = probe.call("LIST " + (5000 + page) + " token=" + token + (after == null ? "" : " after=" + after));
            assertEquals(Command.LIST_OK, reply.command(), reply.toString());
            for (String item : WireList.parse(reply.field(0), reply.rq())) {
                assertTrue(names.add(PeerEntry.parse(item, reply.rq()).name()), "listed twice: " + item);
            }
            after = reply.option("next");
            if (after == null) {
                return names;
            }
        }
        throw new AssertionError("LIST did not end");
    }
}
