package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Sizes and capacities: a whole number and an optional unit, every unit a power of 1024. */
class SizesTest {
    private static void assertRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text), "'" + text + "'");
    }

    @Test
    void courseCapacity1024MBIsOneGibibyte() {
        assertEquals(1_073_741_824L, Sizes.parse("1024MB"));
    }

    @Test
    void plainNumberIsBytes() {
        assertEquals(17, Sizes.parse("17"));
    }

    @Test
    void zeroIsAccepted() {
        assertEquals(0, Sizes.parse("0"));
        assertEquals(0, Sizes.parse("0TB"));
    }

    @Test
    void leadingZerosAreAccepted() {
        assertEquals(10_240, Sizes.parse("0010KB"));
    }

    @ParameterizedTest
    @CsvSource({"B,0", "KB,10", "MB,20", "GB,30", "TB,40", "KiB,10", "MiB,20", "GiB,30", "TiB,40"})
    void everyUnitIsAPowerOf1024(String unit, int shift) {
        assertEquals(3L << shift, Sizes.parse("3" + unit));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1kb", "1Kb", "1kB", "1kib", "1KIB", "1kIb"})
    void unitsAreCaseInsensitive(String text) {
        assertEquals(1024, Sizes.parse(text));
    }

    @Test
    void lowerCaseBIsBytes() {
        assertEquals(17, Sizes.parse("17b"));
    }

    @Test
    void kilobyteAndKibibyteAreTheSame() {
        assertEquals(Sizes.parse("5GiB"), Sizes.parse("5GB"));
    }

    @Test
    void unitsIgnoreTurkishDefaultLocale() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertEquals(1024, Sizes.parse("1kib"));
            assertEquals(1L << 30, Sizes.parse("1gib"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void largestLongIsAccepted() {
        assertEquals(Long.MAX_VALUE, Sizes.parse("9223372036854775807"));
    }

    @Test
    void largestTerabyteCountIsAccepted() {
        assertEquals(8_388_607L << 40, Sizes.parse("8388607TB"));
    }

    @Test
    void largestKilobyteCountIsAccepted() {
        assertEquals((Long.MAX_VALUE >> 10) << 10, Sizes.parse((Long.MAX_VALUE >> 10) + "KB"));
    }

    @Test
    void rejectsNumberAboveLongMax() {
        assertRefused("9223372036854775808");
    }

    @Test
    void rejectsTwentyDigitNumber() {
        assertRefused("99999999999999999999");
    }

    @Test
    void rejectsOverflowingTerabytes() {
        assertRefused("8388608TB");
    }

    @Test
    void rejectsOverflowingGibibytes() {
        assertRefused("8589934592GiB");
    }

    @Test
    void rejectsOverflowingKilobytes() {
        assertRefused(((Long.MAX_VALUE >> 10) + 1) + "KB");
    }

    @Test
    void rejectsOverflowThatWrapsToZero() {
        // 2^24 TB = 2^64 bytes, which a plain shift would turn into 0.
        assertRefused("16777216TB");
    }

    @Test
    void rejectsEmptyText() {
        assertRefused("");
    }

    @Test
    void rejectsNull() {
        assertRefused(null);
    }

    @Test
    void rejectsUnitWithoutNumber() {
        assertRefused("MB");
    }

    @Test
    void rejectsDecimal() {
        assertRefused("1.5GB");
    }

    @Test
    void rejectsNegative() {
        assertRefused("-1");
    }

    @Test
    void rejectsPlusSign() {
        assertRefused("+1");
    }

    @Test
    void rejectsExponent() {
        assertRefused("1e3");
    }

    @Test
    void rejectsDigitGroupSeparators() {
        assertRefused("1_000");
        assertRefused("1,000");
    }

    @Test
    void rejectsSpaceBeforeUnit() {
        assertRefused("1 GB");
    }

    @Test
    void rejectsSurroundingSpace() {
        assertRefused(" 1GB");
        assertRefused("1GB ");
    }

    @Test
    void rejectsPetabytes() {
        assertRefused("1PB");
    }

    @Test
    void rejectsSingleLetterUnit() {
        assertRefused("1K");
        assertRefused("1M");
    }

    @Test
    void rejectsUnitBeforeNumber() {
        assertRefused("GB1");
    }

    @Test
    void rejectsFullwidthDigits() {
        assertRefused("\uFF11\uFF10");
    }

    @Test
    void rejectsDotlessIInUnit() {
        assertRefused("1k\u0131b");
        assertRefused("1T\u0131B");
    }

    @Test
    void rejectsOtherLettersThatFoldToAsciiUnits() {
        // KELVIN SIGN (lower-cases to 'k'), LATIN CAPITAL I WITH DOT ABOVE (lower-cases to "i\u0307").
        assertRefused("1\u212AB");
        assertRefused("1\u212Ai\u0042");
        assertRefused("1K\u0130B");
    }

    @Test
    void unitsStayCaseInsensitiveInAscii() {
        assertEquals(1L << 10, Sizes.parse("1kib"));
        assertEquals(1L << 30, Sizes.parse("1gB"));
        assertEquals(1L << 40, Sizes.parse("1Tib"));
    }

    @Test
    void protocolFormReturnsBytes() throws Exception {
        assertEquals(2L << 20, Sizes.parse("2MiB", "5"));
    }

    @Test
    void protocolFormReportsBadSizeWithTheRq() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Sizes.parse("lots", "42"));
        assertEquals(Reason.BAD_SIZE, e.reason());
        assertEquals("42", e.rq());
    }

    @Test
    void protocolFormReportsOverflowAsBadSize() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Sizes.parse("8388608TB", "7"));
        assertEquals(Reason.BAD_SIZE, e.reason());
    }

    @ParameterizedTest
    @CsvSource({"0,0 B", "1023,1023 B", "1024,1.0 KiB", "1536,1.5 KiB", "1073741824,1.0 GiB",
        "1099511627776,1.0 TiB", "9223372036854775807,8.0 EiB"})
    void humanFormUsesBinaryUnits(long bytes, String expected) {
        assertEquals(expected, Sizes.human(bytes));
    }
}
