package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/**
 * CHUNK_BAD: a holder reports its own copy, an owner a copy of its own file that it
 * fetched; the server marks that copy lost and nothing else. Two storage peers, two copies:
 * every chunk is on both, and nowhere else to copy a lost one to.
 */
class ChunkBadTest {
    @TempDir
    Path dir;

    private Fsck fsck() throws Exception {
        return Fsck.of(dir.resolve("server"));
    }

    @Test
    void onlyAHolderOfItsOwnCopyOrAnOwnerOfItsOwnFileIsHeard() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            LocalCluster.RawUdp udp = c.udp();
            String ola = udp.register("1", "Ola", Role.OWNER, 0);
            String eve = udp.register("2", "Eve", Role.OWNER, 0);
            c.start("K1", Role.STORAGE, GIB);
            c.start("K2", Role.STORAGE, GIB);
            String k1 = c.token("K1");
            Peer owner = c.start("Ola", Role.OWNER, 0, 5_000, ola);
            byte[] data = LocalCluster.random(4 * CHUNK, 31);
            owner.backup(c.source("mine.bin", data));
            String olaId = LocalCluster.idOf(ola);
            String holderSays = " owner=" + olaId + " version=1 token=";
            // A holder knows the version by its chunk name only; its owner speaks of mine.bin.
            String chunkName;
            try (ServerRecords records = new ServerRecords(c.dir.resolve("server"))) {
                chunkName = records.chunkName("mine.bin", 1);
            }

            // Each refused, and nothing changes.
            assertEquals("ACK-DENIED 10 Not-holder", udp.call("CHUNK_BAD 10 " + chunkName + " 0" + holderSays + ola),
                    "the owner holds no copy of its own file");
            assertEquals("ACK-DENIED 11 Not-holder", udp.call("CHUNK_BAD 11 " + chunkName + " 9" + holderSays + k1),
                    "no such chunk");
            assertEquals("ACK-DENIED 12 Unknown-version", udp.call("CHUNK_BAD 12 " + chunkName + " 0 owner="
                    + LocalCluster.FORGER + " version=1 token=" + k1));
            assertEquals("ACK-DENIED 13 Unknown-version", udp.call("CHUNK_BAD 13 " + chunkName + " 0 owner=" + olaId
                    + " version=7 token=" + k1));
            assertEquals("ACK-DENIED 14 Unknown-file", udp.call("CHUNK_BAD 14 mine.bin 0 version=1 holder=K1 token="
                    + eve), "another owner's file");
            assertEquals("ACK-DENIED 15 Unknown-file", udp.call("CHUNK_BAD 15 mine.bin 0 version=1 holder=K2 token="
                    + k1), "another peer's copy, from a peer that does not own the file");
            assertEquals("ACK-DENIED 16 Not-holder", udp.call("CHUNK_BAD 16 mine.bin 0 version=1 holder=Nobody token="
                    + ola));
            assertEquals("ACK-DENIED 17 Not-holder", udp.call("CHUNK_BAD 17 mine.bin 0 version=1 holder=Eve token="
                    + ola));
            assertEquals("ACK-DENIED 18 Unknown-version", udp.call("CHUNK_BAD 18 mine.bin 0 version=5 holder=K1 token="
                    + ola));
            assertEquals("ACK-DENIED 19 Missing-token", udp.call("CHUNK_BAD 19 mine.bin 0 version=1 holder=K1"));
            assertEquals("ACK-DENIED 20 Bad-token", udp.call("CHUNK_BAD 20 mine.bin 0 version=1 holder=K1 token="
                    + "e".repeat(64)));
            assertEquals("ERROR 21 Bad-option", udp.call("CHUNK_BAD 21 mine.bin 0 version=1 holder=K1 owner=" + olaId
                    + " token=" + ola));
            assertEquals(new Fsck(4, 0, 0, 0), fsck());
            assertTrue(udp.call("BACKUP_DONE 22 mine.bin version=1 token=" + ola).endsWith(" under_replicated=0"));

            // A holder's own copy, and a copy its owner fetched: each lost once, however often told.
            String own = "CHUNK_BAD 30 " + chunkName + " 0" + holderSays + k1;
            assertEquals("ACK 30", udp.call(own));
            assertEquals("ACK 30", udp.call(own));
            assertEquals("ACK 31", udp.call("CHUNK_BAD 31 mine.bin 1 version=1 holder=k2 token=" + ola));
            assertEquals("ACK 32", udp.call("CHUNK_BAD 32 mine.bin 0 version=1 holder=K1 token=" + ola));
            assertEquals(new Fsck(2, 2, 0, 0), fsck());
            assertTrue(udp.call("BACKUP_DONE 33 mine.bin version=1 token=" + ola).endsWith(" under_replicated=2"),
                    "the version's counters moved with the copies, once each");

            // What the holders still hold is read from the copies still counted.
            assertArrayEquals(data, Files.readAllBytes(owner.restore("mine.bin", null).path()));
        }
    }

    @Test
    void aRestoreThatMeetsARottenOrMissingCopyReportsIt() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            Peer k1 = c.start("K1", Role.STORAGE, GIB);
            c.start("K2", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] data = LocalCluster.random(3 * CHUNK, 32);
            owner.backup(c.source("met.bin", data));
            // K1 comes first in restore plans (by name): the restore meets both of its bad copies.
            Path rotten = c.chunkFile("K1", data, 0);
            LocalCluster.flipABit(rotten);
            Files.delete(c.chunkFile("K1", data, 2));

            assertArrayEquals(data, Files.readAllBytes(owner.restore("met.bin", null).path()));
            assertEquals(new Fsck(1, 2, 0, 0), Fsck.await(dir.resolve("server"), new Fsck(1, 2, 0, 0)));
            // An owner's word deletes nothing on another peer: the rotten file waits for K1's own scrub.
            assertTrue(Files.exists(rotten));
            assertEquals(3, k1.status().chunks());

            ScrubReport scrub = k1.scrub();
            assertEquals(1, scrub.bad());
            assertEquals(1, scrub.missing());
            assertEquals(1, k1.status().chunks(), "only chunk 1 is left on K1");
            assertEquals(new Fsck(1, 2, 0, 0), fsck(), "the holder's own reports change nothing more");
        }
    }
}
