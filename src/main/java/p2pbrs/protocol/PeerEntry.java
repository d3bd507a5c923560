package p2pbrs.protocol;

/**
 * One entry of a LIST_OK peer list: {@code Name:Role:IP:UDP_Port:TCP_Port:Capacity:State:Used},
 * an IPv6 address written in brackets so that its colons do not split the entry. Used is
 * what the server counts against the capacity (read as 0 when an entry stops at State).
 */
public record PeerEntry(String name, Role role, String ip, int udpPort, int tcpPort, long capacity, String state,
                        long used) {

    public PeerEntry(String name, Role role, String ip, int udpPort, int tcpPort, long capacity, String state) {
        this(name, role, ip, udpPort, tcpPort, capacity, state, 0);
    }

    public String encode() {
        return name + ':' + role + ':' + Hosts.format(ip) + ':' + udpPort + ':' + tcpPort + ':' + capacity + ':' + state
                + ':' + used;
    }

    /** What is left of the capacity. */
    public long free() {
        return Math.max(0, capacity - used);
    }

    public static PeerEntry parse(String text, String rq) throws MalformedMessageException {
        int nameEnd = text.indexOf(':');
        int roleEnd = nameEnd < 0 ? -1 : text.indexOf(':', nameEnd + 1);
        if (roleEnd < 0) {
            throw bad(rq, text);
        }
        String name = PeerNames.check(text.substring(0, nameEnd), rq);
        Role role = Role.parse(text.substring(nameEnd + 1, roleEnd), rq);
        String[] hostAndRest = Hosts.split(text.substring(roleEnd + 1));
        String[] parts = hostAndRest == null ? new String[0] : hostAndRest[1].split(":", -1);
        if (parts.length != 4 && parts.length != 5) {
            throw bad(rq, text);
        }
        String ip = Fields.ipLiteral(hostAndRest[0], rq);
        int udp = Fields.port(parts[0], rq);
        int tcp = Fields.port(parts[1], rq);
        long capacity = Sizes.parse(parts[2], rq);
        if (parts.length == 5 && !parts[4].matches("[0-9]{1,18}")) {
            throw bad(rq, text);
        }
        long used = parts.length == 5 ? Long.parseLong(parts[4]) : 0;
        return new PeerEntry(name, role, ip, udp, tcp, capacity, parts[3], used);
    }

    private static MalformedMessageException bad(String rq, String text) {
        return new MalformedMessageException(rq, Reason.BAD_LIST, "bad peer entry: " + text);
    }
}
