package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.SEALED;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.server.HealthCheck;
import p2pbrs.store.Database;
import p2pbrs.store.RepairStore;
import p2pbrs.store.ReplicaState;

/**
 * A storage peer's inventory, reported as it registers, brings the server's records and the
 * peer's disk back into agreement: chunks nobody needs are released, copies the peer lost
 * are made again, copies the server forgot are counted again, and a peer on a new database
 * indexes its chunk files anew.
 */
class ReconciliationTest {
    @TempDir
    Path dir;

    @Test
    void aChunkTheServerHasNoRecordOfIsReleasedOnceItsPeerReportsIt() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(1)))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Late", Role.OWNER, 0);
            byte[] data = LocalCluster.random(2 * CHUNK, 31);
            Message plan = udp.message("BACKUP_REQ 2 late.bin " + data.length + " - token=" + token);
            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                // The plan expires and its release reaches Box before any chunk does ...
                await(() -> server.committed("Box") == 0);
            }
            // ... and then a chunk comes in on its ticket, which peers honour a while past its
            // expiry: the server refuses its STORE_ACK (the version expired) and keeps no record.
            try (LocalCluster.RawTcp tcp = c.tcp(box)) {
                byte[] late = LocalCluster.chunkOf(data, 0);
                assertEquals(Command.CHUNK_OK, tcp.exchange(LocalCluster.sendChunk(plan, LocalCluster.idOf(token), "3",
                        0, late, 0), late).command());
            }
            // This raw owner sends its chunk unsealed.
            assertEquals(CHUNK, c.bytesOnDisk("Box"));

            String boxToken = c.token("Box");
            box.close();
            Peer back = c.start("Box", Role.STORAGE, GIB, 5_000, boxToken);
            await(() -> c.chunkFiles("Box").isEmpty());
            assertEquals(0, back.status().bytesStored(), "the peer's own count agrees with its disk");
        }
    }

    @Test
    void aCopyItsPeerNoLongerHoldsIsCountedLostAndMadeAgain() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofSeconds(2),
                Duration.ofSeconds(4)))) {
            Duration beat = Duration.ofMillis(200);
            for (String name : List.of("S1", "S2", "S3")) {
                c.start(name, Role.STORAGE, GIB, beat);
            }
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            owner.backup(c.source("four.bin", LocalCluster.random(4 * CHUNK, 32)));
            String gone = c.chunkFiles("S1").get(0).getFileName().toString();
            String token = c.token("S1");

            // Stopped, S1 loses one chunk file and its index row.
            c.peer("S1").close();
            Files.delete(c.chunkFile("S1", gone));
            try (Database db = Database.open(c.dir.resolve("db-S1"), Database.Kind.PEER, 2)) {
                db.dsl().deleteFrom(p2pbrs.db.peer.Tables.CHUNK).where(p2pbrs.db.peer.Tables.CHUNK.CHECKSUM.eq(gone))
                        .execute();
            }
            c.start("S1", Role.STORAGE, GIB, 5_000, token, 16, beat);

            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                await(() -> server.copiesOn("S1").get(gone) == ReplicaState.LOST);
            }
            // Repair copies it again, to the one peer that had none: both others hold it.
            await(() -> healthy(c, 4));
            assertTrue(Files.exists(c.chunkFile("S2", gone)) && Files.exists(c.chunkFile("S3", gone)));
            assertFalse(Files.exists(c.chunkFile("S1", gone)));
        }
    }

    @Test
    void copiesAnOlderServerDatabaseDoesNotKnowAreCountedAgainWithoutCopying() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2))) {
            Peer owner = ownerAndTwoHolders(c);
            byte[] data = LocalCluster.random(3 * CHUNK, 33);
            owner.backup(c.source("three.bin", data));
            String token = c.token("S1");
            c.peer("S1").close();

            // The server comes back on an older copy of its database, from before S1's copies.
            int port = c.server.udpPort();
            c.server.close();
            try (ServerRecords older = new ServerRecords(c.dir.resolve("server"))) {
                older.forgetCopiesOn("S1");
            }
            c.restartServer(port);
            c.start("S1", Role.STORAGE, GIB, 5_000, token);

            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                await(() -> List.copyOf(server.copiesOn("S1").values()).equals(List.of(ReplicaState.STORED,
                        ReplicaState.STORED, ReplicaState.STORED)));
                assertEquals(List.of(2, 2, 2), server.liveGoodCopies());
            }
            assertTrue(healthy(c, 3));
            // Nothing was copied: each peer holds what it held.
            assertEquals(3 * SEALED, c.bytesOnDisk("S1"));
            assertEquals(3 * SEALED, c.bytesOnDisk("S2"));
            // And the copies counted again serve: with S2 away, the file comes from S1 alone.
            c.peer("S2").close();
            assertArrayEquals(data, Files.readAllBytes(owner.restore("three.bin", null).path()));
        }
    }

    @Test
    void aStoragePeerOnANewDatabaseIndexesItsWholeChunkFilesAgainAndDeletesARottenOne() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2))) {
            Peer owner = ownerAndTwoHolders(c);
            byte[] kept = LocalCluster.random(3 * CHUNK, 34);
            byte[] spoiled = LocalCluster.random(2 * CHUNK, 35);
            owner.backup(c.source("kept.bin", kept));
            owner.backup(c.source("spoiled.bin", spoiled));
            String token = c.token("S1");
            c.peer("S1").close();

            // A new machine's database, the same storage folder, one chunk file rotten.
            Path file = c.chunkFile("S1", spoiled, 1);
            String rotten = file.getFileName().toString();
            byte[] bytes = Files.readAllBytes(file);
            bytes[7] ^= 1;
            Files.write(file, bytes);
            Files.delete(c.dir.resolve("db-S1.mv.db"));
            Peer s1 = c.start("S1", Role.STORAGE, GIB, 5_000, token);

            assertFalse(Files.exists(file), "a file that does not hash to its name is deleted");
            try (ServerRecords server = new ServerRecords(c.dir.resolve("server"))) {
                await(() -> server.copiesOn("S1").get(rotten) == ReplicaState.LOST);
            }
            // The others are indexed again: with S2 away, kept.bin comes from S1 alone.
            c.peer("S2").close();
            Object restored = LocalCluster.poll(Duration.ofMillis(200), Duration.ofSeconds(30), () -> {
                try {
                    return Files.readAllBytes(owner.restore("kept.bin", null).path());
                } catch (PeerException notYet) {
                    return null;
                }
            });
            assertArrayEquals(kept, (byte[]) restored);
            // Three chunks of kept.bin and the whole one of spoiled.bin.
            await(() -> s1.status().chunks() == 4);
            assertEquals(c.bytesOnDisk("S1"), s1.status().bytesStored());
        }
    }

    /** Two storage peers, each of which holds every chunk (two copies wanted), and an owner. */
    private static Peer ownerAndTwoHolders(LocalCluster c) throws Exception {
        c.start("S1", Role.STORAGE, GIB);
        c.start("S2", Role.STORAGE, GIB);
        return c.start("Ola", Role.OWNER, 0);
    }

    /** Whether fsck counts every chunk of every complete version healthy, and there are this many. */
    private static boolean healthy(LocalCluster c, int chunks) throws Exception {
        RepairStore.Health h = HealthCheck.check(c.dir.resolve("server"), null).health();
        return h.healthy() == chunks && h.underReplicated() + h.repairing() + h.missing() == 0;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition) throws Exception {
        LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30),
                () -> condition.holds() ? Boolean.TRUE : null);
    }
}
