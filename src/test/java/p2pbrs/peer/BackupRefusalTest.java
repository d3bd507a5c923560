package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.testing.UdpProbe;

/** What the server refuses, and what a restore does when copies are missing or lie. */
class BackupRefusalTest {
    @TempDir
    Path dir;

    private Path file(String name, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Path f = dir.resolve("src").resolve(name);
        Files.createDirectories(f.getParent());
        return Files.write(f, data);
    }

    @Test
    void unknownOwnersAndWrongTokensAreDenied() throws Exception {
        try (TestCluster c = new TestCluster(dir); UdpProbe probe = new UdpProbe(c.server.udpPort())) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            Message missing = probe.call("BACKUP_REQ 7 f.txt 10 -");
            assertEquals(Command.BACKUP_DENIED, missing.command());
            assertEquals("Missing-token", missing.field(0));
            Message wrong = probe.call("BACKUP_REQ 8 f.txt 10 - token=" + "ab".repeat(32));
            assertEquals("Bad-token", wrong.field(0));
            assertEquals("Bad-token", probe.call("RESTORE_REQ 9 f.txt token=" + "ab".repeat(32)).field(0));
            assertEquals("Bad-token", probe.call("FILES 10 token=" + "ab".repeat(32)).field(0));
            Message hostile = probe.call("BACKUP_REQ 11 ..%2Fx 10 - token=" + "ab".repeat(32));
            assertEquals(Command.ERROR, hostile.command());
            assertEquals("Bad-file-name", hostile.field(0));
            assertEquals("Bad-file-name", probe.call("BACKUP_REQ 12 %2Fetc%2Fpasswd 10 -").field(0));
            Message tooBig = probe.call("BACKUP_REQ 14 f.txt 999999999999999999 - token=" + "ab".repeat(32));
            assertEquals("BACKUP-DENIED 14 Too-large", tooBig.toString(),
                    "too many chunks is a clear refusal, not a server failure");
            // 2^32 + 1 must not wrap around to version 1.
            Message huge = probe.call("RESTORE_REQ 13 f.txt version=4294967297 token=" + "ab".repeat(32));
            assertEquals(Command.ERROR, huge.command());
            assertEquals("Bad-number", huge.field(0));
        }
    }

    @Test
    void aStoragePeerIsNotAnOwner() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            Peer storage = c.peer("S1", Role.STORAGE, 1L << 30);
            c.peer("S2", Role.STORAGE, 1L << 30);
            PeerException e = assertThrows(PeerException.class, () -> storage.backup(file("a.bin", 10)));
            assertTrue(e.getMessage().contains("Not-an-owner"), e.getMessage());
        }
    }

    @Test
    void noStoragePeerNoBackup() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            Peer owner = c.peer("O", Role.BOTH, 1L << 30);
            PeerException e = assertThrows(PeerException.class, () -> owner.backup(file("a.bin", 10)));
            assertTrue(e.getMessage().contains("No-storage-peer"), "the owner never stores its own copy: "
                    + e.getMessage());
        }
    }

    @Test
    void notEnoughCapacity() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            c.peer("S1", Role.STORAGE, 100_000);
            c.peer("S2", Role.STORAGE, 100_000);
            Peer owner = c.peer("O", Role.OWNER, 0);
            PeerException e = assertThrows(PeerException.class, () -> owner.backup(file("big.bin", 300_000)));
            assertTrue(e.getMessage().contains("No-capacity"), e.getMessage());
            assertEquals(List.of(), c.chunkFiles("S1"));
        }
    }

    @Test
    void fewerStoragePeersThanReplicasMeansUnderReplicatedNotRefused() throws Exception {
        try (TestCluster c = new TestCluster(dir, s -> s.withReplicas(3))) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            Peer owner = c.peer("O", Role.OWNER, 0);
            BackupResult r = owner.backup(file("few.bin", (int) (3 * TestCluster.CHUNK)));
            assertEquals(3, r.chunks());
            assertEquals(3, r.underReplicated());
            assertEquals(3, c.chunkFiles("S1").size());
            assertArrayEquals(Files.readAllBytes(dir.resolve("src/few.bin")),
                    Files.readAllBytes(owner.restore("few.bin", null).path()));
        }
    }

    @Test
    void nobodyRestoresAnotherOwnersFile() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            Peer alice = c.peer("Alice", Role.OWNER, 0);
            Peer mallory = c.peer("Mallory", Role.OWNER, 0);
            alice.backup(file("diary.txt", 5000));
            PeerException e = assertThrows(PeerException.class, () -> mallory.restore("diary.txt", null));
            assertTrue(e.getMessage().contains("Unknown-file"), e.getMessage());
            assertTrue(Files.notExists(c.restoreDir("Mallory").resolve("diary.txt")));
            assertEquals(List.of(), mallory.files());
        }
    }

    @Test
    void aCorruptCopyIsReplacedByAnotherAndTwoCorruptCopiesFailCleanly() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            c.peer("S2", Role.STORAGE, 1L << 30);
            Peer owner = c.peer("O", Role.OWNER, 0);
            Path original = file("photo.jpg", (int) (4 * TestCluster.CHUNK));
            owner.backup(original);
            // Every chunk is on both peers; rot all of S1's copies, keeping their sizes.
            for (Path chunk : c.chunkFiles("S1")) {
                Files.write(chunk, new byte[(int) Files.size(chunk)]);
            }
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(owner.restore("photo.jpg", null).path()));

            Files.delete(c.restoreDir("O").resolve("photo.jpg"));
            for (Path chunk : c.chunkFiles("S2")) {
                Files.write(chunk, new byte[(int) Files.size(chunk)]);
            }
            PeerException e = assertThrows(PeerException.class, () -> owner.restore("photo.jpg", null));
            assertTrue(e.getMessage().contains("no good copy"), e.getMessage());
            try (var left = Files.list(c.restoreDir("O"))) {
                assertEquals(List.of(), left.toList(), "no file under the final name, no temporary left");
            }
        }
    }

    @Test
    void aStoragePeerThatIsDownIsSkippedOnRestore() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            Peer s1 = c.peer("S1", Role.STORAGE, 1L << 30);
            c.peer("S2", Role.STORAGE, 1L << 30);
            Peer owner = c.peer("O", Role.OWNER, 0);
            Path original = file("doc.pdf", (int) (3 * TestCluster.CHUNK + 5));
            owner.backup(original);
            s1.close();
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(owner.restore("doc.pdf", null).path()));
        }
    }

    @Test
    void aStoragePeerDownDuringBackupLeavesTheBackupUnderReplicatedNotLost() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            Peer s2 = c.peer("S2", Role.STORAGE, 1L << 30);
            Peer owner = c.peer("O", Role.OWNER, 0);
            // The server still believes S2 alive (no heartbeats yet): the plan names it.
            s2.close();
            Path original = file("trip.mov", (int) (5 * TestCluster.CHUNK));
            BackupResult r = owner.backup(original);
            assertEquals(5, r.underReplicated());
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(owner.restore("trip.mov", null).path()));
        }
    }

    @Test
    void versionsAreKeptAndEachIsRestorable() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            c.peer("S2", Role.STORAGE, 1L << 30);
            Peer owner = c.peer("O", Role.OWNER, 0);
            Path f = dir.resolve("notes.txt");
            Files.writeString(f, "first");
            assertEquals(1, owner.backup(f).version());
            Files.writeString(f, "second, longer");
            assertEquals(2, owner.backup(f).version());
            assertEquals("second, longer", Files.readString(owner.restore("notes.txt", null).path()));
            assertEquals("first", Files.readString(owner.restore("notes.txt", 1).path()));
            assertEquals("second, longer", Files.readString(owner.restore("notes.txt", 2).path()));
            PeerException e = assertThrows(PeerException.class, () -> owner.restore("notes.txt", 3));
            assertTrue(e.getMessage().contains("Unknown-version"), e.getMessage());
            List<FileEntry> files = owner.files();
            assertEquals(List.of(1, 2), files.stream().map(FileEntry::version).toList());
            assertEquals(List.of(5L, 14L), files.stream().map(FileEntry::size).toList());
        }
    }

    @Test
    void manyFilesArePagedAndListedInOrder() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            Peer owner = c.peer("O", Role.OWNER, 0);
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                // Long, non-ASCII names make long entries: several FILES_OK pages.
                String name = String.format("%02d-", i) + "é".repeat(60) + ".txt";
                names.add(name);
                Path f = dir.resolve("many").resolve(name);
                Files.createDirectories(f.getParent());
                Files.writeString(f, name);
                owner.backup(f);
            }
            owner.backup(dir.resolve("many").resolve(names.get(0)));
            List<FileEntry> files = owner.files();
            assertEquals(25, files.size());
            assertEquals(names.get(0), files.get(0).name());
            assertEquals(1, files.get(0).version());
            assertEquals(2, files.get(1).version(), "versions of one name together, in order");
            assertEquals(names, files.stream().map(FileEntry::name).distinct().toList());
        }
    }

    @Test
    void aRetriedBackupRequestCreatesOneVersion() throws Exception {
        try (TestCluster c = new TestCluster(dir); UdpProbe probe = new UdpProbe(c.server.udpPort())) {
            c.peer("S1", Role.STORAGE, 1L << 30);
            String token = p2pbrs.protocol.Tokens.generate();
            probe.call("REGISTER 1 Raw OWNER 127.0.0.1 5001 6001 0 token=" + token);
            String request = "BACKUP_REQ 2 same.bin 1000 - token=" + token;
            Message plan = probe.call(request);
            assertEquals(Command.BACKUP_PLAN, plan.command());
            assertEquals("1", plan.option("version"));
            assertEquals(plan, probe.call(request), "the same plan again");
            Message next = probe.call("BACKUP_REQ 3 same.bin 1000 - token=" + token);
            assertEquals("2", next.option("version"), "the retry did not create a version of its own");
        }
    }

    @Test
    void anAbandonedBackupExpiresAndFreesItsSpace() throws Exception {
        try (TestCluster c = new TestCluster(dir, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(1)));
             UdpProbe probe = new UdpProbe(c.server.udpPort())) {
            c.peer("S1", Role.STORAGE, 10 * TestCluster.CHUNK);
            Peer owner = c.peer("O", Role.OWNER, 0);
            String token = p2pbrs.protocol.Tokens.generate();
            probe.call("REGISTER 1 Quitter OWNER 127.0.0.1 5001 6001 0 token=" + token);
            Message plan = probe.call("BACKUP_REQ 2 abandoned.bin " + 8 * TestCluster.CHUNK + " - token=" + token);
            assertEquals(Command.BACKUP_PLAN, plan.command());
            Path f = file("wanted.bin", (int) (8 * TestCluster.CHUNK));
            PeerException e = assertThrows(PeerException.class, () -> owner.backup(f));
            assertTrue(e.getMessage().contains("No-capacity"), "the abandoned plan holds the space: " + e.getMessage());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            BackupResult done = null;
            while (done == null) {
                try {
                    done = owner.backup(f);
                } catch (PeerException stillFull) {
                    assertTrue(System.nanoTime() < deadline, "the plan never expired");
                    Thread.onSpinWait();
                }
            }
            assertEquals(8, done.chunks());
        }
    }
}
