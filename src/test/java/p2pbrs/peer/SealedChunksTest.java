package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.ChunkFormats;
import p2pbrs.protocol.Role;
import p2pbrs.store.Database;
import p2pbrs.testing.Bytes;

/**
 * Chunks leave their owner sealed, under a chunk name: storage peers hold ciphertext that
 * says nothing of the file or its name; and a version stored before chunks were sealed
 * (format 0, kept for versions from before) still restores, beside sealed ones of the same file.
 */
class SealedChunksTest {
    private static final int CHUNK = LocalCluster.CHUNK;
    private static final long GIB = LocalCluster.GIB;

    @TempDir
    Path dir;

    @Test
    void storagePeersHoldCiphertextUnderAChunkNameAndAnUnsealedVersionStillRestores() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2))) {
            c.start("S1", Role.STORAGE, GIB);
            c.start("S2", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] before = LocalCluster.random(3 * CHUNK + 5, 61);
            byte[] after = LocalCluster.random(2 * CHUNK, 62);

            // Version 1 as versions were stored before chunks were sealed; version 2 as now.
            assertEquals(1, owner.backupUnsealed(c.source("ledger-2026.ods", before)).version());
            assertEquals(2, owner.backup(c.source("ledger-2026.ods", after)).version());

            // The unsealed version's chunks are the file's bytes; the sealed one's are not,
            // and are each 49 bytes longer, as the server planned and counts them.
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(LocalCluster.chunkOf(before, i), Files.readAllBytes(c.chunkFile("S1", before, i)));
            }
            for (int i = 0; i < 2; i++) {
                byte[] stored = Files.readAllBytes(c.chunkFile("S1", after, i));
                assertEquals(CHUNK + ChunkFormats.SEALED_V1_OVERHEAD, stored.length);
                assertArrayEquals(LocalCluster.sealed(owner.dataKey(), LocalCluster.chunkOf(after, i)), stored);
                assertFalse(Bytes.contains(stored, java.util.Arrays.copyOfRange(after, i * CHUNK, i * CHUNK + 16)));
            }

            // Each version restores, byte for byte.
            assertArrayEquals(before, Files.readAllBytes(owner.restore("ledger-2026.ods", 1).path()));
            assertArrayEquals(after, Files.readAllBytes(owner.restore("ledger-2026.ods", 2).path()));

            // The storage peer's index names versions by their chunk names only.
            owner.close();
            c.peer("S1").close();
            try (Database db = Database.open(dir.resolve("db-S1"), Database.Kind.PEER, 2)) {
                List<String> names = db.dsl().fetch("SELECT DISTINCT file_name || ' ' || version FROM chunk "
                        + "ORDER BY 1").getValues(0, String.class);
                // Each version by its own random chunk name, the unsealed one too: nothing links them.
                assertEquals(2, names.size(), names.toString());
                assertTrue(names.get(0).matches("[0-9a-f]{32} [12]") && names.get(1).matches("[0-9a-f]{32} [12]"),
                        names.toString());
                assertFalse(names.get(0).split(" ")[0].equals(names.get(1).split(" ")[0]), names.toString());
            }
        }
    }
}
