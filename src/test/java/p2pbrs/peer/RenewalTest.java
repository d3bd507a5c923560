package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.WireList;

/** A transfer that runs past its plan's time limit renews the plan and keeps going. */
class RenewalTest {
    @TempDir
    Path dir;

    @Test
    void anOwnerWhoseTransferOutlastsItsPlanRenewsItAndCompletes() throws Exception {
        Set<Long> expiries = ConcurrentHashMap.newKeySet();
        CountDownLatch firstExpiryPast = new CountDownLatch(1);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<FakeStoragePeer> self = new AtomicReference<>();
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(2)));
             FakeStoragePeer slow = FakeStoragePeer.registered(c, "Slow", GIB, conn -> {
                 Message send;
                 while ((send = conn.readHeader()) != null) {
                     conn.readBody(send);
                     long expires = Long.parseLong(send.option("expires"));
                     if (expiries.add(expires) && expiries.size() == 1) {
                         // The first plan's time limit, and a second more, must pass before any
                         // chunk is acknowledged: this storage peer is slow.
                         timer.schedule(firstExpiryPast::countDown,
                                 (expires + 1) * 1000 - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
                     }
                     assertTrue(firstExpiryPast.await(30, TimeUnit.SECONDS));
                     conn.chunkOk(send);
                     self.get().storeAck(send);
                 }
             })) {
            self.set(slow);
            Peer owner = c.start("Patient", Role.OWNER, 0);
            byte[] data = LocalCluster.random(6 * CHUNK, 8);
            BackupResult r = owner.backup(c.source("patient.bin", data));
            assertEquals(1, r.version());
            assertTrue(expiries.size() > 1, "later chunks went out with renewed tickets: " + expiries);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aRestoreThatOutlastsItsTicketsAsksForThemAgain() throws Exception {
        Map<String, byte[]> kept = new ConcurrentHashMap<>();
        Set<Long> fetchExpiries = ConcurrentHashMap.newKeySet();
        CountDownLatch firstExpiryPast = new CountDownLatch(1);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<FakeStoragePeer> self = new AtomicReference<>();
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(2)));
             FakeStoragePeer slow = FakeStoragePeer.registered(c, "Slow", GIB, conn -> {
                 Message m;
                 while ((m = conn.readHeader()) != null) {
                     if (m.command() == Command.SEND_CHUNK) {
                         kept.put(m.field(1), conn.readBody(m));
                         conn.chunkOk(m);
                         self.get().storeAck(m);
                         continue;
                     }
                     long expires = Long.parseLong(m.option("expires"));
                     if (fetchExpiries.add(expires) && fetchExpiries.size() == 1) {
                         // The first page's tickets must be half-way gone before any chunk comes back.
                         timer.schedule(firstExpiryPast::countDown,
                                 (expires + 1) * 1000 - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
                     }
                     assertTrue(firstExpiryPast.await(30, TimeUnit.SECONDS));
                     byte[] body = kept.get(m.field(1));
                     conn.send(Codec.format(Message.of(Command.CHUNK_DATA, m.rq(), m.field(0), m.field(1),
                             Integer.toString(body.length), LocalCluster.sha256(body))));
                     conn.send(body);
                 }
             })) {
            self.set(slow);
            Peer owner = c.start("Patient", Role.OWNER, 0);
            byte[] data = LocalCluster.random(12 * CHUNK, 9);
            owner.backup(c.source("patient.bin", data));
            assertArrayEquals(data, Files.readAllBytes(owner.restore("patient.bin", null).path()));
            assertTrue(fetchExpiries.size() > 1, "later chunks were fetched with renewed tickets: " + fetchExpiries);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aBackupThatRenewsItsPlanOutlivesThePlansTimeLimit() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(2)))) {
            Peer box = c.start("Box", Role.STORAGE, GIB);
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Slow", Role.OWNER, 0);
            byte[] data = LocalCluster.random(3 * CHUNK + 3, 7);
            Message plan = udp.message("BACKUP_REQ 2 slow.bin " + data.length + " - token=" + token);
            assertEquals(Command.BACKUP_PLAN, plan.command(), Codec.format(plan));
            long firstExpiry = Long.parseLong(plan.option("expires"));

            // The owner is slow: it renews its plan until the first time limit is well past.
            AtomicInteger rq = new AtomicInteger(10);
            Object renewed = LocalCluster.poll(Duration.ofMillis(300), Duration.ofSeconds(20), () -> {
                Message r = udp.message("BACKUP_REQ " + rq.getAndIncrement() + " slow.bin " + data.length
                        + " - token=" + token + " version=1");
                assertEquals(Command.BACKUP_PLAN, r.command(), Codec.format(r));
                return System.currentTimeMillis() / 1000 > firstExpiry + 2 ? r : null;
            });
            Message later = (Message) renewed;
            assertTrue(Long.parseLong(later.option("expires")) > firstExpiry, Codec.format(later));
            assertEquals(plan.field(1).replaceAll(":[0-9a-f]{32}", ""), later.field(1).replaceAll(":[0-9a-f]{32}", ""),
                    "the same peers");

            // Its chunks go out with the renewed tickets, and the backup completes.
            List<String> sums = new ArrayList<>();
            try (LocalCluster.RawTcp tcp = c.tcp(box)) {
                for (int i = 0; i < 4; i++) {
                    byte[] chunk = LocalCluster.chunkOf(data, i);
                    sums.add(LocalCluster.sha256(chunk));
                    Message ok = tcp.exchange(LocalCluster.sendChunk(later, LocalCluster.idOf(token),
                            Integer.toString(40 + i), i, chunk, 0), chunk);
                    assertEquals(Command.CHUNK_OK, ok.command(), Codec.format(ok));
                }
            }
            assertEquals("ACK 50", udp.call("CHUNK_SUMS 50 slow.bin version=1 from=0 sums=" + WireList.format(sums)
                    + " token=" + token));
            Object done = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(20), () -> {
                String reply = udp.call("BACKUP_DONE " + rq.getAndIncrement() + " slow.bin version=1 checksum="
                        + LocalCluster.sha256(data) + " token=" + token);
                return reply.startsWith("BACKUP_COMPLETE") ? reply : reply.contains("Awaiting-acks") ? null : reply;
            });
            assertTrue(String.valueOf(done).startsWith("BACKUP_COMPLETE"), String.valueOf(done));
            Peer slow = c.start("Slow", Role.OWNER, 0, 5_000, token);
            assertArrayEquals(data, Files.readAllBytes(slow.restore("slow.bin", null).path()));
        }
    }
}
