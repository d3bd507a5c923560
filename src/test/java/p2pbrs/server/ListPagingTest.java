package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.WireList;
import p2pbrs.testing.UdpProbe;

class ListPagingTest {
    @TempDir
    Path dir;

    @Test
    void aLongListIsPagedUnderTheDatagramLimitSortedAndComplete() throws Exception {
        try (MetadataServer server = MetadataServer.start(ServerConfig.defaults(dir.resolve("server"))
                .withBindAddress("127.0.0.1").withUdpPort(0));
             UdpProbe probe = new UdpProbe(server.udpPort())) {
            List<String> expected = new ArrayList<>();
            String token = null;
            for (int i = 0; i < 40; i++) {
                // Long names and IPv6 addresses make the longest entries.
                String name = String.format("p%02d", 39 - i) + "x".repeat(57);
                expected.add(name);
                Message reply = probe.call("REGISTER " + (10 + i) + " " + name
                        + " STORAGE 2001:db8:85a3:0:0:8a2e:370:7334 65000 65001 999TB");
                assertEquals(Command.REGISTERED, reply.command(), reply.toString());
                token = reply.option("token");
            }
            expected.sort(String.CASE_INSENSITIVE_ORDER);
            List<String> seen = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                Message reply = probe.call("LIST " + (100 + pages) + " token=" + token
                        + (after == null ? "" : " after=" + after));
                assertTrue(Codec.encode(reply).length < Codec.MAX_DATAGRAM_BYTES);
                for (String item : WireList.parse(reply.field(0), reply.rq())) {
                    PeerEntry e = PeerEntry.parse(item, reply.rq());
                    assertEquals("2001:db8:85a3:0:0:8a2e:370:7334", e.ip());
                    seen.add(e.name());
                }
                after = reply.option("next");
                pages++;
            } while (after != null);
            assertTrue(pages > 1, "40 long entries cannot fit one datagram");
            assertEquals(expected, seen);
        }
    }
}
