package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.testing.UdpProbe;

class RestartTest {
    @TempDir
    Path dir;

    @Test
    void theRegistryAndItsAcknowledgedRepliesSurviveARestart() throws Exception {
        ServerConfig config = ServerConfig.defaults(dir.resolve("server")).withBindAddress("127.0.0.1").withUdpPort(0);
        String request = "REGISTER 31 Kim BOTH 127.0.0.1 5001 6001 1GB";
        try (UdpProbe probe = new UdpProbe(0)) {
            Message first;
            try (MetadataServer server = MetadataServer.start(config)) {
                first = probe.retarget(server.udpPort()).call(request);
                assertEquals(Command.REGISTERED, first.command());
            }
            try (MetadataServer server = MetadataServer.start(config)) {
                UdpProbe again = probe.retarget(server.udpPort());
                assertEquals(first, again.call(request), "the retry gets the reply it would have got");
                Message list = again.call("LIST 32 token=" + first.option("token"));
                assertTrue(list.field(0).startsWith("[Kim:BOTH:127.0.0.1:5001:6001:1073741824:ALIVE"), list.toString());
                assertEquals(1, server.registry().countAll());
            }
        }
    }
}
