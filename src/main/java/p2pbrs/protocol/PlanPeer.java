package p2pbrs.protocol;

import java.util.regex.Pattern;

/**
 * A storage peer in a BACKUP_PLAN or RESTORE_PLAN peer list: {@code Name:IP:TCP_Port:Ticket}
 * (IPv6 in brackets). The ticket lets the owner store, or fetch, at that peer.
 */
public record PlanPeer(String name, String ip, int tcpPort, String ticket) {
    private static final Pattern TICKET = Pattern.compile("[0-9a-f]{32}");

    public String encode() {
        return name + ':' + Hosts.format(ip) + ':' + tcpPort + ':' + ticket;
    }

    public static PlanPeer parse(String text, String rq) throws MalformedMessageException {
        int nameEnd = text.indexOf(':');
        String[] hostAndRest = nameEnd < 0 ? null : Hosts.split(text.substring(nameEnd + 1));
        String[] parts = hostAndRest == null ? new String[0] : hostAndRest[1].split(":", -1);
        if (parts.length != 2 || !TICKET.matcher(parts[1]).matches()) {
            throw new MalformedMessageException(rq, Reason.BAD_LIST, "bad plan entry: " + text);
        }
        return new PlanPeer(PeerNames.check(text.substring(0, nameEnd), rq), Fields.ipLiteral(hostAndRest[0], rq),
                Fields.port(parts[0], rq), parts[1]);
    }
}
