package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/** The shell's status: registration, liveness as the server sees it, what the peer stores, its last scrub. */
class StatusTest {
    @TempDir
    Path dir;

    @Test
    void statusShowsRegistrationLivenessAndStoredChunks() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            owner.backup(c.source("three.bin", LocalCluster.random(3 * CHUNK, 18)));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Shell shell = new Shell(box, new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(Shell.Outcome.OK, shell.execute("status"));
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("name=Box role=STORAGE"), text);
            assertTrue(text.contains("registered=yes state=ALIVE"), text);
            assertTrue(text.contains("stored: 3 chunks, 192.1 KiB of 1.0 GiB"), text);
            assertTrue(text.strip().endsWith("OK status"), text);
        }
    }

    @Test
    void statusShowsTheProcessPeakMemory() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer owner = c.start("Ola", Role.OWNER, 0);
            String text = status(owner);
            Matcher m = Pattern.compile("\\nmemory: heap_peak=(\\d+)( rss_peak=(\\d+))?\\n").matcher(text);
            assertTrue(m.find(), text);
            // This JVM has run a server and a peer: its heap has held more than a few pages.
            assertTrue(Long.parseLong(m.group(1)) > 1 << 20, text);
            // Where Linux keeps a high-water mark the resident peak is shown, and it holds the heap's pages.
            assertEquals(Files.isReadable(Path.of("/proc/self/status")), m.group(3) != null, text);
            if (m.group(3) != null) {
                assertTrue(Long.parseLong(m.group(3)) > 1 << 20, text);
            }
        }
    }

    @Test
    void statusShowsTheLastScrubAndWhatItFound() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] data = LocalCluster.random(3 * CHUNK, 19);
            owner.backup(c.source("three.bin", data));
            Files.delete(c.chunkFile("Box", data, 2));
            box.scrub();

            String text = status(box);
            assertTrue(text.matches("(?s).*\\nscrub: last \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, "
                    + "3 files checked, 0 bad, 1 missing\\n.*"), text);
            assertTrue(text.contains("stored: 2 chunks, 128.1 KiB of 1.0 GiB"), text);
            // An owner keeps nothing of others' to scrub.
            assertTrue(status(owner).contains("scrub: never"), status(owner));
        }
    }

    private static String status(Peer peer) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(Shell.Outcome.OK, new Shell(peer, new PrintStream(out, true, StandardCharsets.UTF_8))
                .execute("status"));
        return out.toString(StandardCharsets.UTF_8);
    }
}
