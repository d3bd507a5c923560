package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Lists on the wire: [a,b,c], [] when empty. */
class WireListTest {
    private static void assertRejected(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> WireList.parse(text, "21"),
                "'" + text + "'");
        assertEquals(Reason.BAD_LIST, e.reason());
        assertEquals("21", e.rq());
    }

    @Test
    void formatsEmptyList() {
        assertEquals("[]", WireList.format(List.of()));
    }

    @Test
    void formatsOneItem() {
        assertEquals("[a]", WireList.format(List.of("a")));
    }

    @Test
    void formatsItemsInOrder() {
        assertEquals("[c,a,b]", WireList.format(List.of("c", "a", "b")));
    }

    @Test
    void parsesEmptyList() throws Exception {
        assertEquals(List.of(), WireList.parse("[]", "1"));
    }

    @Test
    void parsesOneItem() throws Exception {
        assertEquals(List.of("a"), WireList.parse("[a]", "1"));
    }

    @Test
    void parsesItemsInOrder() throws Exception {
        assertEquals(List.of("c", "a", "b"), WireList.parse("[c,a,b]", "1"));
    }

    @Test
    void itemsMayHoldBracketedIpv6() throws Exception {
        assertEquals(List.of("n:BOTH:[::1]:1:2:3:ALIVE", "m:OWNER:[2001:db8::1]:4:5:6:DEAD"),
                WireList.parse("[n:BOTH:[::1]:1:2:3:ALIVE,m:OWNER:[2001:db8::1]:4:5:6:DEAD]", "1"));
    }

    @Test
    void roundTrips() throws Exception {
        List<String> items = List.of("x1", "y.2", "z_3:4");
        assertEquals(items, WireList.parse(WireList.format(items), "1"));
    }

    @Test
    void rejectsMissingBrackets() {
        assertRejected("a,b");
    }

    @Test
    void rejectsMissingOpeningBracket() {
        assertRejected("a,b]");
    }

    @Test
    void rejectsMissingClosingBracket() {
        assertRejected("[a,b");
    }

    @Test
    void rejectsLoneOpeningBracket() {
        assertRejected("[");
    }

    @Test
    void rejectsLoneClosingBracket() {
        assertRejected("]");
    }

    @Test
    void rejectsEmptyText() {
        assertRejected("");
    }

    @Test
    void rejectsReversedBrackets() {
        assertRejected("][");
    }

    @Test
    void rejectsEmptyItemInTheMiddle() {
        assertRejected("[a,,b]");
    }

    @Test
    void rejectsTrailingComma() {
        assertRejected("[a,]");
    }

    @Test
    void rejectsLeadingComma() {
        assertRejected("[,a]");
    }

    @Test
    void rejectsCommaOnly() {
        assertRejected("[,]");
    }
}
