package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.crypto.RecoveryKey;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tokens;
import p2pbrs.testing.Bytes;

/**
 * The data key on the owner's machine: wrapped in its database, opened with the key file
 * beside it; shown once inside the recovery key; made for an identity from before data keys.
 */
class DataKeyTest {
    private static final long GIB = LocalCluster.GIB;

    @TempDir
    Path dir;

    @Test
    void theDatabaseAloneHoldsNoDataKeyAndALostKeyFileAsksForTheRecoveryKey() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            c.start("S1", Role.STORAGE, GIB);
            c.start("S2", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] data = LocalCluster.random(3 * LocalCluster.CHUNK, 71);
            owner.backup(c.source("notes.bin", data));
            String recoveryKey = c.recoveryKey("Ola");
            byte[] raw = RecoveryKey.parse(recoveryKey).dataKey().raw();
            owner.close();

            byte[] db = Files.readAllBytes(dir.resolve("db-Ola.mv.db"));
            assertFalse(Bytes.contains(db, raw), "the data key's bytes are not in the database");
            assertFalse(Bytes.contains(db, HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII)));
            assertFalse(Bytes.contains(db, recoveryKey.getBytes(StandardCharsets.US_ASCII)));
            Path keyFile = dir.resolve("db-Ola.keys");
            assertTrue(Files.exists(keyFile));

            // Restarted as it is: no new recovery key, and its backups restore.
            Peer again = c.start("Ola", Role.OWNER, 0);
            assertFalse(c.output("Ola").contains("RECOVERY-KEY"), c.output("Ola"));
            assertArrayEquals(data, Files.readAllBytes(again.restore("notes.bin", null).path()));
            again.close();

            // Without its key file the data key stays shut, and the peer says what to do ...
            Files.delete(keyFile);
            PeerException shut = assertThrows(PeerException.class, () -> c.start("Ola", Role.OWNER, 0));
            assertTrue(shut.getMessage().contains("--recovery-key"), shut.getMessage());
            // ... which opens it again.
            Peer recovered = c.start("Ola", Role.OWNER, 0, 5_000, recoveryKey);
            assertArrayEquals(data, Files.readAllBytes(recovered.restore("notes.bin", null).path()));
            assertTrue(Files.exists(keyFile));
        }
    }

    @Test
    void anIdentityFromBeforeDataKeysGetsOneAndShowsItsNewRecoveryKeyOnce() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            c.start("S1", Role.STORAGE, GIB);
            c.start("S2", Role.STORAGE, GIB);
            // A token alone, as peers printed before recovery keys.
            String token = Tokens.generate();
            Peer owner = c.start("Old", Role.OWNER, 0, 5_000, token);
            String recoveryKey = c.recoveryKey("Old");
            assertEquals(token, RecoveryKey.parse(recoveryKey).token(), "the same identity");
            byte[] data = LocalCluster.random(2 * LocalCluster.CHUNK + 3, 72);
            owner.backup(c.source("old.bin", data));
            owner.close();

            c.start("Old", Role.OWNER, 0, 5_000, token).close();
            assertFalse(c.output("Old").contains("RECOVERY-KEY"), "shown once: " + c.output("Old"));

            // A new machine: the recovery key brings the identity and what it backed up.
            Peer elsewhere = c.start("old", Role.OWNER, 0, 5_000, recoveryKey);
            assertArrayEquals(data, Files.readAllBytes(elsewhere.restore("old.bin", null).path()));
        }
    }

}
