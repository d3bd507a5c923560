package p2pbrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.REPLICA;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.store.Database;

/**
 * Group commit keeps the promise of every acknowledgement: many STORE_ACKs sent at once
 * (answered from shared commits), some of them denied in the same groups, then the server
 * killed with SIGKILL while more are on their way. Every STORE_ACK it acknowledged is in
 * the database afterwards, with the version's counters in step with its copies.
 */
@Timeout(180)
class GroupCommitKillIT {
    private static final Pattern LISTENING = Pattern.compile("LISTENING udp=(\\d+)");
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration REPLY = Duration.ofSeconds(10);
    private static final int CHUNKS = 600;
    private static final int SENDERS = 12;
    private static final long CHUNK = 1 << 20;
    private static final String CHECKSUM = "c".repeat(64);

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedStoreAckSurvivesAKillDuringABurst() throws Exception {
        Path db = dir.resolve("db").resolve("server");
        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger denied = new AtomicInteger();
        String chunkName;
        try (JarProcess server = JarProcess.start("server", dir, "server", "--udp-port", "0", "--sql-port", "0",
                "--bind", "127.0.0.1", "--db", db.toString(), "--registration", "open", "--replicas", "1",
                "--chunk-size", "1MiB");
             WireClient setup = new WireClient()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1",
                    Integer.parseInt(server.awaitMatch(LISTENING, START).group(1)));
            String ownerToken = p2pbrs.protocol.Tokens.generate();
            String registered = setup.call("REGISTER 1 Owner OWNER 127.0.0.1 40001 40002 1GB token=" + ownerToken, to,
                    REPLY);
            String ownerId = WireClient.option(registered, "id");
            String storageToken = p2pbrs.protocol.Tokens.generate();
            assertTrue(setup.call("REGISTER 2 Keeper STORAGE 127.0.0.1 40003 40004 1TB token=" + storageToken, to,
                    REPLY).startsWith("REGISTERED 2 "));
            String plan = setup.call("BACKUP_REQ 3 big.bin " + CHUNKS * CHUNK + " - token=" + ownerToken, to, REPLY);
            assertTrue(plan.startsWith("BACKUP_PLAN 3 "), plan);
            chunkName = WireClient.option(plan, "chunk_name");
            String version = WireClient.option(plan, "version");

            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int first = s;
                Thread sender = new Thread(() -> {
                    try (WireClient client = new WireClient()) {
                        for (int idx = first; idx < CHUNKS; idx += SENDERS) {
                            String ack = " " + chunkName + " " + idx + " owner=" + ownerId + " version=" + version
                                    + " size=" + CHUNK + " checksum=" + CHECKSUM + " token=";
                            // The keeper's copy, planned; then the owner's word for one it holds not,
                            // denied, in among the others' groups.
                            String rq = Integer.toString(100_000 + 2 * idx);
                            if (client.call("STORE_ACK " + rq + ack + storageToken, to, REPLY).equals("ACK " + rq)) {
                                acked.add(idx);
                            }
                            String other = Integer.toString(100_001 + 2 * idx);
                            if (client.call("STORE_ACK " + other + ack + ownerToken, to, REPLY)
                                    .equals("ACK-DENIED " + other + " Not-planned")) {
                                denied.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        // The server was killed under this sender: what it acknowledged is recorded.
                    }
                });
                sender.start();
                senders.add(sender);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (acked.size() < CHUNKS / 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(acked.size() >= CHUNKS / 2, "only " + acked.size() + " acknowledged" + server.describe());
            // In the middle of the burst: no shutdown hook, nothing flushed.
            server.kill();
            assertEquals(128 + 9, server.awaitExit(Duration.ofSeconds(10)), "killed" + server.describe());
            for (Thread t : senders) {
                t.join();
            }
        }
        assertTrue(denied.get() > 0, "denials were answered among the acknowledgements");
        try (Database database = Database.open(db, Database.Kind.SERVER, 2)) {
            Set<Integer> stored = Set.copyOf(database.dsl().select(REPLICA.CHUNK_IDX).from(REPLICA)
                    .join(FILE_VERSION).on(FILE_VERSION.ID.eq(REPLICA.FILE_VERSION_ID))
                    .where(FILE_VERSION.CHUNK_NAME.eq(chunkName)).fetch(REPLICA.CHUNK_IDX));
            List<Integer> lost = acked.stream().filter(i -> !stored.contains(i)).sorted().toList();
            assertEquals(List.of(), lost, "acknowledged STORE_ACKs missing after the kill (" + acked.size()
                    + " acknowledged, " + stored.size() + " stored)");
            long counted = database.dsl().select(FILE_VERSION.STORED_COPIES).from(FILE_VERSION)
                    .where(FILE_VERSION.CHUNK_NAME.eq(chunkName)).fetchSingle(FILE_VERSION.STORED_COPIES);
            assertEquals(stored.size(), counted, "the version's counter counts its copies");
        }
    }
}
