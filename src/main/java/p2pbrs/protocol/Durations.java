package p2pbrs.protocol;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them, one grammar for every duration flag: a whole number and
 * a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 200ms},
 * {@code 5s}, {@code 2m}, {@code 24h}, {@code 7d}).
 */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        Matcher m = text == null ? null : DURATION.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (a whole number and a unit: 200ms, 5s, "
                    + "2m, 24h, 7d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
