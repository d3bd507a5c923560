package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tokens;
import p2pbrs.protocol.WireList;

/** Backups belong to an identity (the holder of a token), never to the spelling of a name. */
class IdentityTest {
    @TempDir
    Path dir;

    @Test
    void aNameFreedByDeRegisterStaysBoundToItsOwnersBackups() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            c.start("S1", Role.STORAGE, GIB);
            c.start("S2", Role.STORAGE, GIB);
            Peer alice = c.start("Alice", Role.OWNER, 0);
            byte[] secret = LocalCluster.random(3 * CHUNK + 5, 1);
            alice.backup(c.source("secret.bin", secret));
            String token = c.token("Alice");
            alice.deRegister();
            alice.close();

            // Mallory asks for the name under any case: it is still Alice's.
            LocalCluster.RawUdp udp = c.udp();
            for (String name : new String[] {"Alice", "alice"}) {
                Message denied = udp.message("REGISTER 5 " + name + " OWNER 127.0.0.1 40000 40001 0B token="
                        + Tokens.generate());
                assertEquals("REGISTER-DENIED 5 Name-taken", Codec.format(denied));
            }

            // Alice comes back on a new machine with her token: every backup is there.
            Peer back = c.start("Alice", Role.OWNER, 0, 5_000, token);
            assertEquals(1, back.files().size());
            assertArrayEquals(secret, Files.readAllBytes(back.restore("secret.bin", 1).path()));
        }
    }

    @Test
    void anOwnerWhoseNameChangesCaseStillRestores() throws Exception {
        try (LocalCluster c = new LocalCluster(dir)) {
            c.start("S1", Role.STORAGE, GIB);
            c.start("S2", Role.STORAGE, GIB);
            Peer alice = c.start("Alice", Role.OWNER, 0);
            byte[] data = LocalCluster.random(2 * CHUNK + 9, 2);
            alice.backup(c.source("photo.jpg", data));
            // A new machine (a new database): the recovery key brings the identity and its data key.
            String recoveryKey = c.recoveryKey("Alice");
            alice.close();

            Peer lower = c.start("alice", Role.OWNER, 0, 5_000, recoveryKey);
            assertEquals(1, lower.files().size());
            assertArrayEquals(data, Files.readAllBytes(lower.restore("photo.jpg", null).path()));
        }
    }

    @Test
    void anotherOwnersTicketReadsNoneOfAnOwnersChunks() throws Exception {
        try (LocalCluster c = new LocalCluster(dir, s -> s.withReplicas(1))) {
            Peer store = c.start("S1", Role.STORAGE, GIB);
            Peer alice = c.start("Alice", Role.OWNER, 0);
            byte[] secret = LocalCluster.random(3 * CHUNK, 3);
            alice.backup(c.source("secret.bin", secret));
            String aliceId = c.udp().message("REGISTER 1 Alice OWNER 127.0.0.1 40000 40001 0B token="
                    + c.token("Alice")).option("id");

            // Mallory, an identity of her own, backs up a file of the same name and gets a
            // fetch ticket for it.
            LocalCluster.RawUdp udp = c.udp();
            String mallory = udp.register("2", "Mallory", Role.OWNER, 0);
            byte[] one = {42};
            String sum = LocalCluster.sha256(one);
            Message plan = udp.message("BACKUP_REQ 3 secret.bin 1 " + sum + " token=" + mallory);
            try (LocalCluster.RawTcp tcp = c.tcp(store)) {
                assertEquals(Command.CHUNK_OK, tcp.exchange(LocalCluster.sendChunk(plan, LocalCluster.idOf(mallory), "4",
                        0, one, 0), one).command());
            }
            assertEquals("ACK 5", udp.call("CHUNK_SUMS 5 secret.bin version=1 from=0 sums=[" + sum + "] token="
                    + mallory));
            awaitComplete(udp, mallory);
            Message restore = udp.message("RESTORE_REQ 7 secret.bin token=" + mallory);
            assertEquals(Command.RESTORE_PLAN, restore.command(), Codec.format(restore));
            PlanPeer holder = PlanPeer.parse(WireList.parse(restore.field(1), "7").get(0), "7");

            try (LocalCluster.RawTcp tcp = c.tcp(store)) {
                // Her ticket for her own id: Alice's chunks 1 and 2 are not hers.
                Message own = tcp.exchange(get(1, LocalCluster.idOf(mallory), restore, holder.ticket()), null);
                assertEquals(Command.CHUNK_ERROR, own.command(), Codec.format(own));
                assertTrue(Codec.format(own).endsWith("Not-found"), Codec.format(own));
            }
            try (LocalCluster.RawTcp tcp = c.tcp(store)) {
                // Her ticket with Alice's id: the ticket does not cover it.
                Message forged = tcp.exchange(get(1, aliceId, restore, holder.ticket()), null);
                assertTrue(Codec.format(forged).endsWith("Bad-ticket"), Codec.format(forged));
            }
            // Alice's own backup is untouched.
            assertArrayEquals(secret, Files.readAllBytes(alice.restore("secret.bin", null).path()));
            assertFalse(alice.files().isEmpty());
        }
    }

    private static String get(int idx, String owner, Message restorePlan, String ticket) {
        return Codec.format(Message.of(Command.GET_CHUNK, "8", restorePlan.option("chunk_name"), Integer.toString(idx))
                .withOption("owner", owner).withOption("version", restorePlan.option("version"))
                .withOption("expires", restorePlan.option("expires")).withOption("ticket", ticket));
    }

    private static void awaitComplete(LocalCluster.RawUdp udp, String token) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String reply;
        int rq = 100;
        do {
            reply = udp.call("BACKUP_DONE " + rq++ + " secret.bin version=1 checksum=" + LocalCluster.sha256(new byte[] {42})
                    + " token=" + token);
        } while (!reply.startsWith("BACKUP_COMPLETE") && System.nanoTime() < deadline);
        assertTrue(reply.startsWith("BACKUP_COMPLETE"), reply);
    }
}
