package p2pbrs.peer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.transport.RequestClient;

/**
 * Tells the server of each chunk this peer stored (STORE_ACK), off the data path: the
 * owner already has its CHUNK_OK, and the datagram is retransmitted in the background.
 */
final class StoreAckReporter implements ChunkServer.StoredListener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAckReporter.class);

    private final Registration registration;
    private final RequestClient client;
    private final java.net.InetSocketAddress server;

    StoreAckReporter(Registration registration, RequestClient client, java.net.InetSocketAddress server) {
        this.registration = registration;
        this.client = client;
        this.server = server;
    }

    @Override
    public void stored(String wireName, int idx, String owner, int version, long size, String checksum) {
        try {
            Message ack = registration.signed(Message.of(Command.STORE_ACK, client.nextRq(), wireName,
                            Integer.toString(idx))
                    .withOption("owner", owner)
                    .withOption("version", Integer.toString(version))
                    .withOption("size", Long.toString(size))
                    .withOption("checksum", checksum));
            client.send(ack, server).whenComplete((reply, error) -> {
                if (error != null) {
                    LOG.warn("STORE_ACK for chunk {} of {} got no answer: {}", idx, wireName, error.getMessage());
                } else if (reply.command() != Command.ACK) {
                    LOG.warn("the server refused STORE_ACK for chunk {} of {}: {}", idx, wireName, reply);
                }
            });
        } catch (PeerException e) {
            LOG.warn("cannot report chunk {} of {}: {}", idx, wireName, e.getMessage());
        }
    }
}
