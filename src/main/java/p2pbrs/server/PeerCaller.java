package p2pbrs.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Signatures;
import p2pbrs.transport.RequestClient;

/**
 * The server's requests to a storage peer (RELEASE, REPLICATE_REQ): signed with the key the
 * two share, sent to the peer's registered address, retransmitted until answered, at most
 * one at a time per task, and answered on the server's background thread, where the
 * queues in the database are updated.
 */
final class PeerCaller {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCaller.class);

    private final RequestClient client;
    private final ServerKeys keys;
    private final Executor background;
    private final String clusterId;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    PeerCaller(RequestClient client, ServerKeys keys, Executor background, String clusterId) {
        this.client = client;
        this.keys = keys;
        this.background = background;
        this.clusterId = clusterId;
    }

    String nextRq() {
        return client.nextRq();
    }

    /** The cluster's id, which every request to a peer carries. */
    String clusterId() {
        return clusterId;
    }

    /**
     * Sends the request unless the same task's is still in flight; then calls back with the
     * reply, or with the error when none came, on the background thread.
     */
    void call(String task, String ip, int udpPort, String sealedKey, Message unsigned,
              BiConsumer<Message, Throwable> then) {
        if (!inFlight.add(task)) {
            return;
        }
        InetSocketAddress peer;
        try {
            peer = new InetSocketAddress(InetAddress.getByName(ip), udpPort);
        } catch (UnknownHostException e) {
            // The registry holds literals only; nothing to resolve.
            inFlight.remove(task);
            return;
        }
        byte[] key = HexFormat.of().parseHex(keys.open(sealedKey));
        client.send(Signatures.sign(key, unsigned), peer).whenCompleteAsync((reply, error) -> {
            try {
                then.accept(reply, error);
            } catch (RuntimeException e) {
                LOG.warn("recording the answer to {} failed; it will be sent again", task, e);
            } finally {
                inFlight.remove(task);
            }
        }, background);
    }
}
