package p2pbrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reply that acknowledges a change is durable: a server killed with SIGKILL right
 * after its last REGISTERED comes back, on the same database, with every acknowledged
 * registration, and answers a late retry of the last request with its original reply.
 */
@Timeout(120)
class ServerKillIT {
    private static final Pattern LISTENING = Pattern.compile("LISTENING udp=(\\d+)");
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration REPLY = Duration.ofSeconds(10);
    private static final int PEERS = 200;

    @TempDir
    Path dir;

    @Test
    void acknowledgedRegistrationsSurviveKillNineAndALateRetryGetsItsOriginalReply() {
        Path db = dir.resolve("db").resolve("server");
        List<String> names = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        String lastRequest = null;
        String lastRq = null;
        String lastReply = null;
        try (WireClient client = new WireClient()) {
            try (JarProcess first = startServer("server-1", db)) {
                InetSocketAddress server = listening(first);
                for (int i = 0; i < PEERS; i++) {
                    String rq = Integer.toString(1000 + i);
                    String name = String.format("Kill%03d", i);
                    String token = p2pbrs.protocol.Tokens.generate();
                    String request = "REGISTER " + rq + " " + name + " BOTH 127.0.0.1 " + (20000 + i) + " "
                            + (30000 + i) + " 1GB token=" + token;
                    String reply = client.call(request, server, REPLY);
                    assertTrue(reply.matches("REGISTERED " + rq + " id=[0-9a-f]{32} cluster=[0-9a-f]{32}"), request + " got: " + reply);
                    names.add(name);
                    tokens.add(token);
                    lastReply = reply;
                    lastRequest = request;
                    lastRq = rq;
                }
                // Right after the last acknowledgement: no shutdown hook, nothing flushed.
                first.kill();
                int code = first.awaitExit(Duration.ofSeconds(10));
                assertEquals(128 + 9, code, "the first server should have died of SIGKILL" + first.describe());
            }

            try (JarProcess second = startServer("server-2", db)) {
                InetSocketAddress server = listening(second);

                List<String> listed = client.listNames(server, tokens.get(0), 5000);
                assertEquals(names, listed, "LIST after the restart should show every acknowledged registration, "
                        + "once each, in name order" + second.describe());
                assertTrue(client.pagesOfLastList() > 1,
                        "200 peers do not fit one datagram: LIST should have paged, read "
                                + client.pagesOfLastList() + " page(s)");

                // The last reply "was lost": the peer retries from the same address with the same RQ#.
                String retry = client.call(lastRequest, server, REPLY);
                assertEquals(lastReply, retry,
                        "a retry of an acknowledged REGISTER should get its original reply" + second.describe());

                // The name really is held: a new request for it, without its token, is refused.
                String stranger = client.call("REGISTER 9999 " + names.get(PEERS - 1).toLowerCase(Locale.ROOT)
                        + " BOTH 127.0.0.1 40001 40002 1GB token=" + p2pbrs.protocol.Tokens.generate(), server, REPLY);
                assertEquals("REGISTER-DENIED 9999 Name-taken", stranger);
            }
        }
    }

    private JarProcess startServer(String label, Path db) {
        return JarProcess.start(label, dir, "server", "--udp-port", "0", "--sql-port", "0", "--bind", "127.0.0.1", "--db", db.toString(),
                "--registration", "open", "--registrations-per-minute", "100000");
    }

    private static InetSocketAddress listening(JarProcess server) {
        int port = Integer.parseInt(server.awaitMatch(LISTENING, START).group(1));
        return new InetSocketAddress("127.0.0.1", port);
    }
}
