package p2pbrs.protocol;

/** IP addresses inside colon-separated list entries: IPv6 goes in brackets. */
final class Hosts {
    private Hosts() {
    }

    static String format(String ip) {
        return ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    }

    /**
     * Splits "host:rest" where host may be a bracketed IPv6 address; returns {host, rest}
     * with the brackets removed, or null when the text has no such shape.
     */
    static String[] split(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return null;
            }
            return new String[] {text.substring(1, close), text.substring(close + 2)};
        }
        int colon = text.indexOf(':');
        return colon < 0 ? null : new String[] {text.substring(0, colon), text.substring(colon + 1)};
    }
}
