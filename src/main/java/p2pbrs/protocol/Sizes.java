package p2pbrs.protocol;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Capacities and sizes: a whole number with an optional unit, case-insensitive. B, KB,
 * MB, GB, TB and KiB, MiB, GiB, TiB are all powers of 1024 (the course writes 1024MB and
 * means mebibytes).
 */
public final class Sizes {
    // CASE_INSENSITIVE without UNICODE_CASE folds ASCII letters only: upper-casing the text
    // first would also turn the dotless i (U+0131) into 'I' and accept "1k\u0131b".
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})(|B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)",
            Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** Bytes in the size, or IllegalArgumentException with a reason a person can read. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (a whole number with an optional unit B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");
        }
        long number;
        try {
            number = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size too large: " + text);
        }
        // The unit matched ASCII letters only, so upper-casing it is safe.
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "", "B" -> 0;
            case "KB", "KIB" -> 10;
            case "MB", "MIB" -> 20;
            case "GB", "GIB" -> 30;
            default -> 40;
        };
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: " + text);
        }
        return number << shift;
    }

    /** As {@link #parse}, failing with the protocol's Bad-size Reason. */
    public static long parse(String text, String rq) throws MalformedMessageException {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(rq, Reason.BAD_SIZE, e.getMessage());
        }
    }

    /** A short human form, e.g. 1.5 GiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
