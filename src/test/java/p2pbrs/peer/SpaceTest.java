package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.SEALED;
import static p2pbrs.peer.LocalCluster.GIB;
import static p2pbrs.peer.LocalCluster.ask;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Signatures;
import p2pbrs.protocol.Tickets;

/** Space is accounted once, by server and storage peer alike, and can be freed. */
class SpaceTest {
    @TempDir
    Path dir;

    @Test
    void concurrentPlansNeverOverbookAPeer() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            c.start("Small", Role.STORAGE, 10L * CHUNK);
            List<String> tokens = new ArrayList<>();
            LocalCluster.RawUdp registrar = c.udp();
            for (int i = 0; i < 8; i++) {
                tokens.add(registrar.register(Integer.toString(100 + i), "O" + i, Role.OWNER, 0));
            }
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Message>> replies = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String token = tokens.get(i);
                    LocalCluster.RawUdp udp = c.udp();
                    replies.add(pool.submit(() -> {
                        go.await();
                        return udp.message("BACKUP_REQ 7 eight.bin " + 8 * CHUNK + " - token=" + token);
                    }));
                }
                go.countDown();
                int plans = 0;
                for (Future<Message> f : replies) {
                    Message reply = f.get(30, TimeUnit.SECONDS);
                    if (reply.command() == Command.BACKUP_PLAN) {
                        plans++;
                    } else {
                        assertEquals("BACKUP-DENIED 7 No-capacity", Codec.format(reply));
                    }
                }
                assertEquals(1, plans, "room for 10 chunks holds one plan of 8, whatever arrives at once");
            } finally {
                pool.shutdownNow();
            }
            PeerEntry small = listed(c, "Small", tokens.get(0));
            assertEquals(8 * CHUNK, small.used());
            assertEquals(2 * CHUNK, small.free());
        }
    }

    private static PeerEntry listed(LocalCluster c, String name, String token) throws Exception {
        Message list = c.udp().message("LIST 9 token=" + token);
        for (String item : p2pbrs.protocol.WireList.parse(list.field(0), "9")) {
            PeerEntry e = PeerEntry.parse(item, "9");
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new AssertionError(name + " is not listed: " + list);
    }

    @Test
    void forgettingVersionsFreesTheirSpaceOnTheStoragePeers() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            c.start("Box", Role.STORAGE, 10L * CHUNK);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            Path first = c.source("big.bin", LocalCluster.random(4 * CHUNK, 1));
            owner.backup(first);
            byte[] second = LocalCluster.random(4 * CHUNK, 2);
            owner.backup(c.source("big.bin", second));
            // 8 of 10 chunks are taken: a third version does not fit.
            Path third = c.source("big.bin", LocalCluster.random(4 * CHUNK, 3));
            PeerException full = assertThrows(PeerException.class, () -> owner.backup(third));
            assertTrue(full.getMessage().contains("No-capacity"), full.getMessage());
            PeerEntry box = owner.list().stream().filter(p -> p.name().equals("Box")).findFirst().orElseThrow();
            assertEquals(8 * SEALED, box.used());

            assertEquals(1, owner.forget("big.bin", 1));
            // Free again once the server has the peer's confirmation, and gone from its disk.
            awaitUsed(owner, "Box", 4 * SEALED);
            awaitDisk(c, "Box", 4 * SEALED);
            assertEquals(3, owner.backup(third).version(), "the freed space takes a new version");
            assertEquals(List.of(2, 3), owner.files().stream().map(FileEntry::version).toList());
            assertThrows(PeerException.class, () -> owner.restore("big.bin", 1), "a forgotten version is gone");
            assertArrayEquals(second, Files.readAllBytes(owner.restore("big.bin", 2).path()));

            PeerException twice = assertThrows(PeerException.class, () -> owner.forget("big.bin", 1));
            assertTrue(twice.getMessage().contains("Unknown-version"), twice.getMessage());
            assertEquals(2, owner.forget("big.bin", null));
            assertEquals(List.of(), owner.files());
            awaitDisk(c, "Box", 0);
            // The peer deletes before its confirmation reaches the server.
            awaitUsed(owner, "Box", 0);
        }
    }

    @Test
    void aChunkSharedByVersionsIsFreedOnlyWithTheLastOfThem() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] same = LocalCluster.random(3 * CHUNK, 4);
            owner.backup(c.source("same.bin", same));
            owner.backup(c.source("same.bin", same));
            assertEquals(3 * SEALED, c.bytesOnDisk("Box"), "identical chunks are stored once");
            owner.forget("same.bin", 1);
            // The release of version 1 is confirmed when the server counts it free.
            awaitUsed(owner, "Box", 3 * SEALED);
            assertEquals(3 * SEALED, c.bytesOnDisk("Box"), "version 2 still uses every chunk");
            assertArrayEquals(same, Files.readAllBytes(owner.restore("same.bin", 2).path()));
            owner.forget("same.bin", 2);
            awaitDisk(c, "Box", 0);
        }
    }

    @Test
    void aStoragePeerObeysOnlyItsServer() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            byte[] data = LocalCluster.random(2 * CHUNK, 5);
            owner.backup(c.source("keep.bin", data));
            String oli = c.udp().message("REGISTER 51 Ola OWNER 127.0.0.1 40000 40001 0B token=" + c.token("Ola"))
                    .option("id");
            byte[] rightKey = HexFormat.of().parseHex(Tickets.keyFor(c.token("Box")));
            byte[] wrongKey = HexFormat.of().parseHex(Tickets.keyFor(p2pbrs.protocol.Tokens.generate()));
            long expires = System.currentTimeMillis() / 1000 + 60;
            Message release = Message.of(Command.RELEASE, "77", "keep.bin").withOption("owner", oli)
                    .withOption("version", "1").withOption("expires", Long.toString(expires));
            try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), box.udpPort());
                // Right key, wrong sender; wrong key; no signature; and the real request under
                // another owner: nothing is released.
                assertEquals("RELEASE-DENIED 77 Bad-auth", ask(stranger, peer, Signatures.sign(rightKey, release)));
                assertEquals("RELEASE-DENIED 77 Bad-auth", ask(stranger, peer, Signatures.sign(wrongKey, release)));
                assertEquals("RELEASE-DENIED 77 Bad-auth", ask(stranger, peer, release));
            }
            assertEquals(2 * SEALED, c.bytesOnDisk("Box"));
            assertArrayEquals(data, Files.readAllBytes(owner.restore("keep.bin", null).path()));
        }
    }

    @Test
    void noRequestCostsMoreThanABoundedAmountOfWork() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withChunkSize(1))) {
            c.start("Huge", Role.STORAGE, 1L << 50);
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Greedy", Role.OWNER, 0);
            // A file of one chunk too many is refused outright.
            assertEquals("BACKUP-DENIED 2 Too-large",
                    udp.call("BACKUP_REQ 2 big.bin " + ((1 << 22) + 1)
                            + " - token=" + token));
            // The largest plan there is: each BACKUP_DONE on it answers at once.
            Message plan = udp.message("BACKUP_REQ 3 big.bin " + (1 << 22) + " - token=" + token);
            assertEquals(Command.BACKUP_PLAN, plan.command(), Codec.format(plan));
            long start = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                assertEquals("BACKUP_DONE-DENIED " + (10 + i) + " Missing-sums", udp.call("BACKUP_DONE " + (10 + i)
                        + " big.bin version=1 checksum=" + "0".repeat(64) + " token=" + token));
            }
            assertTrue(udp.call("LIST 20 token=" + token).startsWith("LIST_OK 20 "));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "eight BACKUP_DONEs and a LIST took " + took);

            // An owner that never completes a backup leaves at most so many behind.
            int denied = 0;
            for (int i = 0; i < 20; i++) {
                String reply = udp.call("BACKUP_REQ " + (30 + i) + " f" + i + ".bin 10 - token=" + token);
                if (reply.endsWith("Too-many-pending")) {
                    denied++;
                }
            }
            assertEquals(20 + 1 - 16, denied, "16 backups under way at most");

            // Fields are checked against what the database holds: a long Reason is refused cleanly.
            assertEquals("ERROR 60 Bad-reason", udp.call("RESTORE_FAIL 60 big.bin " + "x".repeat(1200)
                    + " version=1 token=" + token));
        }
    }

    @Test
    void anHonestStoragePeerNeverOffersMoreThanItsDiskHolds() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            c.start("Boaster", Role.STORAGE, 1L << 60);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            long disk = Files.getFileStore(c.storage("Boaster")).getUsableSpace();
            PeerEntry boaster = owner.list().stream().filter(p -> p.name().equals("Boaster")).findFirst()
                    .orElseThrow();
            // The disk's free space moves as databases grow: compared with room to spare.
            assertTrue(boaster.capacity() <= disk + (64L << 20), "offered " + boaster.capacity() + " of a disk with "
                    + disk);
            assertTrue(boaster.capacity() > 0);
        }
    }

    @Test
    void aReleaseWaitsForAStoragePeerThatIsAwayAndReachesItWhenItReturns() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            owner.backup(c.source("old.bin", LocalCluster.random(3 * CHUNK, 6)));
            String token = c.token("Box");
            box.close();
            assertEquals(1, owner.forget("old.bin", 1));
            // Away: nothing is released, and the space still counts.
            assertEquals(3 * SEALED, c.bytesOnDisk("Box"));
            assertEquals(3 * SEALED, owner.list().stream().filter(p -> p.name().equals("Box")).findFirst()
                    .orElseThrow().used());

            // Back (at another port): the queued release reaches it, and the space is free.
            c.start("Box", Role.STORAGE, GIB, 5_000, token);
            awaitUsed(owner, "Box", 0);
            awaitDisk(c, "Box", 0);
        }
    }

    @Test
    void aChunkThatArrivesLateForAnExpiredPlanIsReleasedToo() throws Exception {
        // Peers honour a ticket a while past its expiry (clocks differ): the release of an
        // expired plan waits that long, so that nothing it let in stays behind.
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(1))
                .withTicketGrace(Duration.ofSeconds(3)))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Late", Role.OWNER, 0);
            byte[] data = LocalCluster.random(3 * CHUNK, 12);
            Message plan = udp.message("BACKUP_REQ 2 late.bin " + data.length + " - token=" + token);
            try (LocalCluster.RawTcp tcp = c.tcp(box)) {
                byte[] first = LocalCluster.chunkOf(data, 0);
                assertEquals(Command.CHUNK_OK, tcp.exchange(LocalCluster.sendChunk(plan, LocalCluster.idOf(token), "3", 0,
                        first, 0), first).command());
                // The plan has expired at the server (it no longer takes the backup's end) ...
                java.util.concurrent.atomic.AtomicInteger rq = new java.util.concurrent.atomic.AtomicInteger(10);
                Object expired = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20), () ->
                        udp.call("BACKUP_DONE " + rq.getAndIncrement() + " late.bin version=1 checksum="
                                + LocalCluster.sha256(data) + " token=" + token).endsWith("Not-pending")
                                ? Boolean.TRUE : null);
                assertEquals(Boolean.TRUE, expired);
                // ... and a chunk still comes in on its ticket, within the peer's grace.
                byte[] late = LocalCluster.chunkOf(data, 1);
                assertEquals(Command.CHUNK_OK, tcp.exchange(LocalCluster.sendChunk(plan, LocalCluster.idOf(token), "4", 1,
                        late, 0), late).command());
            }
            awaitDisk(c, "Box", 0);
        }
    }

    @Test
    void aReleaseWaitsItsGraceBeforeAnythingIsDeleted() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withReleaseGrace(Duration.ofSeconds(3)))) {
            c.start("Box", Role.STORAGE, GIB);
            Peer owner = c.start("Ola", Role.OWNER, 0);
            owner.backup(c.source("regret.bin", LocalCluster.random(2 * CHUNK, 16)));
            long forgotAt = System.nanoTime();
            assertEquals(1, owner.forget("regret.bin", 1));
            awaitDisk(c, "Box", 0);
            Duration waited = Duration.ofNanos(System.nanoTime() - forgotAt);
            assertTrue(waited.compareTo(Duration.ofSeconds(3)) >= 0, "deleted after " + waited);
        }
    }

    private static void awaitDisk(LocalCluster c, String peer, long bytes) throws Exception {
        Object reached = LocalCluster.poll(Duration.ofMillis(50), Duration.ofSeconds(20),
                () -> c.bytesOnDisk(peer) == bytes ? Boolean.TRUE : null);
        assertEquals(Boolean.TRUE, reached, peer + " holds " + c.bytesOnDisk(peer) + " bytes, not " + bytes);
    }

    private static void awaitUsed(Peer asker, String peer, long bytes) throws Exception {
        Object reached = LocalCluster.poll(Duration.ofMillis(50), Duration.ofSeconds(20), () ->
                asker.list().stream().anyMatch(p -> p.name().equals(peer) && p.used() == bytes) ? Boolean.TRUE : null);
        assertEquals(Boolean.TRUE, reached, "the server does not count " + bytes + " bytes used on " + peer);
    }
}
