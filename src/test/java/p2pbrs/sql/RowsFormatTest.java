package p2pbrs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import p2pbrs.testing.Json;

/** How rows are printed: aligned, as JSON read back whole, as RFC 4180 CSV. */
class RowsFormatTest {
    // A time two hours east of UTC; every format shows it in UTC.
    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 3, 1, 12, 30, 0, 0, ZoneOffset.ofHours(2));
    private static final Rows ROWS = new Rows(List.of("NAME", "Size", "AT", "NOTE"), List.of(
            Arrays.asList("a,b", 12L, AT, null),
            Arrays.asList("say \"hi\"\nthen go", 3, null, true)));

    @Test
    void tableAlignsColumnsAndNumbersToTheRightAndKeepsEachRowOnOneLine() {
        assertEquals("""
                name               size  at                    note
                -----------------  ----  --------------------  ----
                a,b                  12  2026-03-01T10:30:00Z  NULL
                say "hi"\\nthen go     3  NULL                  true
                (2 rows)
                """, RowsFormat.TABLE.format(ROWS));
    }

    @Test
    void jsonIsAnArrayOfObjectsWithLowerCaseKeysAndUtcTimes() {
        List<Map<String, Object>> read = Json.rows(RowsFormat.JSON.format(ROWS));
        assertEquals(2, read.size());
        assertEquals(List.of("name", "size", "at", "note"), List.copyOf(read.get(0).keySet()));
        assertEquals("a,b", read.get(0).get("name"));
        assertEquals(new BigDecimal(12), read.get(0).get("size"));
        assertEquals("2026-03-01T10:30:00Z", read.get(0).get("at"));
        assertEquals(null, read.get(0).get("note"));
        assertEquals("say \"hi\"\nthen go", read.get(1).get("name"));
        assertEquals(true, read.get(1).get("note"));
        assertEquals("[]\n", RowsFormat.JSON.format(new Rows(List.of("X"), List.of())));
    }

    @Test
    void csvQuotesWhatMustBeQuotedAndEndsLinesWithCrLf() {
        assertEquals("name,size,at,note\r\n"
                + "\"a,b\",12,2026-03-01T10:30:00Z,\r\n"
                + "\"say \"\"hi\"\"\nthen go\",3,,true\r\n", RowsFormat.CSV.format(ROWS));
    }
}
