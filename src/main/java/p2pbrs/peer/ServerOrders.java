package p2pbrs.peer;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.function.Supplier;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Signatures;
import p2pbrs.protocol.Tickets;

/**
 * What a storage peer checks of every request its server gives it (RELEASE, REPLICATE_REQ,
 * ADOPT, RELEASE_COPY, RELEASE_ORPHAN) before acting: it comes from the server's address,
 * signed with the key the two share, names the cluster whose server first acknowledged
 * this peer (a fresh or swapped server database decides nothing about what it holds), and
 * is still valid. A peer obeys nobody else.
 */
final class ServerOrders {
    /** Serves one kind of request from the server. */
    interface Handler {
        Message handle(Message request, InetSocketAddress from) throws MalformedMessageException;
    }

    private final InetSocketAddress server;
    private final Supplier<String> ticketKey;
    private final Supplier<String> cluster;

    ServerOrders(InetSocketAddress server, Supplier<String> ticketKey, Supplier<String> cluster) {
        this.server = server;
        this.ticketKey = ticketKey;
        this.cluster = cluster;
    }

    /** Whether the request came from the server's address with a valid signature: checked before a field is read. */
    boolean fromServer(Message request, InetSocketAddress from) {
        String key = ticketKey.get();
        return server.equals(from) && key != null && Signatures.verify(HexFormat.of().parseHex(key), request);
    }

    /** Whether the request names a cluster other than this peer's. */
    boolean otherCluster(String clusterId) {
        return !clusterId.equals(cluster.get());
    }

    /**
     * The Reason to refuse a request of this cluster, valid until expires (epoch seconds,
     * honoured a while longer for clocks), or null to obey it.
     */
    String refusal(String clusterId, long expires) {
        if (otherCluster(clusterId)) {
            return Reason.WRONG_CLUSTER;
        }
        if (expires + Tickets.GRACE_SECONDS < System.currentTimeMillis() / 1000) {
            return Reason.TICKET_EXPIRED;
        }
        return null;
    }
}
