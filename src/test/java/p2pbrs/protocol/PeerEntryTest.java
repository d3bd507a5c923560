package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LIST_OK entries: Name:Role:IP:UDP_Port:TCP_Port:Capacity_in_bytes:State, IPv6 in brackets. */
class PeerEntryTest {
    private static final PeerEntry ALICE =
            new PeerEntry("Alice", Role.BOTH, "192.168.1.10", 5001, 6001, 1_073_741_824L, "ALIVE");
    private static final PeerEntry BOB_V6 =
            new PeerEntry("bob", Role.STORAGE, "2001:db8:0:0:0:0:0:1", 5002, 6002, 1024, "STALE");

    private static void assertRejected(String text, String reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> PeerEntry.parse(text, "12"), text);
        assertEquals(reason, e.reason(), text);
        assertEquals("12", e.rq());
    }

    @Test
    void encodesIpv4Entry() {
        assertEquals("Alice:BOTH:192.168.1.10:5001:6001:1073741824:ALIVE:0", ALICE.encode());
    }

    @Test
    void encodesIpv6InBrackets() {
        assertEquals("bob:STORAGE:[2001:db8:0:0:0:0:0:1]:5002:6002:1024:STALE:0", BOB_V6.encode());
    }

    @Test
    void parsesIpv4Entry() throws Exception {
        PeerEntry e = PeerEntry.parse("Alice:BOTH:192.168.1.10:5001:6001:1073741824:ALIVE", "1");
        assertEquals("Alice", e.name());
        assertEquals(Role.BOTH, e.role());
        assertEquals("192.168.1.10", e.ip());
        assertEquals(5001, e.udpPort());
        assertEquals(6001, e.tcpPort());
        assertEquals(1_073_741_824L, e.capacity());
        assertEquals("ALIVE", e.state());
    }

    @Test
    void parsesIpv6EntryInBrackets() throws Exception {
        assertEquals(BOB_V6, PeerEntry.parse("bob:STORAGE:[2001:db8::1]:5002:6002:1024:STALE", "1"));
    }

    @Test
    void ipv4EntryRoundTrips() throws Exception {
        assertEquals(ALICE, PeerEntry.parse(ALICE.encode(), "1"));
    }

    @Test
    void ipv6EntryRoundTrips() throws Exception {
        assertEquals(BOB_V6, PeerEntry.parse(BOB_V6.encode(), "1"));
    }

    @Test
    void parseCanonicalizesIpv6() throws Exception {
        assertEquals("2001:db8:0:0:0:0:0:1", PeerEntry.parse("n:OWNER:[2001:DB8::1]:1:2:3:DEAD", "1").ip());
    }

    @Test
    void parsesEveryRole() throws Exception {
        for (Role role : Role.values()) {
            assertEquals(role, PeerEntry.parse("n:" + role + ":10.0.0.1:1:2:3:ALIVE", "1").role());
        }
    }

    @Test
    void parsesLargestPorts() throws Exception {
        PeerEntry e = PeerEntry.parse("n:BOTH:10.0.0.1:65535:1:3:ALIVE", "1");
        assertEquals(65535, e.udpPort());
        assertEquals(1, e.tcpPort());
    }

    @Test
    void rejectsEmptyEntry() {
        assertRejected("", Reason.BAD_LIST);
    }

    @Test
    void rejectsNameOnly() {
        assertRejected("Alice", Reason.BAD_LIST);
    }

    @Test
    void rejectsNameAndRoleOnly() {
        assertRejected("Alice:BOTH", Reason.BAD_LIST);
    }

    @Test
    void rejectsEntryWithoutAddressParts() {
        assertRejected("Alice:BOTH:", Reason.BAD_LIST);
    }

    @Test
    void rejectsTooFewParts() {
        assertRejected("Alice:BOTH:10.0.0.1:1:2", Reason.BAD_LIST);
    }

    @Test
    void rejectsTooManyParts() {
        assertRejected("Alice:BOTH:10.0.0.1:1:2:3:ALIVE:extra", Reason.BAD_LIST);
    }

    @Test
    void rejectsUnbracketedIpv6() {
        assertRejected("bob:STORAGE:2001:db8::1:5002:6002:1024:STALE", Reason.BAD_LIST);
    }

    @Test
    void rejectsMissingClosingBracket() {
        assertRejected("bob:STORAGE:[2001:db8::1:5002:6002:1024:STALE", Reason.BAD_LIST);
    }

    @Test
    void rejectsMissingColonAfterBracket() {
        assertRejected("bob:STORAGE:[::1]5002:6002:1024:STALE", Reason.BAD_LIST);
    }

    @Test
    void rejectsBracketedAddressAtTheEnd() {
        assertRejected("bob:STORAGE:[::1]", Reason.BAD_LIST);
    }

    @Test
    void rejectsBadName() {
        assertRejected("-bob:STORAGE:10.0.0.1:1:2:3:ALIVE", Reason.BAD_NAME);
    }

    @Test
    void rejectsEmptyName() {
        assertRejected(":STORAGE:10.0.0.1:1:2:3:ALIVE", Reason.BAD_NAME);
    }

    @Test
    void rejectsBadRole() {
        assertRejected("bob:Storage:10.0.0.1:1:2:3:ALIVE", Reason.BAD_ROLE);
    }

    @Test
    void rejectsHostNameInPlaceOfIp() {
        assertRejected("bob:STORAGE:localhost:1:2:3:ALIVE", Reason.BAD_ADDRESS);
    }

    @Test
    void rejectsBadUdpPort() {
        assertRejected("bob:STORAGE:10.0.0.1:0:2:3:ALIVE", Reason.BAD_PORT);
    }

    @Test
    void rejectsBadTcpPort() {
        assertRejected("bob:STORAGE:10.0.0.1:1:70000:3:ALIVE", Reason.BAD_PORT);
    }

    @Test
    void rejectsEmptyPort() {
        assertRejected("bob:STORAGE:10.0.0.1::2:3:ALIVE", Reason.BAD_PORT);
    }

    @Test
    void rejectsBadCapacity() {
        assertRejected("bob:STORAGE:10.0.0.1:1:2:-3:ALIVE", Reason.BAD_SIZE);
    }

    @Test
    void listOkReplyParsesIntoEntriesAndBack() throws Exception {
        String text = "LIST_OK 8 [" + ALICE.encode() + "," + BOB_V6.encode() + "] next=carol";
        Message m = Codec.decode(text.getBytes(StandardCharsets.UTF_8));
        List<PeerEntry> entries = new ArrayList<>();
        for (String item : WireList.parse(m.field(0), m.rq())) {
            entries.add(PeerEntry.parse(item, m.rq()));
        }
        assertEquals(List.of(ALICE, BOB_V6), entries);
        assertEquals("carol", m.option("next"));

        List<String> items = new ArrayList<>();
        for (PeerEntry e : entries) {
            items.add(e.encode());
        }
        Message back = Message.of(Command.LIST_OK, m.rq(), WireList.format(items)).withOption("next", "carol");
        assertEquals(text, Codec.format(back));
    }
}
