package p2pbrs.peer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What one scrub found: when it ended, how many chunk files it checked (and how many bytes
 * it read doing so), and how many it removed as bad (wrong size, unreadable, or no longer
 * hashing to their checksum) or missing.
 */
public record ScrubReport(Instant finishedAt, int checked, long bytesRead, int bad, int missing) {

    /** The last scrub as the shell shows it: "never" before the first. */
    public static String describe(ScrubReport last) {
        if (last == null) {
            return "never";
        }
        return "last " + last.finishedAt().truncatedTo(ChronoUnit.SECONDS) + ", " + last.checked()
                + (last.checked() == 1 ? " file" : " files") + " checked, " + last.bad() + " bad, " + last.missing()
                + " missing";
    }
}
