package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.SEALED;
import static p2pbrs.peer.LocalCluster.GIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;

/** Versions of a file, a retried BACKUP_REQ applied once, and plans that expire. */
class VersionsTest {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    static Path dir;

    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster(dir);
        cluster.start("V1", Role.STORAGE, GIB);
        cluster.start("V2", Role.STORAGE, GIB);
        cluster.start("Vera", Role.OWNER, 0);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoBackupsOfOneNameAreVersionsOneAndTwo() throws Exception {
        Peer vera = cluster.peer("Vera");
        byte[] first = LocalCluster.random(3 * CHUNK + 11, 1);
        byte[] second = LocalCluster.random(CHUNK / 2, 2);
        Path source = cluster.source("report.doc", first);
        assertEquals(1, vera.backup(source).version());
        Files.write(source, second);
        assertEquals(2, vera.backup(source).version());

        Path target = cluster.restoreDir("Vera").resolve("report.doc");
        RestoreResult newest = vera.restore("report.doc", null);
        assertEquals(2, newest.version());
        assertArrayEquals(second, Files.readAllBytes(target));
        RestoreResult v1 = vera.restore("report.doc", 1);
        assertEquals(1, v1.version());
        assertEquals(target, v1.path());
        assertArrayEquals(first, Files.readAllBytes(target), "version 1 replaced version 2 in the restore dir");
        vera.restore("report.doc", 2);
        assertArrayEquals(second, Files.readAllBytes(target));

        List<FileEntry> report = vera.files().stream().filter(f -> f.name().equals("report.doc")).toList();
        assertEquals(List.of(1, 2), report.stream().map(FileEntry::version).toList());
        assertEquals(List.of((long) first.length, (long) second.length), report.stream().map(FileEntry::size).toList());
        assertEquals(List.of(4, 1), report.stream().map(FileEntry::chunks).toList());

        PeerException none = assertThrows(PeerException.class, () -> vera.restore("report.doc", 3));
        assertTrue(none.getMessage().contains("Unknown-version"), none.getMessage());
    }

    @Test
    void aRetriedBackupRequestGetsTheSamePlanAndMakesOneVersion() throws Exception {
        LocalCluster.RawUdp udp = cluster.udp();
        String token = udp.register("1", "Retry", Role.OWNER, 0);
        String request = "BACKUP_REQ 7 dup.bin " + 3 * CHUNK + " - token=" + token;
        String plan = udp.call(request);
        assertTrue(plan.startsWith("BACKUP_PLAN 7 dup.bin ["), plan);
        assertEquals("1", LocalCluster.parse(plan).option("version"));
        assertEquals(plan, udp.call(request), "a retransmission gets the very same plan");
        assertEquals(plan, udp.call(request));
        // A different request under a reused RQ# is a new request.
        Message other = udp.message("BACKUP_REQ 7 dup.bin 5 - token=" + token);
        assertEquals("2", other.option("version"));

        // An empty file needs no storage peer: its backup completes by hand, once.
        String empty = udp.call("BACKUP_REQ 8 empty.txt 0 - token=" + token);
        assertEquals(empty, udp.call("BACKUP_REQ 8 empty.txt 0 - token=" + token));
        assertEquals("1", LocalCluster.parse(empty).option("version"));
        String done = "BACKUP_DONE 9 empty.txt version=1 checksum=" + EMPTY_SHA256 + " token=" + token;
        assertEquals("BACKUP_COMPLETE 9 empty.txt version=1 chunks=0 under_replicated=0", udp.call(done));
        assertEquals("BACKUP_COMPLETE 9 empty.txt version=1 chunks=0 under_replicated=0", udp.call(done));

        // The same owner as a real peer (its token takes the name back): its next backup is version 3.
        Peer retry = cluster.start("Retry", Role.OWNER, 0, 5_000, token);
        byte[] data = LocalCluster.random(3 * CHUNK, 3);
        assertEquals(3, retry.backup(cluster.source("dup.bin", data)).version());
        List<FileEntry> files = retry.files();
        assertEquals(List.of("dup.bin:3", "empty.txt:1"),
                files.stream().map(f -> f.name() + ":" + f.version()).toList(), "only complete versions, each once");
        assertArrayEquals(data, Files.readAllBytes(retry.restore("dup.bin", null).path()));
        assertArrayEquals(new byte[0], Files.readAllBytes(retry.restore("empty.txt", null).path()));
        PeerException pending = assertThrows(PeerException.class, () -> retry.restore("dup.bin", 1));
        assertTrue(pending.getMessage().contains("Unknown-version"), "a plan never completed is no version to restore: "
                + pending.getMessage());
    }

    @Test
    void anAbandonedPlanExpiresAndItsSpaceIsFreeAgain(@TempDir Path own) throws Exception {
        try (LocalCluster c = new LocalCluster(own, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(1)))) {
            c.start("Box", Role.STORAGE, 10L * CHUNK);
            Peer eve = c.start("Eve", Role.OWNER, 0);
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Quitter", Role.OWNER, 0);
            Message plan = udp.message("BACKUP_REQ 2 abandoned.bin " + 8L * CHUNK + " - token=" + token);
            assertEquals("1", plan.option("version"));

            byte[] data = LocalCluster.random(8 * CHUNK, 4);
            Path wanted = c.source("wanted.bin", data);
            PeerException held = assertThrows(PeerException.class, () -> eve.backup(wanted));
            assertTrue(held.getMessage().contains("No-capacity"), "the pending plan holds the space: "
                    + held.getMessage());

            BackupResult done = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(15), () -> {
                try {
                    return eve.backup(wanted);
                } catch (PeerException e) {
                    if (e.getMessage().contains("No-capacity")) {
                        return null;
                    }
                    throw e;
                }
            });
            assertEquals(8, done.chunks());
            assertArrayEquals(data, Files.readAllBytes(eve.restore("wanted.bin", null).path()));
            // The expired version keeps its number.
            assertEquals("2", udp.message("BACKUP_REQ 3 abandoned.bin 10 - token=" + token).option("version"));
        }
    }

    @Test
    void anAbandonedBackupWhoseChunksWereSentStillFreesItsSpace(@TempDir Path own) throws Exception {
        try (LocalCluster c = new LocalCluster(own, s -> s.withReplicas(1).withPlanTtl(Duration.ofSeconds(1)))) {
            Peer box = c.start("Box", Role.STORAGE, 10L * CHUNK);
            Peer eve = c.start("Eve", Role.OWNER, 0);
            LocalCluster.RawUdp udp = c.udp();
            String token = udp.register("1", "Quitter", Role.OWNER, 0);
            byte[] abandoned = LocalCluster.random(8 * CHUNK, 5);
            Message plan = udp.message("BACKUP_REQ 2 abandoned.bin " + abandoned.length + " - token=" + token);
            // The owner sends every chunk, then vanishes: no CHUNK_SUMS, no BACKUP_DONE.
            try (LocalCluster.RawTcp tcp = c.tcp(box)) {
                for (int i = 0; i < 8; i++) {
                    byte[] chunk = LocalCluster.chunkOf(abandoned, i);
                    Message reply = tcp.exchange(LocalCluster.sendChunk(plan, LocalCluster.idOf(token), Integer.toString(10 + i), i,
                            chunk, 0), chunk);
                    assertEquals(Command.CHUNK_OK, reply.command(), reply.toString());
                }
            }

            byte[] data = LocalCluster.random(8 * CHUNK, 6);
            Path wanted = c.source("wanted.bin", data);
            // Once the plan has expired the server plans the space again; the backup must then succeed.
            Object outcome = LocalCluster.poll(Duration.ofMillis(100), Duration.ofSeconds(15), () -> {
                try {
                    return eve.backup(wanted);
                } catch (PeerException e) {
                    return e.getMessage().contains("No-capacity") ? null : e;
                }
            });
            if (outcome instanceof PeerException e) {
                throw new AssertionError("the backup failed once the abandoned plan expired: " + e.getMessage(), e);
            }
            assertArrayEquals(data, Files.readAllBytes(eve.restore("wanted.bin", null).path()));
            assertEquals(8 * SEALED, c.bytesOnDisk("Box"), "the abandoned chunks are gone from the peer's disk");
        }
    }
}
