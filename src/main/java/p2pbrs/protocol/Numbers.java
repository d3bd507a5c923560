package p2pbrs.protocol;

import java.util.regex.Pattern;

/** Whole-number fields and options, and checksums. */
public final class Numbers {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private Numbers() {
    }

    public static long parseLong(String text, String rq) throws MalformedMessageException {
        if (text == null || !DIGITS.matcher(text).matches()) {
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "not a whole number: " + text);
        }
        return Long.parseLong(text);
    }

    public static int parseInt(String text, String rq) throws MalformedMessageException {
        long value = parseLong(text, rq);
        if (value > Integer.MAX_VALUE) {
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "number too large: " + text);
        }
        return (int) value;
    }

    /** A required option holding a whole number. */
    public static long option(Message m, String key) throws MalformedMessageException {
        String value = m.option(key);
        if (value == null) {
            throw new MalformedMessageException(m.rq(), Reason.BAD_OPTION, "missing option " + key);
        }
        return parseLong(value, m.rq());
    }

    /** A required option holding a whole number that fits an int. */
    public static int intOption(Message m, String key) throws MalformedMessageException {
        long value = option(m, key);
        if (value > Integer.MAX_VALUE) {
            throw new MalformedMessageException(m.rq(), Reason.BAD_NUMBER, key + " too large: " + value);
        }
        return (int) value;
    }

    /** A SHA-256 checksum: 64 lowercase hex digits. */
    public static String checksum(String text, String rq) throws MalformedMessageException {
        if (text == null || !SHA256_HEX.matcher(text).matches()) {
            throw new MalformedMessageException(rq, Reason.BAD_CHECKSUM, "not a SHA-256 in lowercase hex");
        }
        return text;
    }
}
