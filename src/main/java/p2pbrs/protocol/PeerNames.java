package p2pbrs.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Peer names: 1 to 64 ASCII characters, the first a letter or digit, then letters,
 * digits, '.', '_' or '-'. Unique regardless of case, so they are compared by {@link #key}.
 */
public final class PeerNames {
    public static final int MAX_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private PeerNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static String check(String name, String rq) throws MalformedMessageException {
        if (!isValid(name)) {
            throw new MalformedMessageException(rq, Reason.BAD_NAME,
                    "a name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** The case-insensitive identity of a name. */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
