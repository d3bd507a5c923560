package p2pbrs.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Checks for the positional field types that several messages share. */
public final class Fields {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private Fields() {
    }

    /** A port number from 1 to 65535. */
    public static int port(String text, String rq) throws MalformedMessageException {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedMessageException(rq, Reason.BAD_PORT, "not a port: " + text);
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new MalformedMessageException(rq, Reason.BAD_PORT, "port out of range: " + text);
        }
        return port;
    }

    /**
     * An IPv4 or IPv6 literal (never a host name: the server must not block on DNS for a
     * datagram). Returns the canonical text form.
     */
    public static String ipLiteral(String text, String rq) throws MalformedMessageException {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = IPV4.matcher(bare).matches();
        boolean v6 = !v4 && bare.indexOf(':') >= 0 && IPV6_CHARS.matcher(bare).matches();
        if (!v4 && !v6) {
            throw new MalformedMessageException(rq, Reason.BAD_ADDRESS, "not an IP address: " + text);
        }
        try {
            // With a literal, getByName parses and never looks anything up.
            return InetAddress.getByName(bare).getHostAddress();
        } catch (UnknownHostException e) {
            throw new MalformedMessageException(rq, Reason.BAD_ADDRESS, "not an IP address: " + text);
        }
    }
}
