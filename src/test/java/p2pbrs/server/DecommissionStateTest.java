package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.protocol.Sha256;
import p2pbrs.protocol.Tokens;
import p2pbrs.server.LivenessTest.MovableClock;

/**
 * The rules of a storage peer's leaving, over UDP, on a clock the test moves: a peer holding
 * copies others need is DECOMMISSIONING, told what is left, never STALE, DEAD when silent and
 * DECOMMISSIONING again when heard from; a REGISTER calls the leaving off; once nothing it
 * holds is needed it is GONE.
 */
class DecommissionStateTest {
    private static final byte[] DATA = "ten bytes!".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private String olga;
    private String olgaId;
    private String sam;

    private ServerConfig config() {
        return ServerConfig.defaults(dir.resolve("server")).withOpenRegistration().withBindAddress("127.0.0.1")
                .withUdpPort(0).withSqlPort(0).withReplicas(2);
    }

    @Test
    void aPeerHoldingCopiesDecommissionsUntilNothingItHoldsIsNeeded() throws Exception {
        MovableClock clock = new MovableClock();
        try (MetadataServer server = MetadataServer.start(config(), clock);
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            olga = Tokens.generate();
            UdpTestClient.Reply registered = client.call("REGISTER " + nextRq()
                    + " Olga OWNER 127.0.0.1 5001 6001 0B token=" + olga);
            olgaId = registered.option("id");
            sam = Tokens.generate();
            String registerSam = "REGISTER " + nextRq() + " Sam STORAGE 127.0.0.1 5003 6003 1GB token=" + sam;
            assertEquals("REGISTERED", client.call(registerSam).command());

            // Sam is the only storage peer: one copy of each chunk where two are wanted.
            backUp(client, "a.bin");
            String pendingVersion = plan(client, "b.bin");

            String rq = nextRq();
            assertEquals("DECOMMISSIONING " + rq + " 2 pending_backups=1", deRegister(client, rq));
            assertEquals("DECOMMISSIONING " + rq + " 2 pending_backups=1", deRegister(client, rq),
                    "a retransmission gets the same answer");
            assertEquals("DECOMMISSIONING", stateOf(client, "Sam"));
            assertEquals("BACKUP-DENIED RQ No-storage-peer", words(client.call("BACKUP_REQ " + nextRq()
                    + " c.bin 10 - token=" + olga)), "nothing new is placed on a leaving peer");

            // The backup under way goes on (a leaving peer still stores what its plan sends it).
            complete(client, "b.bin", pendingVersion);
            assertEquals("DECOMMISSIONING RQ 2 pending_backups=1", words(deRegisterNew(client)),
                    "asked again at once: the last count, not a new one");
            clock.advance(Duration.ofSeconds(2));
            assertEquals("DECOMMISSIONING RQ 4 pending_backups=0", words(deRegisterNew(client)));

            clock.advance(Duration.ofSeconds(16));
            server.sweepLiveness();
            assertEquals("DECOMMISSIONING", stateOf(client, "Sam"), "silence never makes a leaving peer STALE");
            assertEquals("ACK RQ", beat(client));
            assertEquals("DECOMMISSIONING", stateOf(client, "Sam"), "a heartbeat does not make it ALIVE");
            clock.advance(Duration.ofSeconds(61));
            server.sweepLiveness();
            assertEquals("DEAD", stateOf(client, "Sam"));
            assertEquals("ACK RQ", beat(client));
            assertEquals("DECOMMISSIONING", stateOf(client, "Sam"), "back from the dead, still leaving");

            // Registering again calls the leaving off.
            assertEquals("REGISTERED", client.call(registerSam.replaceFirst(" [0-9]+ ", " " + nextRq() + " "))
                    .command());
            assertEquals("ALIVE", stateOf(client, "Sam"));
            clock.advance(Duration.ofSeconds(61));
            server.sweepLiveness();
            assertEquals("ACK RQ", beat(client));
            assertEquals("ALIVE", stateOf(client, "Sam"));

            assertEquals("DECOMMISSIONING RQ 4 pending_backups=0", words(deRegisterNew(client)));
            for (String file : new String[] {"a.bin", "b.bin"}) {
                assertEquals("FORGOTTEN RQ " + file + " versions=1", words(client.call("FORGET " + nextRq() + " "
                        + file + " all=1 token=" + olga)));
            }
            clock.advance(Duration.ofSeconds(2));
            assertEquals("DE-REGISTERED RQ", words(deRegisterNew(client)), "nothing it holds is needed any more");
            assertFalse(client.listNames(olga).contains("Sam"));
            assertEquals("REGISTERED", client.call("REGISTER " + nextRq() + " sam STORAGE 127.0.0.1 5004 6004 1GB")
                    .command(), "its name is free: it owns nothing and holds nothing");
        }
    }

    @Test
    void aPeerHoldingNothingLeavesAtOnce() throws Exception {
        try (MetadataServer server = MetadataServer.start(config(), new MovableClock());
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String owner = client.register("Ola");
            sam = client.register("Sam");
            assertEquals("DE-REGISTERED RQ", words(deRegisterNew(client)));
            assertFalse(client.listNames(owner).contains("Sam"));
        }
    }

    @Test
    void aPeerWhoseAnswerWasLostIsToldAgainThatItIsGoneAndNothingMore() throws Exception {
        try (MetadataServer server = MetadataServer.start(config(), new MovableClock());
             UdpTestClient client = new UdpTestClient(server.udpPort())) {
            String owner = client.register("Ola");
            sam = client.register("Sam");
            String rq = nextRq();
            assertEquals("DE-REGISTERED " + rq, deRegister(client, rq));
            // That answer and every retransmission's were lost: the peer, which deletes its
            // chunks only once told it is gone, asks again under new RQ#s.
            assertEquals("DE-REGISTERED RQ", words(deRegisterNew(client)), "told again: it is gone");
            assertEquals("DE-REGISTERED RQ", words(deRegisterNew(client)));
            assertFalse(client.listNames(owner).contains("Sam"), "asking again brings nothing back");
            assertEquals("DE-REGISTER-DENIED RQ Unknown-name", words(client.call("DE-REGISTER " + nextRq()
                    + " Sam token=" + Tokens.generate())), "only its own token is told so");
            assertEquals("DE-REGISTER-DENIED RQ Unknown-name", words(client.call("DE-REGISTER " + nextRq()
                    + " Samuel token=" + sam)), "and only under its own name");

            // Someone else takes the free name: the old identity is told nothing about it.
            String other = client.register("sam");
            assertEquals("DE-REGISTER-DENIED RQ Bad-token", words(deRegisterNew(client)));
            assertTrue(client.listNames(owner).contains("sam"));
            assertEquals("ACK RQ", words(client.call("HEARTBEAT " + nextRq() + " sam 0 " + System.currentTimeMillis()
                    + " token=" + other)), "the new sam is untouched");

            // An owner keeps its name when it leaves: asking again, it is told again.
            assertTrue(client.call("BACKUP_REQ " + nextRq() + " empty.bin 0 - token=" + owner).text()
                    .startsWith("BACKUP_PLAN"));
            assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " Ola token=" + owner).command());
            assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " ola token=" + owner).command());
            assertFalse(client.listNames(other).contains("Ola"), "still gone");
        }
    }

    // The chunk name of each file's latest plan, as Sam would know it.
    private final java.util.Map<String, String> chunkNames = new java.util.HashMap<>();

    // Backs one small file up with its one copy on Sam, to completion.
    private void backUp(UdpTestClient client, String file) {
        complete(client, file, plan(client, file));
    }

    // A plan for a one-chunk file, placed on Sam; returns its version.
    private String plan(UdpTestClient client, String file) {
        UdpTestClient.Reply plan = client.call("BACKUP_REQ " + nextRq() + " " + file + " " + DATA.length + " "
                + Sha256.hex(DATA) + " token=" + olga);
        assertEquals("BACKUP_PLAN", plan.command(), plan.text());
        assertEquals("[Sam:", plan.field(1).substring(0, 5), plan.text());
        chunkNames.put(file, plan.option("chunk_name"));
        return plan.option("version");
    }

    // Sam's copy acknowledged, the checksum reported, and the backup closed.
    private void complete(UdpTestClient client, String file, String version) {
        String sum = Sha256.hex(DATA);
        assertEquals("ACK", client.call("CHUNK_SUMS " + nextRq() + " " + file + " version=" + version
                + " from=0 sums=[" + sum + "] token=" + olga).command());
        // Sam knows the version by its chunk name only.
        assertEquals("ACK", client.call("STORE_ACK " + nextRq() + " " + chunkNames.get(file) + " 0 owner=" + olgaId
                + " version="
                + version + " size=" + DATA.length + " checksum=" + sum + " token=" + sam).command());
        UdpTestClient.Reply done = client.call("BACKUP_DONE " + nextRq() + " " + file + " version=" + version
                + " token=" + olga);
        assertEquals("BACKUP_COMPLETE", done.command(), done.text());
    }

    private String deRegister(UdpTestClient client, String rq) {
        return client.call("DE-REGISTER " + rq + " Sam token=" + sam).text();
    }

    private UdpTestClient.Reply deRegisterNew(UdpTestClient client) {
        return client.call("DE-REGISTER " + nextRq() + " Sam token=" + sam);
    }

    private String beat(UdpTestClient client) {
        return words(client.call("HEARTBEAT " + nextRq() + " Sam 1 " + System.currentTimeMillis() + " token=" + sam));
    }

    private String stateOf(UdpTestClient client, String name) {
        return client.listAll(olga).stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().state();
    }

    // The reply's text with its RQ# written RQ.
    private static String words(UdpTestClient.Reply reply) {
        return reply.text().replaceFirst("^(\\S+) [0-9]+", "$1 RQ");
    }
}
