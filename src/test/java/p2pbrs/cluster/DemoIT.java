package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job in one command, as the README's quick start runs it. */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void demoBacksUpRestoresAndVerifies() throws Exception {
        try (Launched demo = Launched.start(dir, List.of(), "demo")) {
            assertEquals(0, demo.awaitExit(Duration.ofMinutes(2)), () -> String.join("\n", demo.output()));
            List<String> out = demo.output();
            for (String message : List.of("BACKUP_REQ ", "BACKUP_PLAN ", "SEND_CHUNK ", "CHUNK_OK ", "STORE_ACK ",
                    "BACKUP_DONE ", "RESTORE_PLAN ", "GET_CHUNK ", "CHUNK_DATA ", "RESTORE_OK ")) {
                assertTrue(out.stream().anyMatch(l -> l.contains(message)), () -> "no " + message + " in " + out);
            }
            assertEquals("Restore checksum: true", out.get(out.size() - 1));
            assertTrue(out.stream().noneMatch(l -> l.matches(".*token=[0-9a-f]{16,}.*")), "tokens are masked");
            assertTrue(out.stream().anyMatch(l -> l.contains(" ticket=")), "SEND_CHUNK and GET_CHUNK are shown");
            assertTrue(out.stream().noneMatch(l -> l.matches(".*ticket=[0-9a-f]{16,}.*")), "ticket options are masked");
            // Peer list entries Name:IP:TCP_Port:Ticket; a ticket is 32 hex digits.
            assertTrue(out.stream().filter(l -> l.contains("BACKUP_PLAN ") || l.contains("RESTORE_PLAN "))
                            .noneMatch(l -> l.matches(".*:[0-9a-f]{32}[,\\]].*")),
                    () -> "plan tickets are masked: " + out);
        }
    }
}
