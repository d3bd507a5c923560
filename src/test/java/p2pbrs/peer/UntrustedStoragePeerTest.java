package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;

/** An owner facing a storage peer that says whatever it likes: the backup still ends, with what honest peers kept. */
class UntrustedStoragePeerTest {
    // Far longer than the backup takes; only a hang reaches it.
    private static final long ENDS_WITHIN_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void aStoragePeerAnsweringNonsenseCostsItsCopiesNotTheBackup() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir);
             FakeStoragePeer liar = FakeStoragePeer.registered(cluster, "Liar", GIB, c -> {
                 Message send;
                 while ((send = c.readHeader()) != null) {
                     c.readBody(send);
                     c.send("ACK 5");
                 }
             })) {
            cluster.start("Honest", Role.STORAGE, GIB);
            Peer owner = cluster.start("Olive", Role.OWNER, 0);
            byte[] data = LocalCluster.random(3 * CHUNK + 1, 21);
            Path source = cluster.source("nonsense.bin", data);

            BackupResult r = CompletableFuture.supplyAsync(() -> {
                try {
                    return owner.backup(source);
                } catch (PeerException e) {
                    throw new IllegalStateException(e);
                }
            }).get(ENDS_WITHIN_SECONDS, TimeUnit.SECONDS);

            assertEquals(4, r.chunks());
            assertEquals(4, r.underReplicated(), "every chunk has only the honest peer's copy");
            assertArrayEquals(data, Files.readAllBytes(owner.restore("nonsense.bin", null).path()));
        }
    }
}
