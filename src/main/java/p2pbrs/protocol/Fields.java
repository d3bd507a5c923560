package p2pbrs.protocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Checks for the positional field types that several messages share. */
public final class Fields {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

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
     * An IPv4 or IPv6 literal of an address a peer can have (never a host name: the server
     * must not block on DNS for a datagram). Returns the canonical text form. Refused too:
     * the broadcast address 255.255.255.255, multicast (224.0.0.0/4, ff00::/8) and the
     * unspecified address (0.0.0.0, ::), which name no single machine to reach.
     */
    public static String ipLiteral(String text, String rq) throws MalformedMessageException {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IPV4.matcher(bare).matches() && !isIpv6(bare)) {
            throw new MalformedMessageException(rq, Reason.BAD_ADDRESS, "not an IP address: " + text);
        }
        InetAddress address;
        try {
            // Checked strictly above, so getByName only parses: it never asks the resolver.
            address = InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            throw new MalformedMessageException(rq, Reason.BAD_ADDRESS, "not an IP address: " + text);
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress() || isBroadcast(address)) {
            throw new MalformedMessageException(rq, Reason.BAD_ADDRESS, "not an address a peer can have: " + text);
        }
        return address.getHostAddress();
    }

    private static boolean isBroadcast(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        for (byte b : address.getAddress()) {
            if (b != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 4291 text form: eight groups of 1 to 4 hex digits separated by ':', or fewer with
     * one '::' standing for at least one zero group; the last two groups may be written as
     * a dotted IPv4 address. No zone id.
     */
    private static boolean isIpv6(String text) {
        if (text.length() < 2 || text.length() > 45) {
            return false;
        }
        int gap = text.indexOf("::");
        if (gap < 0) {
            return groups(text, true) == 8;
        }
        if (text.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String left = text.substring(0, gap);
        String right = text.substring(gap + 2);
        int before = left.isEmpty() ? 0 : groups(left, false);
        int after = right.isEmpty() ? 0 : groups(right, true);
        return before >= 0 && after >= 0 && before + after <= 7;
    }

    /** The 16-bit groups in a ':'-separated run (a dotted IPv4 tail counts two), or -1 when malformed. */
    private static int groups(String run, boolean mayEndInIpv4) {
        String[] parts = run.split(":", -1);
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && mayEndInIpv4 && part.indexOf('.') >= 0) {
                if (!IPV4.matcher(part).matches()) {
                    return -1;
                }
                count += 2;
            } else if (HEX_GROUP.matcher(part).matches()) {
                count++;
            } else {
                return -1;
            }
        }
        return count;
    }
}
