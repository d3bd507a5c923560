package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.WireList;
import p2pbrs.transport.WireTap;

/**
 * Storage peers whose disks rot: a restore takes each chunk from a copy that checks out,
 * and when none does it fails cleanly, leaving nothing under the final name.
 * Two storage peers, two copies: every chunk is on both.
 */
class CorruptCopiesTest {
    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static Peer owner;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster(dir);
        cluster.start("K1", Role.STORAGE, GIB);
        cluster.start("K2", Role.STORAGE, GIB);
        owner = cluster.start("Cora", Role.OWNER, 0);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] backUp(String name, int size, long seed) throws Exception {
        byte[] data = LocalCluster.random(size, seed);
        assertEquals(0, owner.backup(cluster.source(name, data)).underReplicated());
        return data;
    }

    /** Overwrites a peer's copy of chunk i with garbage of the same length. */
    private static void rot(String peer, byte[] data, int i) throws IOException {
        Path file = cluster.chunkFile(peer, data, i);
        long length = Files.size(file);
        Files.write(file, LocalCluster.random((int) length, 1000 + i));
        assertEquals(length, Files.size(file));
    }

    private static List<String> restoreDirListing() throws IOException {
        Path restored = cluster.restoreDir("Cora");
        if (!Files.isDirectory(restored)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(restored)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void oneCorruptCopyIsSkippedForTheOther() throws Exception {
        byte[] data = backUp("one-rotten.bin", 4 * CHUNK + 10, 1);
        rot("K1", data, 2);
        RestoreResult r = owner.restore("one-rotten.bin", null);
        assertArrayEquals(data, Files.readAllBytes(r.path()));
    }

    @Test
    void aMissingOrTruncatedCopyIsSkippedForTheOther() throws Exception {
        byte[] data = backUp("gaps.bin", 3 * CHUNK + 1, 2);
        Files.delete(cluster.chunkFile("K2", data, 0));
        Path cut = cluster.chunkFile("K1", data, 1);
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(cut), 1000));
        assertArrayEquals(data, Files.readAllBytes(owner.restore("gaps.bin", null).path()));
    }

    @Test
    void eachChunkMayComeFromADifferentPeer() throws Exception {
        byte[] data = backUp("patchwork.bin", 4 * CHUNK, 3);
        rot("K1", data, 0);
        rot("K2", data, 1);
        rot("K1", data, 2);
        rot("K2", data, 3);
        assertArrayEquals(data, Files.readAllBytes(owner.restore("patchwork.bin", null).path()));
    }

    /**
     * A copy that is another chunk of the same owner opens with its key, as any chunk it
     * sealed does: the whole file's checksum finds it out, and every chunk is fetched again,
     * checked against its recorded checksum, which names the holder and takes the other copy.
     * (Restore plans list holders by name: K1's copy is the one tried first.)
     */
    @Test
    void aCopyThatIsAnotherChunkOfTheOwnerIsFoundOutAndTheOtherCopyTaken() throws Exception {
        byte[] data = backUp("swapped.bin", 3 * CHUNK, 8);
        Files.copy(cluster.chunkFile("K1", data, 0), cluster.chunkFile("K1", data, 1),
                StandardCopyOption.REPLACE_EXISTING);
        List<String> wire = new CopyOnWriteArrayList<>();
        WireTap.listen(wire::add);
        RestoreResult r;
        try {
            r = owner.restore("swapped.bin", null);
        } finally {
            WireTap.listen(null);
        }
        assertArrayEquals(data, Files.readAllBytes(r.path()));
        assertTrue(wire.stream().anyMatch(l -> l.contains("CHUNK_BAD ") && l.contains(" 1 ")
                && l.contains("holder=K1")), "K1's copy of chunk 1 reported: " + wire);
    }

    @Test
    void whenEveryCopyIsAnotherChunkTheRestoreFailsNamingIt() throws Exception {
        String name = "all-swapped.bin";
        byte[] data = backUp(name, 3 * CHUNK, 9);
        for (String peer : List.of("K1", "K2")) {
            Files.copy(cluster.chunkFile(peer, data, 2), cluster.chunkFile(peer, data, 1),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        PeerException e = assertThrows(PeerException.class, () -> owner.restore(name, null));
        assertTrue(e.getMessage().contains("no good copy of chunk(s) [1]"), e.getMessage());
        assertTrue(Files.notExists(cluster.restoreDir("Cora").resolve(name)));
    }

    @Test
    void bothCopiesCorruptFailsClearlyAndLeavesNothingUnderTheFinalName() throws Exception {
        String name = "lost cause.bin";
        byte[] data = backUp(name, 3 * CHUNK + 5, 4);
        rot("K1", data, 1);
        rot("K2", data, 1);
        List<String> before = restoreDirListing();

        PeerException e = assertThrows(PeerException.class, () -> owner.restore(name, null));
        assertTrue(e.getMessage().contains("restore of " + name + " failed") && e.getMessage().contains("[1]"),
                "names the file and the chunk: " + e.getMessage());
        assertTrue(Files.notExists(cluster.restoreDir("Cora").resolve(name)));
        assertEquals(before, restoreDirListing(), "no .part file left behind");

        // An older file of that name survives a failed restore untouched.
        Path target = cluster.restoreDir("Cora").resolve(name);
        byte[] old = LocalCluster.random(777, 5);
        Files.write(target, old);
        assertThrows(PeerException.class, () -> owner.restore(name, null));
        assertArrayEquals(old, Files.readAllBytes(target));
        assertTrue(restoreDirListing().stream().noneMatch(n -> n.endsWith(".part")), restoreDirListing().toString());

        // The peer is fine otherwise.
        byte[] fine = backUp("fine.bin", CHUNK + 1, 6);
        assertArrayEquals(fine, Files.readAllBytes(owner.restore("fine.bin", null).path()));
    }

    @Test
    void backingUpTheSameBytesAgainRepairsRottenCopies() throws Exception {
        byte[] data = backUp("again.bin", 2 * CHUNK, 7);
        rot("K1", data, 0);
        rot("K2", data, 0);
        // A second version with identical bytes: both peers answer CHUNK_OK for chunk 0.
        BackupResult second = owner.backup(cluster.source("again.bin", data));
        assertEquals(2, second.version());
        assertEquals(0, second.underReplicated());
        assertArrayEquals(data, Files.readAllBytes(owner.restore("again.bin", 2).path()),
                "a backup reported complete must be restorable");
    }

    /**
     * Backs a file up by hand, message by message as docs/protocol.md describes: BACKUP_REQ,
     * SEND_CHUNK to every slot the rule names, CHUNK_SUMS, then BACKUP_DONE until complete.
     * Returns the BACKUP_COMPLETE.
     */
    private static String backUpByHand(String owner, String token, String name, byte[] data, String fileChecksum)
            throws Exception {
        LocalCluster.RawUdp udp = cluster.udp();
        Message plan = udp.message("BACKUP_REQ 1 " + name + " " + data.length + " - token=" + token);
        assertEquals(Command.BACKUP_PLAN, plan.command(), plan.toString());
        List<PlanPeer> peers = new java.util.ArrayList<>();
        for (String entry : WireList.parse(plan.field(1), plan.rq())) {
            peers.add(PlanPeer.parse(entry, plan.rq()));
        }
        Placement rule = new Placement(data.length, Long.parseLong(plan.field(2)), peers.size(),
                Integer.parseInt(plan.option("replicas")));
        List<String> sums = new java.util.ArrayList<>();
        int copies = 0;
        for (int i = 0; i < rule.chunkCount(); i++) {
            byte[] chunk = LocalCluster.chunkOf(data, i);
            sums.add(LocalCluster.sha256(chunk));
            for (int j = 0; j < rule.replicas(); j++) {
                int slot = rule.slot(i, j);
                try (LocalCluster.RawTcp tcp = cluster.tcp(peers.get(slot).tcpPort())) {
                    Message ok = tcp.exchange(LocalCluster.sendChunk(plan, owner, "2", i, chunk, slot), chunk);
                    assertEquals("CHUNK_OK 2 " + plan.option("chunk_name") + " " + i, Codec.format(ok));
                    copies++;
                }
            }
        }
        String version = plan.option("version");
        assertEquals("ACK 3", udp.call("CHUNK_SUMS 3 " + name + " version=" + version + " from=0 sums="
                + WireList.format(sums) + " token=" + token));
        int total = copies;
        java.util.concurrent.atomic.AtomicInteger rq = new java.util.concurrent.atomic.AtomicInteger(100);
        // The storage peers' STORE_ACKs travel apart: ask again (new RQ#) while they are awaited.
        return LocalCluster.poll(Duration.ofMillis(20), Duration.ofSeconds(10), () -> {
            String reply = udp.call("BACKUP_DONE " + rq.incrementAndGet() + " " + name + " version=" + version
                    + " checksum=" + fileChecksum + " copies=" + total + " token=" + token);
            if (reply.startsWith("BACKUP_DONE-DENIED ") && reply.contains(" Awaiting-acks")) {
                return null;
            }
            return reply;
        });
    }

    @Test
    void aBackupDrivenByHandFollowingTheProtocolIsRestorable() throws Exception {
        String token = cluster.udp().register("5", "Hand", Role.OWNER, 0);
        byte[] data = LocalCluster.random(3 * CHUNK + 77, 8);
        String complete = backUpByHand(LocalCluster.idOf(token), token, "by-hand.bin", data, LocalCluster.sha256(data));
        assertTrue(complete.matches("BACKUP_COMPLETE \\d+ by-hand\\.bin version=1 chunks=4 under_replicated=0"),
                complete);
        Peer hand = cluster.start("Hand", Role.OWNER, 0, 5_000, token);
        assertArrayEquals(data, Files.readAllBytes(hand.restore("by-hand.bin", null).path()));
    }

    @Test
    void aWholeFileThatDoesNotMatchItsChecksumIsNotPutInPlace() throws Exception {
        String token = cluster.udp().register("6", "Liar", Role.OWNER, 0);
        byte[] data = LocalCluster.random(2 * CHUNK + 1, 9);
        // Every chunk is stored and summed truly; only the whole file's checksum is wrong.
        String complete = backUpByHand(LocalCluster.idOf(token), token, "liar.bin", data, LocalCluster.sha256(new byte[] {1}));
        assertTrue(complete.startsWith("BACKUP_COMPLETE "), complete);
        Peer liar = cluster.start("Liar", Role.OWNER, 0, 5_000, token);
        PeerException e = assertThrows(PeerException.class, () -> liar.restore("liar.bin", null));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        Path restored = cluster.restoreDir("Liar");
        if (Files.isDirectory(restored)) {
            try (Stream<Path> files = Files.list(restored)) {
                assertEquals(List.of(), files.toList(), "nothing under the final name, no .part left");
            }
        }
    }
}
