package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bytes in, message out, and back: the wire rules of docs/protocol.md, no sockets. */
class CodecTest {
    private static final String COURSE_EXAMPLE = "REGISTER 01 Alice BOTH 192.168.1.10 5001 6001 1024MB";
    private static final Pattern RQ = Pattern.compile("[0-9]{1,9}");
    /** The Reasons Codec itself may give; the field-level ones come from the field checks. */
    private static final Set<String> DATAGRAM_REASONS = Set.of(Reason.EMPTY_DATAGRAM, Reason.DATAGRAM_TOO_LARGE,
            Reason.NOT_UTF8, Reason.BAD_CHARACTER, Reason.BAD_SPACING, Reason.BAD_RQ, Reason.UNKNOWN_COMMAND,
            Reason.WRONG_FIELD_COUNT, Reason.BAD_OPTION);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Message decode(String text) throws MalformedMessageException {
        return Codec.decode(utf8(text));
    }

    private static MalformedMessageException reject(byte[] bytes) {
        return assertThrows(MalformedMessageException.class, () -> Codec.decode(bytes));
    }

    private static void assertRejected(String text, String reason, String rq) {
        assertRejected(utf8(text), reason, rq);
    }

    private static void assertRejected(byte[] bytes, String reason, String rq) {
        MalformedMessageException e = reject(bytes);
        assertEquals(reason, e.reason(), "reason");
        assertEquals(rq, e.rq(), "rq");
    }

    /** Distinct values, so that a codec that reorders fields fails. */
    private static List<String> sampleFields(Command command) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < command.arity(); i++) {
            fields.add("f" + i);
        }
        return fields;
    }

    // ---- the course example ----

    @Test
    void decodesCourseExample() throws Exception {
        Message m = decode(COURSE_EXAMPLE);
        assertEquals(Command.REGISTER, m.command());
        assertEquals(List.of("Alice", "BOTH", "192.168.1.10", "5001", "6001", "1024MB"), m.fields());
        assertEquals(Map.of(), m.options());
    }

    @Test
    void courseExampleKeepsRqExactlyAsWritten() throws Exception {
        Message m = decode(COURSE_EXAMPLE);
        assertEquals("01", m.rq());
        assertEquals("REGISTERED 01", Codec.format(Message.of(Command.REGISTERED, m.rq())));
    }

    @Test
    void courseExampleEncodesBackToTheSameBytes() throws Exception {
        assertArrayEquals(utf8(COURSE_EXAMPLE), Codec.encode(decode(COURSE_EXAMPLE)));
    }

    @Test
    void courseExampleFieldsPassTheirChecks() throws Exception {
        Message m = decode(COURSE_EXAMPLE);
        assertEquals("Alice", PeerNames.check(m.field(0), m.rq()));
        assertEquals(Role.BOTH, Role.parse(m.field(1), m.rq()));
        assertEquals("192.168.1.10", Fields.ipLiteral(m.field(2), m.rq()));
        assertEquals(5001, Fields.port(m.field(3), m.rq()));
        assertEquals(6001, Fields.port(m.field(4), m.rq()));
        assertEquals(1_073_741_824L, Sizes.parse(m.field(5), m.rq()));
    }

    // ---- round trips ----

    @ParameterizedTest
    @EnumSource(Command.class)
    void everyCommandRoundTripsFromMessageToBytesAndBack(Command command) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("token", "ab12");
        options.put("next", "x");
        Message m = new Message(command, "123456789", sampleFields(command), options);
        byte[] bytes = Codec.encode(m);
        Message back = Codec.decode(bytes);
        assertEquals(m, back);
        assertEquals(List.copyOf(options.keySet()), List.copyOf(back.options().keySet()), "option order");
    }

    @ParameterizedTest
    @EnumSource(Command.class)
    void everyCommandRoundTripsFromBytesToMessageAndBack(Command command) throws Exception {
        StringBuilder text = new StringBuilder(command.wireName()).append(" 07");
        for (String field : sampleFields(command)) {
            text.append(' ').append(field);
        }
        text.append(" token=t1");
        byte[] bytes = utf8(text.toString());
        Message m = Codec.decode(bytes);
        assertSame(command, m.command());
        assertEquals("07", m.rq());
        assertEquals(sampleFields(command), m.fields());
        assertEquals("t1", m.option("token"));
        assertArrayEquals(bytes, Codec.encode(m));
    }

    @ParameterizedTest
    @EnumSource(Command.class)
    void everyWireNameLeadsBackToItsCommand(Command command) {
        assertSame(command, Command.fromWire(command.wireName()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "LIST_OK 8 [Alice:BOTH:192.168.1.10:5001:6001:1073741824:ALIVE,bob:STORAGE:[2001:db8:0:0:0:0:0:1]:5002:6002:1024:STALE] next=carol",
        "LIST 9 token=0123abcd after=bob",
        "BACKUP_REQ 10 r%C3%A9sum%C3%A9.txt 123456 - token=ab",
        "BACKUP_COMPLETE 11 a.txt version=3 chunks=2 under_replicated=0",
        "ERROR 0 Bad-RQ",
        "REGISTER-DENIED 000000001 Name-taken",
        "LIST_OK 12 []",
    })
    void realisticMessagesRoundTrip(String text) throws Exception {
        assertEquals(text, Codec.format(decode(text)));
    }

    // ---- options ----

    @Test
    void optionsAreReadAfterFields() throws Exception {
        Message m = decode("DE-REGISTER 3 Alice token=abc");
        assertEquals(List.of("Alice"), m.fields());
        assertEquals(Map.of("token", "abc"), m.options());
    }

    @Test
    void unknownOptionsAreKept() throws Exception {
        assertEquals("1", decode("LIST 5 token=abc future_option=1").option("future_option"));
    }

    @Test
    void optionOrderIsKeptOnTheWire() throws Exception {
        String text = "LIST 5 zz=1 aa=2 mm=3";
        assertEquals(text, Codec.format(decode(text)));
    }

    @Test
    void optionValueMayContainEqualsSign() throws Exception {
        assertEquals("a=b", decode("LIST 5 after=a=b").option("after"));
    }

    @Test
    void optionKeyOf32CharactersIsAccepted() throws Exception {
        String key = "a" + "b_9".repeat(10) + "c";
        assertEquals(32, key.length());
        assertEquals("v", decode("LIST 5 " + key + "=v").option(key));
    }

    @Test
    void acceptsMultiByteUtf8InOptionValue() throws Exception {
        String text = "LIST 5 after=résumé✓\uD83D\uDE00";
        Message m = decode(text);
        assertEquals("résumé✓\uD83D\uDE00", m.option("after"));
        assertArrayEquals(utf8(text), Codec.encode(m));
    }

    // ---- RQ# ----

    @Test
    void acceptsNineDigitRq() throws Exception {
        assertEquals("999999999", decode("LIST 999999999").rq());
    }

    @Test
    void acceptsOneDigitRq() throws Exception {
        assertEquals("7", decode("LIST 7").rq());
    }

    @Test
    void keepsLeadingZerosOfRq() throws Exception {
        assertEquals("007", decode("LIST 007").rq());
        assertEquals("LIST 007", Codec.format(decode("LIST 007")));
    }

    // ---- trailing newline ----

    @Test
    void toleratesOneTrailingLineFeed() throws Exception {
        assertEquals(Message.of(Command.LIST, "5"), decode("LIST 5\n"));
    }

    @Test
    void toleratesOneTrailingCarriageReturnLineFeed() throws Exception {
        assertEquals(Message.of(Command.DE_REGISTER, "5", "Alice"), decode("DE-REGISTER 5 Alice\r\n"));
    }

    @Test
    void encodeWritesNoTrailingNewline() throws Exception {
        assertArrayEquals(utf8("LIST 5"), Codec.encode(decode("LIST 5\r\n")));
    }

    @Test
    void rejectsTwoTrailingNewlines() {
        assertRejected("LIST 5 token=a\n\n", Reason.BAD_CHARACTER, "5");
    }

    @Test
    void rejectsTrailingCarriageReturnAlone() {
        assertRejected("LIST 5 token=a\r", Reason.BAD_CHARACTER, "5");
    }

    // ---- empty and oversized datagrams ----

    @Test
    void rejectsEmptyDatagram() {
        assertRejected(new byte[0], Reason.EMPTY_DATAGRAM, "0");
    }

    @Test
    void rejectsDatagramHoldingOnlyANewline() {
        assertRejected("\n", Reason.EMPTY_DATAGRAM, "0");
    }

    @Test
    void rejectsDatagramHoldingOnlyACarriageReturnLineFeed() {
        assertRejected("\r\n", Reason.EMPTY_DATAGRAM, "0");
    }

    @Test
    void accepts1399ByteDatagram() throws Exception {
        String text = "LIST 5 after=" + "a".repeat(1399 - 13);
        assertEquals(1399, utf8(text).length);
        assertEquals(1386, decode(text).option("after").length());
    }

    @Test
    void rejects1400ByteDatagram() {
        byte[] bytes = utf8("LIST 5 after=" + "a".repeat(1400 - 13));
        assertEquals(1400, bytes.length);
        assertRejected(bytes, Reason.DATAGRAM_TOO_LARGE, "0");
    }

    @Test
    void rejectsOversizedDatagram() {
        byte[] bytes = utf8("LIST 5 after=" + "a".repeat(65_000));
        assertRejected(bytes, Reason.DATAGRAM_TOO_LARGE, "0");
    }

    @Test
    void datagramLimitCountsBytesNotCharacters() {
        // 13 + 2 * 694 = 1401 bytes, but only 707 characters.
        assertRejected("LIST 5 after=" + "é".repeat(694), Reason.DATAGRAM_TOO_LARGE, "0");
    }

    @Test
    void trailingNewlineCountsTowardsTheDatagramLimit() {
        byte[] bytes = utf8("LIST 5 after=" + "a".repeat(1399 - 13) + "\n");
        assertEquals(1400, bytes.length);
        assertRejected(bytes, Reason.DATAGRAM_TOO_LARGE, "0");
    }

    @Test
    void decodeReadsOnlyTheGivenSliceOfABuffer() throws Exception {
        byte[] buffer = new byte[2048];
        java.util.Arrays.fill(buffer, (byte) 'x');
        byte[] message = utf8("DE-REGISTER 12 Alice");
        System.arraycopy(message, 0, buffer, 100, message.length);
        assertEquals(Message.of(Command.DE_REGISTER, "12", "Alice"), Codec.decode(buffer, 100, message.length));
    }

    @Test
    void decodeOfAnEmptySliceIsAnEmptyDatagram() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Codec.decode(utf8("LIST 5"), 3, 0));
        assertEquals(Reason.EMPTY_DATAGRAM, e.reason());
    }

    @Test
    void encodeAcceptsMessageOf1399Bytes() {
        Message m = Message.of(Command.LIST_OK, "1", "[" + "a".repeat(1399 - 12) + "]");
        assertEquals(1399, Codec.encode(m).length);
    }

    @Test
    void encodeRefusesMessageOf1400Bytes() {
        Message m = Message.of(Command.LIST_OK, "1", "[" + "a".repeat(1400 - 12) + "]");
        assertEquals(1400, utf8(Codec.format(m)).length);
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(m));
    }

    @Test
    void encodeRefusesMessageWhoseCharactersFitButBytesDoNot() {
        Message m = Message.of(Command.LIST, "1").withOption("after", "é".repeat(700));
        assertTrue(Codec.format(m).length() < Codec.MAX_DATAGRAM_BYTES);
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(m));
    }

    // ---- not UTF-8, binary junk ----

    @Test
    void rejectsInvalidUtf8() {
        assertRejected(new byte[] {'L', 'I', 'S', 'T', ' ', '5', ' ', 'a', '=', (byte) 0xC3, (byte) 0x28},
                Reason.NOT_UTF8, "0");
    }

    @Test
    void rejectsTruncatedUtf8Sequence() {
        assertRejected(new byte[] {'L', 'I', 'S', 'T', ' ', '5', ' ', 'a', '=', (byte) 0xE2, (byte) 0x9C},
                Reason.NOT_UTF8, "0");
    }

    @Test
    void rejectsOverlongUtf8Encoding() {
        // 0xC0 0xAF is an overlong '/', a classic way round path checks.
        assertRejected(new byte[] {'L', 'I', 'S', 'T', ' ', '5', ' ', 'a', '=', (byte) 0xC0, (byte) 0xAF},
                Reason.NOT_UTF8, "0");
    }

    @Test
    void rejectsUtf8EncodedSurrogate() {
        assertRejected(new byte[] {'L', 'I', 'S', 'T', ' ', '5', ' ', 'a', '=', (byte) 0xED, (byte) 0xA0, (byte) 0x80},
                Reason.NOT_UTF8, "0");
    }

    @Test
    void rejectsLoneContinuationByte() {
        assertRejected(new byte[] {'L', 'I', 'S', 'T', ' ', '5', (byte) 0x80}, Reason.NOT_UTF8, "0");
    }

    @Test
    void rejectsByteFF() {
        assertRejected(new byte[] {(byte) 0xFF, (byte) 0xFE, 'L', 'I', 'S', 'T', ' ', '5'}, Reason.NOT_UTF8, "0");
    }

    @Test
    void rejectsBinaryJunk() {
        byte[] junk = new byte[64];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (i * 37);
        }
        assertRejected(junk, Reason.NOT_UTF8, "0");
    }

    @Test
    void rejectsNulBytes() {
        assertRejected(new byte[16], Reason.BAD_CHARACTER, "0");
    }

    @Test
    void randomJunkIsAlwaysRefusedWithADatagramReason() {
        Random random = new Random(366);
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[1 + random.nextInt(300)];
            random.nextBytes(junk);
            MalformedMessageException e = reject(junk);
            assertTrue(DATAGRAM_REASONS.contains(e.reason()), e.reason());
            assertTrue(RQ.matcher(e.rq()).matches(), e.rq());
        }
    }

    @Test
    void mutatedMessagesEitherDecodeCleanlyOrAreRefused() {
        Random random = new Random(6001);
        byte[] original = utf8(COURSE_EXAMPLE + " token=abc");
        for (int i = 0; i < 5_000; i++) {
            byte[] mutated = original.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            try {
                Message m = Codec.decode(mutated);
                assertEquals(m, Codec.decode(Codec.encode(m)));
            } catch (MalformedMessageException e) {
                assertTrue(DATAGRAM_REASONS.contains(e.reason()), e.reason());
            } catch (RuntimeException e) {
                fail("decode threw " + e + " for " + java.util.Arrays.toString(mutated));
            }
        }
    }

    // ---- Bad-character ----

    @Test
    void rejectsTabInsideField() {
        assertRejected("DE-REGISTER 7 Al\tice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsTabBetweenFields() {
        assertRejected("LIST\t5", Reason.BAD_CHARACTER, "0");
    }

    @Test
    void rejectsNewlineInsideMessage() {
        assertRejected("LIST 5 token=a\nLIST 6", Reason.BAD_CHARACTER, "5");
    }

    @Test
    void rejectsCarriageReturnInsideField() {
        assertRejected("DE-REGISTER 7 Al\rice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsNulCharacter() {
        assertRejected("DE-REGISTER 7 Al\u0000ice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsEscapeCharacter() {
        assertRejected("DE-REGISTER 7 \u001B[31mAlice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsDeleteCharacter() {
        assertRejected("DE-REGISTER 7 Alice\u007F", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsC1ControlCharacter() {
        assertRejected("DE-REGISTER 7 Alice\u0085", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsVerticalTab() {
        assertRejected("DE-REGISTER 7 Al\u000Bice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsFormFeed() {
        assertRejected("DE-REGISTER 7 Al\u000Cice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsNoBreakSpace() {
        assertRejected("DE-REGISTER 7 Al\u00A0ice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsIdeographicSpace() {
        assertRejected("DE-REGISTER 7 Al\u3000ice", Reason.BAD_CHARACTER, "7");
    }

    @Test
    void rejectsUnicodeLineSeparator() {
        assertRejected("DE-REGISTER 7 Al\u2028ice", Reason.BAD_CHARACTER, "7");
    }

    // ---- Bad-spacing ----

    @Test
    void rejectsDoubleSpaceBetweenFields() {
        assertRejected("DE-REGISTER 42  Alice", Reason.BAD_SPACING, "42");
    }

    @Test
    void rejectsDoubleSpaceBeforeOption() {
        assertRejected("DE-REGISTER 42 Alice  token=a", Reason.BAD_SPACING, "42");
    }

    @Test
    void rejectsLeadingSpace() {
        assertRejected(" LIST 5", Reason.BAD_SPACING, "0");
    }

    @Test
    void rejectsTrailingSpace() {
        assertRejected("LIST 5 ", Reason.BAD_SPACING, "5");
    }

    @Test
    void rejectsTrailingSpaceBeforeNewline() {
        assertRejected("LIST 5 \n", Reason.BAD_SPACING, "5");
    }

    @Test
    void rejectsDatagramOfSpacesOnly() {
        assertRejected("   ", Reason.BAD_SPACING, "0");
    }

    // ---- Bad-RQ ----

    @Test
    void rejectsMissingRq() {
        assertRejected("LIST", Reason.BAD_RQ, "0");
    }

    @Test
    void rejectsLetterRq() {
        assertRejected("LIST abc", Reason.BAD_RQ, "0");
    }

    @Test
    void rejectsTenDigitRq() {
        assertRejected("LIST 1234567890", Reason.BAD_RQ, "0");
    }

    @Test
    void rejectsNegativeRq() {
        assertRejected("LIST -1", Reason.BAD_RQ, "0");
    }

    @Test
    void rejectsPlusSignedRq() {
        assertRejected("LIST +1", Reason.BAD_RQ, "0");
    }

    @Test
    void rejectsDecimalRq() {
        assertRejected("LIST 1.5", Reason.BAD_RQ, "0");
    }

    @Test
    void rejectsNonAsciiDigitRq() {
        assertRejected("LIST \u0665", Reason.BAD_RQ, "0");
    }

    @Test
    void rejectsOptionInPlaceOfRq() {
        assertRejected("LIST token=abc", Reason.BAD_RQ, "0");
    }

    // ---- Unknown-command ----

    @Test
    void rejectsUnknownCommandKeepingItsRq() {
        assertRejected("HELLO 77 x", Reason.UNKNOWN_COMMAND, "77");
    }

    @Test
    void rejectsUnknownCommandWithoutRq() {
        assertRejected("HELLO", Reason.UNKNOWN_COMMAND, "0");
    }

    @Test
    void rejectsLowerCaseCommand() {
        assertRejected("register 1 Alice BOTH 1.2.3.4 1 2 3", Reason.UNKNOWN_COMMAND, "1");
    }

    @Test
    void rejectsEnumNameInPlaceOfHyphenatedWireName() {
        assertRejected("DE_REGISTER 1 Alice", Reason.UNKNOWN_COMMAND, "1");
    }

    @Test
    void rejectsHyphenInPlaceOfUnderscore() {
        assertRejected("LIST-OK 1 []", Reason.UNKNOWN_COMMAND, "1");
    }

    @Test
    void rejectsByteOrderMarkBeforeCommand() {
        MalformedMessageException e = reject(utf8("\uFEFFLIST 1"));
        assertTrue(Set.of(Reason.UNKNOWN_COMMAND, Reason.BAD_CHARACTER).contains(e.reason()), e.reason());
    }

    // ---- Wrong-field-count ----

    @Test
    void rejectsTooFewFields() {
        assertRejected("REGISTER 1 Alice BOTH 192.168.1.10 5001 6001", Reason.WRONG_FIELD_COUNT, "1");
    }

    @Test
    void rejectsTooManyFields() {
        assertRejected(COURSE_EXAMPLE + " extra", Reason.WRONG_FIELD_COUNT, "01");
    }

    @Test
    void rejectsFieldOnFieldlessCommand() {
        assertRejected("LIST 1 extra", Reason.WRONG_FIELD_COUNT, "1");
    }

    @Test
    void rejectsOptionStandingInForAField() {
        assertRejected("DE-REGISTER 1 token=abc", Reason.WRONG_FIELD_COUNT, "1");
    }

    // ---- Bad-option ----

    @Test
    void rejectsFieldAfterOption() {
        assertRejected("DE-REGISTER 9 token=a Alice", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsRepeatedOptionKey() {
        assertRejected("LIST 9 token=a token=b", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsRepeatedOptionKeyEvenWithSameValue() {
        assertRejected("LIST 9 token=a token=a", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsEmptyOptionKey() {
        assertRejected("LIST 9 =a", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsUpperCaseOptionKey() {
        assertRejected("LIST 9 Token=a", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsOptionKeyStartingWithDigit() {
        assertRejected("LIST 9 1token=a", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsOptionKeyStartingWithUnderscore() {
        assertRejected("LIST 9 _token=a", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsOptionKeyWithHyphen() {
        assertRejected("LIST 9 to-ken=a", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsOptionKeyOf33Characters() {
        assertRejected("LIST 9 " + "a".repeat(33) + "=v", Reason.BAD_OPTION, "9");
    }

    @Test
    void rejectsNonAsciiOptionKey() {
        assertRejected("LIST 9 tökén=a", Reason.BAD_OPTION, "9");
    }

    // ---- ERROR replies, Reasons, Message ----

    @Test
    void errorReplyUsesRqZeroWhenNoneCouldBeRead() {
        MalformedMessageException e = reject(new byte[] {(byte) 0xFF});
        assertArrayEquals(utf8("ERROR 0 Not-UTF8"), Codec.encode(e.toError()));
    }

    @Test
    void errorReplyEchoesTheRqAsWritten() {
        MalformedMessageException e = reject(utf8("HELLO 0077 x"));
        assertEquals("ERROR 0077 Unknown-command", Codec.format(e.toError()));
    }

    @Test
    void everyReasonIsOneWordThatRoundTripsInAnErrorReply() throws Exception {
        int count = 0;
        for (Field f : Reason.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String reason = (String) f.get(null);
                assertTrue(reason.matches("[A-Za-z0-9]+(-[A-Za-z0-9]+)*"), f.getName() + " = '" + reason + "'");
                Message error = Message.of(Command.ERROR, "3", reason);
                assertEquals(error, Codec.decode(Codec.encode(error)));
                count++;
            }
        }
        assertTrue(count >= 15, "found " + count + " Reasons");
    }

    @Test
    void messageRefusesWrongFieldCount() {
        assertThrows(IllegalArgumentException.class, () -> Message.of(Command.REGISTER, "1", "Alice"));
    }

    @Test
    void messageIsImmutableAndCopiesItsInputs() {
        List<String> fields = new ArrayList<>(List.of("Alice"));
        Map<String, String> options = new LinkedHashMap<>(Map.of("token", "a"));
        Message m = new Message(Command.DE_REGISTER, "1", fields, options);
        fields.set(0, "Bob");
        options.put("token", "b");
        assertEquals("Alice", m.field(0));
        assertEquals("a", m.option("token"));
        assertThrows(UnsupportedOperationException.class, () -> m.fields().set(0, "Bob"));
        assertThrows(UnsupportedOperationException.class, () -> m.options().put("x", "y"));
    }

    @Test
    void withOptionReplacesTheSameKeyAndLeavesTheOriginal() {
        Message m = Message.of(Command.LIST, "1").withOption("token", "a").withOption("after", "b");
        Message replaced = m.withOption("token", "c");
        assertEquals("LIST 1 token=c after=b", Codec.format(replaced));
        assertEquals("LIST 1 token=a after=b", Codec.format(m));
    }

    @Test
    void missingOptionIsNull() throws Exception {
        assertNull(decode("LIST 1 token=a").option("after"));
    }

    @Test
    void toStringIsTheWireText() throws Exception {
        assertEquals(COURSE_EXAMPLE, decode(COURSE_EXAMPLE).toString());
    }

    @Test
    void onlyPeerToPeerChunkCommandsTravelOverTcp() {
        Set<Command> tcp = Set.of(Command.SEND_CHUNK, Command.CHUNK_OK, Command.CHUNK_ERROR, Command.GET_CHUNK,
                Command.CHUNK_DATA);
        for (Command c : Command.values()) {
            assertEquals(tcp.contains(c) ? Command.Transport.TCP : Command.Transport.UDP, c.transport(), c.wireName());
        }
    }
}
