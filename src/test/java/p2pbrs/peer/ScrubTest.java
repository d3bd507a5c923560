package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Role;

/**
 * A storage peer's scrub finds chunk files that rotted or vanished, drops them, and tells
 * the server, which counts those copies lost and has them made again from good ones.
 */
class ScrubTest {
    @TempDir
    Path dir;

    private Fsck fsck() throws Exception {
        return Fsck.of(dir.resolve("server"));
    }

    private Fsck awaitFsck(Fsck wanted) throws Exception {
        return Fsck.await(dir.resolve("server"), wanted);
    }

    /** The chunks of data whose file a storage peer holds. */
    private static List<Integer> heldBy(LocalCluster c, String peer, byte[] data, int chunks) {
        return IntStream.range(0, chunks)
                .filter(i -> Files.exists(c.chunkFile(peer, data, i)))
                .boxed().toList();
    }

    /**
     * Starts storage peers K1 and K2 and the owner Ola, and backs up a file of that many
     * random chunks: under two copies, every chunk is on both peers. Returns its bytes.
     */
    private static byte[] backedUpOnTwoPeers(LocalCluster c, String name, int chunks, long seed) throws Exception {
        // Heartbeats often enough for a cluster with short liveness times.
        Duration beat = Duration.ofMillis(100);
        c.start("K1", Role.STORAGE, GIB, beat);
        c.start("K2", Role.STORAGE, GIB, beat);
        byte[] data = LocalCluster.random(chunks * CHUNK, seed);
        assertEquals(0, c.start("Ola", Role.OWNER, 0, beat).backup(c.source(name, data))
                .underReplicated());
        return data;
    }

    @Test
    void aFlippedAndADeletedChunkAreFoundAndRepairedAndTheFileRestores() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            Duration beat = Duration.ofMillis(100);
            Peer s1 = c.start("S1", Role.STORAGE, GIB, beat);
            c.start("S2", Role.STORAGE, GIB, beat);
            c.start("S3", Role.STORAGE, GIB, beat);
            Peer owner = c.start("Ola", Role.OWNER, 0, beat);
            byte[] data = LocalCluster.random(6 * CHUNK, 23);
            assertEquals(0, owner.backup(c.source("scrubbed.bin", data)).underReplicated());

            // Six chunks, two copies each, over three peers: S1 holds four.
            List<Integer> held = heldBy(c, "S1", data, 6);
            assertEquals(4, held.size(), held.toString());
            int flipped = held.get(0);
            int deleted = held.get(1);
            LocalCluster.flipABit(c.chunkFile("S1", data, flipped));
            Files.delete(c.chunkFile("S1", data, deleted));

            ScrubReport found = s1.scrub();
            assertEquals(List.of(4, 1, 1), List.of(found.checked(), found.bad(), found.missing()));
            PeerStatus status = s1.status();
            assertEquals(2, status.chunks(), "both are out of the index");
            assertEquals(2L * LocalCluster.SEALED, status.bytesStored(), "and no longer counted");
            assertEquals(2, c.chunkFiles("S1").size(), "the rotten file is deleted");

            // The server counted both copies lost: each is made again on the one peer that
            // held no copy of it, so that S2 and S3 both hold both chunks.
            LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(30), () ->
                    heldBy(c, "S2", data, 6).containsAll(List.of(flipped, deleted))
                            && heldBy(c, "S3", data, 6).containsAll(List.of(flipped, deleted)) ? Boolean.TRUE : null);
            awaitFsck(new Fsck(6, 0, 0, 0));

            // Byte for byte, and without S1's copies.
            s1.close();
            assertArrayEquals(data, Files.readAllBytes(owner.restore("scrubbed.bin", null).path()));
        }
    }

    @Test
    void withAsManyPeersAsCopiesTheCopiesTheScrubRemovedAreMadeAgainOnTheSamePeer() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2).withLiveness(Duration.ofMillis(600),
                Duration.ofMillis(1200)))) {
            byte[] data = backedUpOnTwoPeers(c, "two.bin", 4, 24);
            Peer k1 = c.peer("K1");
            Peer owner = c.peer("Ola");
            assertEquals(new Fsck(4, 0, 0, 0), fsck());

            LocalCluster.flipABit(c.chunkFile("K1", data, 0));
            Files.delete(c.chunkFile("K1", data, 3));
            ScrubReport found = k1.scrub();
            assertEquals(List.of(1, 1), List.of(found.bad(), found.missing()));
            assertEquals(List.of(1, 2), heldBy(c, "K1", data, 4));

            // K2 holds the only good copies and K1 none of them any more: K1 takes them again.
            assertEquals(new Fsck(4, 0, 0, 0), awaitFsck(new Fsck(4, 0, 0, 0)));
            assertEquals(List.of(0, 1, 2, 3), heldBy(c, "K1", data, 4));
            assertEquals(4L * LocalCluster.SEALED, k1.status().bytesStored());
            c.peer("K2").close();
            assertArrayEquals(data, Files.readAllBytes(owner.restore("two.bin", null).path()));
        }
    }

    @Test
    void aReportTheServerCouldNotTakeIsKeptAndSentAfterTheNextStart() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            byte[] data = backedUpOnTwoPeers(c, "kept.bin", 2, 26);
            Peer k1 = c.peer("K1");
            int port = c.server.udpPort();
            c.server.close();

            Files.delete(c.chunkFile("K1", data, 0));
            assertEquals(1, k1.scrub().missing());
            k1.close();
            c.restartServer(port);
            assertEquals(new Fsck(2, 0, 0, 0), fsck(), "the server has not heard of it");

            // Nothing is left for the new scrub to find: only the report kept in K1's database tells.
            c.start("K1", Role.STORAGE, GIB);
            assertEquals(new Fsck(1, 1, 0, 0), awaitFsck(new Fsck(1, 1, 0, 0)));
        }
    }

    @Test
    void aPeerScrubsByItselfAfterStartAndEveryInterval() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB, PeerConfig.DEFAULT_HEARTBEAT_INTERVAL, 1L << 30,
                    Duration.ofMillis(100));
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] data = LocalCluster.random(2 * CHUNK, 25);
            owner.backup(c.source("watched.bin", data));
            Files.delete(c.chunkFile("Box", data, 1));

            ScrubReport found = LocalCluster.poll(Duration.ofMillis(50), Duration.ofSeconds(20), () -> {
                ScrubReport last = box.status().lastScrub();
                return last != null && last.missing() == 1 ? last : null;
            });
            assertEquals(2, found.checked());
            assertEquals(new Fsck(1, 0, 0, 1), awaitFsck(new Fsck(1, 0, 0, 1)));
            assertEquals(1, box.status().chunks());
        }
    }
}
