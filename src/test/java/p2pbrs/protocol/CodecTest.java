package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bytes in, message out, and back: no sockets. */
class CodecTest {
    private static Message decode(String text) throws MalformedMessageException {
        return Codec.decode(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MalformedMessageException reject(String text) {
        return assertThrows(MalformedMessageException.class, () -> decode(text));
    }

    private static MalformedMessageException reject(byte[] bytes) {
        return assertThrows(MalformedMessageException.class, () -> Codec.decode(bytes));
    }

    @Test
    void courseExampleKeepsItsRqExactly() throws Exception {
        Message m = decode("REGISTER 01 Alice BOTH 192.168.1.10 5001 6001 1024MB");
        assertEquals(Command.REGISTER, m.command());
        assertEquals("01", m.rq());
        assertEquals(List.of("Alice", "BOTH", "192.168.1.10", "5001", "6001", "1024MB"), m.fields());
        assertEquals(Map.of(), m.options());
        assertEquals("REGISTER 01 Alice BOTH 192.168.1.10 5001 6001 1024MB", Codec.format(m));
    }

    @Test
    void everyCommandRoundTrips() throws Exception {
        for (Command c : Command.values()) {
            List<String> fields = new ArrayList<>(Collections.nCopies(c.arity(), "f"));
            Message m = new Message(c, "123456789", fields, Map.of("token", "ab12", "next", "x"));
            byte[] bytes = Codec.encode(m);
            assertEquals(m, Codec.decode(bytes), c.wireName());
            assertArrayEquals(bytes, Codec.encode(Codec.decode(bytes)));
        }
    }

    @Test
    void optionsFollowFieldsAndUnknownOnesAreKept() throws Exception {
        Message m = decode("LIST 5 token=abc future_option=1");
        assertEquals("abc", m.option("token"));
        assertEquals("1", m.option("future_option"));
    }

    @Test
    void toleratesOneTrailingNewline() throws Exception {
        assertEquals(Command.LIST, decode("LIST 5\n").command());
        assertEquals(Command.LIST, decode("LIST 5\r\n").command());
    }

    @Test
    void rejectsEmptyDatagram() {
        assertEquals(Reason.EMPTY_DATAGRAM, reject(new byte[0]).reason());
    }

    @Test
    void rejectsDatagramOf1400Bytes() {
        byte[] big = ("LIST 5 token=" + "a".repeat(1400)).getBytes(StandardCharsets.UTF_8);
        assertEquals(Reason.DATAGRAM_TOO_LARGE, reject(big).reason());
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bytes = {'L', 'I', 'S', 'T', ' ', '5', ' ', (byte) 0xC3, (byte) 0x28};
        assertEquals(Reason.NOT_UTF8, reject(bytes).reason());
    }

    @Test
    void rejectsBinaryJunk() {
        byte[] junk = new byte[64];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (i * 37);
        }
        reject(junk);
    }

    @Test
    void rejectsTabInsideMessage() {
        MalformedMessageException e = reject("LIST 5\ttoken=a");
        assertEquals(Reason.BAD_CHARACTER, e.reason());
        assertEquals("0", e.rq());
    }

    @Test
    void rejectsNewlineInsideMessage() {
        assertEquals(Reason.BAD_CHARACTER, reject("LIST 5\nLIST 6").reason());
    }

    @Test
    void rejectsDoubleSpaceAndKeepsTheRq() {
        MalformedMessageException e = reject("DE-REGISTER 42  Alice");
        assertEquals(Reason.BAD_SPACING, e.reason());
        assertEquals("42", e.rq());
    }

    @Test
    void rejectsLeadingAndTrailingSpace() {
        assertEquals(Reason.BAD_SPACING, reject(" LIST 5").reason());
        assertEquals(Reason.BAD_SPACING, reject("LIST 5 ").reason());
    }

    @Test
    void rejectsUnknownCommandWithItsRq() {
        MalformedMessageException e = reject("HELLO 77 x");
        assertEquals(Reason.UNKNOWN_COMMAND, e.reason());
        assertEquals("77", e.rq());
        assertEquals("ERROR 77 Unknown-command", Codec.format(e.toError()));
    }

    @Test
    void commandsAreCaseSensitive() {
        assertEquals(Reason.UNKNOWN_COMMAND, reject("register 1 a BOTH 1.2.3.4 1 2 3").reason());
    }

    @Test
    void rejectsBadRq() {
        assertEquals(Reason.BAD_RQ, reject("LIST").reason());
        assertEquals(Reason.BAD_RQ, reject("LIST abc").reason());
        assertEquals(Reason.BAD_RQ, reject("LIST 1234567890").reason());
        assertEquals("0", reject("LIST -1").rq());
    }

    @Test
    void rejectsWrongFieldCount() {
        assertEquals(Reason.WRONG_FIELD_COUNT, reject("REGISTER 1 Alice BOTH 1.2.3.4 5001 6001").reason());
        assertEquals(Reason.WRONG_FIELD_COUNT, reject("LIST 1 extra").reason());
    }

    @Test
    void rejectsFieldAfterOption() {
        assertEquals(Reason.BAD_OPTION, reject("DE-REGISTER 1 token=a Alice").reason());
    }

    @Test
    void rejectsRepeatedOrBadOptionKeys() {
        assertEquals(Reason.BAD_OPTION, reject("LIST 1 token=a token=b").reason());
        assertEquals(Reason.BAD_OPTION, reject("LIST 1 =a").reason());
        assertEquals(Reason.BAD_OPTION, reject("LIST 1 Token=a").reason());
    }

    @Test
    void encodeRefusesWhatDoesNotFitADatagram() {
        Message m = Message.of(Command.LIST_OK, "1", "[" + "a".repeat(1400) + "]");
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(m));
    }
}
