package p2pbrs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.WireList;

/** What the wire tap shows of real messages: everything but their secrets. */
class WireTapTest {
    private static final String TOKEN = "0123456789abcdef".repeat(4);
    private static final String KEY = Tickets.keyFor(TOKEN);
    private static final long EXPIRES = 1_900_000_000L;
    private static final Placement PLACEMENT = new Placement(300_000, 65_536, 3, 2);
    private static final String STORE_TICKET = Tickets.store(KEY, "Olga", "photo.jpg", 1, PLACEMENT, 0, EXPIRES);
    private static final String FETCH_TICKET = Tickets.fetch(KEY, "Olga", "photo.jpg", 1, EXPIRES);

    private final List<String> shown = new ArrayList<>();

    @AfterEach
    void stopListening() {
        WireTap.listen(null);
    }

    private String show(Message m) {
        WireTap.listen(shown::add);
        WireTap.sent("S1", Codec.format(m));
        return shown.get(shown.size() - 1);
    }

    private static void assertHides(String line, String... secrets) {
        for (String secret : secrets) {
            assertFalse(line.contains(secret), () -> "shows " + secret + ": " + line);
        }
    }

    @Test
    void tokensAreMasked() {
        String registered = show(Message.of(Command.REGISTERED, "1").withOption("token", TOKEN));
        assertEquals("S1       -> REGISTERED 1 token=…", registered);
        String request = show(Message.of(Command.LIST, "2").withOption("token", TOKEN).withOption("after", "Bob"));
        assertEquals("S1       -> LIST 2 token=… after=Bob", request);
    }

    @Test
    void aTokenThatIsNotHexIsMaskedToo() {
        assertEquals("S1       -> FILES 3 token=…", show(Message.of(Command.FILES, "3").withOption("token", "Not-Hex")));
    }

    @Test
    void ticketOptionsAreMasked() {
        String send = show(Message.of(Command.SEND_CHUNK, "4", "photo.jpg", "0", "65536", "ab".repeat(32))
                .withOption("owner", "Olga").withOption("version", "1").withOption("expires", Long.toString(EXPIRES))
                .withOption("ticket", STORE_TICKET));
        assertHides(send, STORE_TICKET);
        assertTrue(send.endsWith(" ticket=…"), send);
        String get = show(Message.of(Command.GET_CHUNK, "5", "photo.jpg", "0").withOption("owner", "Olga")
                .withOption("ticket", FETCH_TICKET).withOption("version", "1"));
        assertEquals("S1       -> GET_CHUNK 5 photo.jpg 0 owner=Olga ticket=… version=1", get);
    }

    @Test
    void inviteOptionsAreMasked() {
        String invite = "c0ffee".repeat(8);
        String line = show(Message.of(Command.REGISTER, "6", "Nina", "BOTH", "10.0.0.9", "5001", "6001", "1GB")
                .withOption("invite", invite));
        assertEquals("S1       -> REGISTER 6 Nina BOTH 10.0.0.9 5001 6001 1GB invite=…", line);
    }

    @Test
    void ticketsInABackupPlanPeerListAreMasked() {
        String peers = WireList.format(List.of(new PlanPeer("S1", "10.0.0.1", 6001, STORE_TICKET).encode(),
                new PlanPeer("S2", "2001:db8:0:0:0:0:0:2", 6002, STORE_TICKET).encode()));
        String line = show(Message.of(Command.BACKUP_PLAN, "7", "photo.jpg", peers, "65536")
                .withOption("version", "1").withOption("expires", Long.toString(EXPIRES)));
        assertHides(line, STORE_TICKET);
        assertEquals("S1       -> BACKUP_PLAN 7 photo.jpg [S1:10.0.0.1:6001:…,S2:[2001:db8:0:0:0:0:0:2]:6002:…] 65536"
                + " version=1 expires=" + EXPIRES, line);
    }

    @Test
    void ticketsInARestorePlanPeerListAreMaskedButChecksumsShown() {
        String checksum = "ab".repeat(32);
        String peers = WireList.format(List.of(new PlanPeer("S3", "10.0.0.3", 6003, FETCH_TICKET).encode()));
        String line = show(Message.of(Command.RESTORE_PLAN, "8", "photo.jpg", peers)
                .withOption("version", "1").withOption("sums", WireList.format(List.of(checksum + ":0"))));
        assertHides(line, FETCH_TICKET);
        assertEquals("S1       -> RESTORE_PLAN 8 photo.jpg [S3:10.0.0.3:6003:…] version=1 sums=[" + checksum + ":0]",
                line);
    }

    @Test
    void anEmptyPlanAndOtherListsAreShownAsTheyAre() {
        assertEquals("S1       -> BACKUP_PLAN 9 f [] 65536",
                show(Message.of(Command.BACKUP_PLAN, "9", "f", "[]", "65536")));
        String list = show(Message.of(Command.LIST_OK, "10", "[Bob:STORAGE:10.0.0.2:5001:6001:1024:ALIVE]"));
        assertEquals("S1       -> LIST_OK 10 [Bob:STORAGE:10.0.0.2:5001:6001:1024:ALIVE]", list);
    }

    @Test
    void nothingIsShownWithoutAListener() {
        WireTap.listen(null);
        WireTap.sent("S1", "REGISTERED 1 token=" + TOKEN);
        assertFalse(WireTap.enabled());
        assertTrue(shown.isEmpty());
    }
}
