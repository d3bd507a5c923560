package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.WireList;
import p2pbrs.server.ServerConfig;

/**
 * A chunk its planned storage peer fails to take during a backup goes to another live peer
 * the server names (SUBSTITUTE_REQ), so that one peer dying on the way neither fails the
 * backup nor leaves it short of copies. The stopped peers here are still ALIVE in the
 * server's view (nothing has had time to go stale), so the plan names them.
 */
class SubstituteTest {
    private static final String SUM = "a".repeat(64);
    private static final String OTHER_SUM = "b".repeat(64);
    // RQ#s of the LIST requests, apart from the numbers the requests under test use.
    private static final AtomicInteger LISTS = new AtomicInteger(1000);

    @TempDir
    Path dir;

    @Test
    void aPlannedPeerStoppedBeforeTheBackupIsReplacedAndTheBackupIsHealthy() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, SubstituteTest::slowLiveness)) {
            Peer owner = threeStoragePeersAndAnOwner(c, "S1");
            byte[] data = LocalCluster.random(6 * CHUNK + 100, 31);

            BackupResult result = owner.backup(c.source("sturdy.bin", data));

            assertEquals(7, result.chunks());
            assertEquals(0, result.underReplicated(), "the two live peers had room for both copies");
            Map<Integer, Set<String>> holders = holders(c, c.token("Ola"), "sturdy.bin");
            assertEquals(7, holders.size());
            for (Map.Entry<Integer, Set<String>> chunk : holders.entrySet()) {
                assertEquals(Set.of("S2", "S3"), chunk.getValue(), "copies of chunk " + chunk.getKey());
            }
            assertArrayEquals(data, Files.readAllBytes(owner.restore("sturdy.bin", null).path()));
            assertPlannedThough(owner, "S1");
        }
    }

    @Test
    void withTwoOfThreePlannedPeersStoppedTheBackupSucceedsWithOneCopyOfEachChunk() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, SubstituteTest::slowLiveness)) {
            Peer owner = threeStoragePeersAndAnOwner(c, "S1", "S2");
            byte[] data = LocalCluster.random(6 * CHUNK, 32);

            BackupResult result = owner.backup(c.source("lonely.bin", data));

            // Copies go to distinct peers: the one live peer holds one copy of each chunk.
            assertEquals(6, result.underReplicated());
            Map<Integer, Set<String>> holders = holders(c, c.token("Ola"), "lonely.bin");
            assertEquals(6, holders.size());
            holders.values().forEach(h -> assertEquals(Set.of("S3"), h));
            assertEquals(6L * LocalCluster.SEALED, c.bytesOnDisk("S3"));
            assertArrayEquals(data, Files.readAllBytes(owner.restore("lonely.bin", null).path()));
            assertPlannedThough(owner, "S1", "S2");
        }
    }

    @Test
    void substitutesGoOnlyToTheOwnerForAChunkOfItsPlanAndNoMoreThanItsCopies() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(2))) {
            LocalCluster.RawUdp udp = c.udp();
            Map<String, String> storageTokens = new LinkedHashMap<>();
            for (int i = 1; i <= 5; i++) {
                storageTokens.put("S" + i, udp.register(Integer.toString(i), "S" + i, Role.STORAGE, GIB));
            }
            String ola = udp.register("10", "Ola", Role.OWNER, 0);
            String eve = udp.register("11", "Eve", Role.OWNER, 0);
            Message plan = udp.message("BACKUP_REQ 12 f.bin " + 2 * CHUNK + " - token=" + ola);
            assertEquals(Command.BACKUP_PLAN, plan.command(), plan.toString());
            List<String> slots = new ArrayList<>();
            for (String entry : WireList.parse(plan.field(1), plan.rq())) {
                slots.add(PlanPeer.parse(entry, plan.rq()).name());
            }
            assertEquals(5, slots.size());
            // The placement rule gives chunk 0 to slots 0 and 1, not to 2, 3 or 4.
            String ask = "f.bin 0 %s version=1 checksum=" + SUM + " token=";
            Map<String, Long> used = used(udp, ola);

            assertEquals("SUBSTITUTE-DENIED 20 Unknown-version",
                    udp.call("SUBSTITUTE_REQ 20 " + ask.formatted(slots.get(0)) + eve), "not Eve's file");
            assertEquals("SUBSTITUTE-DENIED 21 Unknown-chunk",
                    udp.call("SUBSTITUTE_REQ 21 f.bin 2 " + slots.get(0) + " version=1 checksum=" + SUM
                            + " token=" + ola));
            assertEquals("SUBSTITUTE-DENIED 22 Not-planned",
                    udp.call("SUBSTITUTE_REQ 22 " + ask.formatted(slots.get(2)) + ola), "chunk 0 is not slot 2's");
            assertEquals("SUBSTITUTE-DENIED 23 Not-planned",
                    udp.call("SUBSTITUTE_REQ 23 " + ask.formatted("Nobody") + ola));
            assertEquals("SUBSTITUTE-DENIED 24 Unknown-version",
                    udp.call("SUBSTITUTE_REQ 24 f.bin 0 " + slots.get(0) + " version=2 checksum=" + SUM
                            + " token=" + ola));
            assertEquals(used, used(udp, ola), "a refusal reserves nothing");

            Message first = udp.message("SUBSTITUTE_REQ 25 " + ask.formatted(slots.get(0)) + ola);
            PlanPeer one = granted(first, "25");
            Message second = udp.message("SUBSTITUTE_REQ 26 " + ask.formatted(slots.get(1)) + ola);
            PlanPeer two = granted(second, "26");
            assertNotEquals(one.name(), two.name(), "two copies of a chunk never share a peer");
            for (PlanPeer p : List.of(one, two)) {
                assertFalse(slots.subList(0, 2).contains(p.name()), p.name() + " already has chunk 0 planned");
                // A repair ticket for this one chunk, these bytes, made with that peer's key.
                assertEquals(Tickets.repair(Tickets.keyFor(storageTokens.get(p.name())), LocalCluster.idOf(ola),
                        plan.option("chunk_name"), 1, 0, CHUNK, SUM, 2L * CHUNK, CHUNK,
                        Long.parseLong(first.option("expires"))),
                        p.ticket());
                assertEquals(used.get(p.name()) + CHUNK, used(udp, ola).get(p.name()), "counted against " + p.name());
            }
            Map<String, Long> afterGrants = used(udp, ola);
            // A substitute for a substitute is allowed, but only as many as the chunk wants copies.
            assertEquals("SUBSTITUTE-DENIED 27 Too-many-substitutes",
                    udp.call("SUBSTITUTE_REQ 27 " + ask.formatted(one.name()) + ola));
            assertEquals(afterGrants, used(udp, ola), "a refusal reserves nothing");

            // The substitute's STORE_ACK counts; a peer that was given nothing is refused.
            String ack = " " + plan.option("chunk_name") + " 0 owner=" + LocalCluster.idOf(ola) + " version=1 size="
                    + CHUNK + " checksum=" + SUM + " token=";
            assertEquals("ACK 30", udp.call("STORE_ACK 30" + ack + storageTokens.get(one.name())));
            String bystander = slots.stream().skip(2).filter(n -> !n.equals(one.name()) && !n.equals(two.name()))
                    .findFirst().orElseThrow();
            assertEquals("ACK-DENIED 31 Not-planned", udp.call("STORE_ACK 31" + ack + storageTokens.get(bystander)));

            // Once the owner reported the chunk's checksum, a substitute is for those bytes only.
            assertEquals("ACK 32", udp.call("CHUNK_SUMS 32 f.bin version=1 from=0 sums=[" + SUM + "," + SUM
                    + "] token=" + ola));
            assertEquals("SUBSTITUTE-DENIED 33 Checksum-mismatch", udp.call("SUBSTITUTE_REQ 33 f.bin 1 "
                    + slots.get(1) + " version=1 checksum=" + OTHER_SUM + " token=" + ola));
            assertEquals(afterGrants, used(udp, ola));
        }
    }

    // No peer goes stale during a test: a stopped one stays ALIVE to the server, so plans name it.
    private static ServerConfig slowLiveness(ServerConfig s) {
        return s.withReplicas(2).withLiveness(Duration.ofMinutes(5), Duration.ofMinutes(10));
    }

    /** Three storage peers with room and an owner; the storage peers named are then stopped. */
    private static Peer threeStoragePeersAndAnOwner(LocalCluster c, String... stopped) throws Exception {
        for (String name : List.of("S1", "S2", "S3")) {
            c.start(name, Role.STORAGE, GIB);
        }
        Peer owner = c.start("Ola", Role.OWNER, 0);
        for (String name : stopped) {
            c.peer(name).close();
        }
        return owner;
    }

    /** The stopped peers were ALIVE to the server all along, so the plan named them. */
    private static void assertPlannedThough(Peer owner, String... stopped) throws Exception {
        Map<String, String> states = new LinkedHashMap<>();
        owner.list().forEach(e -> states.put(e.name(), e.state()));
        for (String name : stopped) {
            assertEquals("ALIVE", states.get(name), name);
        }
    }

    private static PlanPeer granted(Message reply, String rq) throws Exception {
        assertEquals(Command.SUBSTITUTE_OK, reply.command(), Codec.format(reply));
        assertEquals(rq, reply.rq());
        assertEquals("f.bin", reply.field(0));
        assertEquals("0", reply.field(1));
        return PlanPeer.parse(reply.field(2), reply.rq());
    }

    /** What the server counts against each storage peer, as LIST shows it. */
    private static Map<String, Long> used(LocalCluster.RawUdp udp, String token) throws Exception {
        Message list = udp.message("LIST " + LISTS.incrementAndGet() + " token=" + token);
        Map<String, Long> used = new LinkedHashMap<>();
        for (String item : WireList.parse(list.field(0), list.rq())) {
            PeerEntry e = PeerEntry.parse(item, list.rq());
            if (e.role() == Role.STORAGE) {
                used.put(e.name(), e.used());
            }
        }
        return used;
    }

    /** Which peers the server's copy records name for each chunk, read from a restore plan. */
    private static Map<Integer, Set<String>> holders(LocalCluster c, String token, String file) throws Exception {
        Message plan = c.udp().message("RESTORE_REQ 40 " + file + " token=" + token);
        assertEquals(Command.RESTORE_PLAN, plan.command(), Codec.format(plan));
        assertTrue(plan.option("next") == null, "one page");
        List<String> peers = new ArrayList<>();
        for (String entry : WireList.parse(plan.field(1), plan.rq())) {
            peers.add(PlanPeer.parse(entry, plan.rq()).name());
        }
        Map<Integer, Set<String>> holders = new LinkedHashMap<>();
        List<String> sums = WireList.parse(plan.option("sums"), plan.rq());
        for (int i = 0; i < sums.size(); i++) {
            String where = sums.get(i).substring(sums.get(i).indexOf(':') + 1);
            List<String> names = new ArrayList<>();
            for (String index : where.split("\\.")) {
                names.add(peers.get(Integer.parseInt(index)));
            }
            assertEquals(names.size(), Set.copyOf(names).size(), "a peer named twice for chunk " + i);
            holders.put(i, Set.copyOf(names));
        }
        return holders;
    }
}
