package p2pbrs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** history's --since: an ISO date, an ISO time with its offset, or a time ago. */
class HistoryCommandTest {
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void sinceTakesADateATimeOrATimeAgo() {
        assertEquals(OffsetDateTime.parse("2026-11-23T12:00Z"), HistoryCommand.since("7d", NOON));
        assertEquals(OffsetDateTime.parse("2026-11-30T00:00Z"), HistoryCommand.since("12h", NOON));
        assertEquals(OffsetDateTime.parse("2026-11-01T00:00Z"), HistoryCommand.since("2026-11-01", NOON));
        assertEquals(OffsetDateTime.parse("2026-11-01T12:00+01:00"),
                HistoryCommand.since("2026-11-01T12:00+01:00", NOON));
        assertThrows(IllegalArgumentException.class, () -> HistoryCommand.since("last week", NOON));
    }
}
