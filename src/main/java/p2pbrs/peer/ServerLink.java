package p2pbrs.peer;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import p2pbrs.protocol.Message;
import p2pbrs.transport.NoReplyException;
import p2pbrs.transport.RequestClient;

/** The peer's requests to its server: a fresh RQ# each, retransmitted until answered. */
final class ServerLink {
    private final RequestClient client;
    private final InetSocketAddress server;

    ServerLink(RequestClient client, InetSocketAddress server) {
        this.client = client;
        this.server = server;
    }

    String nextRq() {
        return client.nextRq();
    }

    Message call(Message request) throws PeerException {
        try {
            return client.call(request, server);
        } catch (NoReplyException e) {
            throw new PeerException("the server at " + describe() + " does not answer (" + e.getMessage() + ")", e);
        }
    }

    /** The longest a call waits before it fails for want of a reply. */
    long longestCallMillis() {
        return client.longestCallMillis();
    }

    /**
     * Sends a request without waiting for it: retransmitted until answered, like any other,
     * its reply (or the failure to get one) completing the future.
     */
    CompletableFuture<Message> send(Message request) {
        return client.send(request, server);
    }

    String describe() {
        String host = server.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
    }
}
