package p2pbrs.protocol;

/**
 * One entry of a LIST_OK peer list: {@code Name:Role:IP:UDP_Port:TCP_Port:Capacity:State},
 * an IPv6 address written in brackets so that its colons do not split the entry.
 */
public record PeerEntry(String name, Role role, String ip, int udpPort, int tcpPort, long capacity, String state) {

    public String encode() {
        String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        return name + ':' + role + ':' + host + ':' + udpPort + ':' + tcpPort + ':' + capacity + ':' + state;
    }

    public static PeerEntry parse(String text, String rq) throws MalformedMessageException {
        int nameEnd = text.indexOf(':');
        int roleEnd = nameEnd < 0 ? -1 : text.indexOf(':', nameEnd + 1);
        if (roleEnd < 0) {
            throw bad(rq, text);
        }
        String name = PeerNames.check(text.substring(0, nameEnd), rq);
        Role role = Role.parse(text.substring(nameEnd + 1, roleEnd), rq);
        String rest = text.substring(roleEnd + 1);
        String host;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw bad(rq, text);
            }
            host = rest.substring(1, close);
            rest = rest.substring(close + 2);
        } else {
            int colon = rest.indexOf(':');
            if (colon < 0) {
                throw bad(rq, text);
            }
            host = rest.substring(0, colon);
            rest = rest.substring(colon + 1);
        }
        String[] parts = rest.split(":", -1);
        if (parts.length != 4) {
            throw bad(rq, text);
        }
        String ip = Fields.ipLiteral(host, rq);
        int udp = Fields.port(parts[0], rq);
        int tcp = Fields.port(parts[1], rq);
        long capacity = Sizes.parse(parts[2], rq);
        return new PeerEntry(name, role, ip, udp, tcp, capacity, parts[3]);
    }

    private static MalformedMessageException bad(String rq, String text) {
        return new MalformedMessageException(rq, Reason.BAD_LIST, "bad peer entry: " + text);
    }
}
