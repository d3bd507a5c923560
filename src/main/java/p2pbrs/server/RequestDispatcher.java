package p2pbrs.server;

import java.net.InetSocketAddress;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Reason;
import p2pbrs.transport.RateLimitedLog;
import p2pbrs.transport.RequestClient;
import p2pbrs.transport.UdpEndpoint;

/**
 * Decodes each datagram, hands the request to its service and sends the reply to the
 * request's source address. Malformed input is answered with ERROR and changes nothing.
 */
final class RequestDispatcher implements UdpEndpoint.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final RegistryService registry;
    private final BackupService backups;
    private final RestoreService restores;
    private final ForgetService forgets;
    private static final int STRIPES = 64;

    private final RateLimitedLog badInput = new RateLimitedLog(LOG, 10, 10_000);
    private final Lock[] stripes = new Lock[STRIPES];
    private volatile UdpEndpoint endpoint;
    private volatile RequestClient client;

    RequestDispatcher(RegistryService registry, BackupService backups, RestoreService restores,
                      ForgetService forgets) {
        this.registry = registry;
        this.backups = backups;
        this.restores = restores;
        this.forgets = forgets;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The endpoint replies go out on, and the client whose requests to peers get replies here. */
    void attach(UdpEndpoint endpoint, RequestClient client) {
        this.endpoint = endpoint;
        this.client = client;
    }

    @Override
    public void onDatagram(byte[] data, InetSocketAddress from) {
        Message reply = replyTo(data, from);
        if (reply != null) {
            endpoint.send(reply, from);
        }
    }

    /** The reply to one datagram, or null when it deserves none. */
    Message replyTo(byte[] data, InetSocketAddress from) {
        Message request;
        try {
            request = Codec.decode(data);
        } catch (MalformedMessageException e) {
            badInput.warn("malformed datagram from {}: {}", from, e.getMessage());
            return e.toError();
        }
        if (request.command().isReply()) {
            // A reply answers one of the server's own requests to a peer (RELEASE), or
            // nothing: never answer it, since two endpoints answering each other's errors
            // would loop.
            if (!client.onReply(request, from)) {
                badInput.warn("dropped a {} from {}: it answers no request of the server",
                        request.command().wireName(), from);
            }
            return null;
        }
        String sender = sender(from);
        // Copies of one request (same sender, same RQ#) run one after the other, so that a
        // retransmission arriving while the first copy commits gets its logged reply
        // instead of being decided afresh against the first copy's result.
        Lock lock = stripes[Math.floorMod((sender + " " + request.rq()).hashCode(), stripes.length)];
        lock.lock();
        try {
            return handle(request, sender);
        } catch (MalformedMessageException e) {
            badInput.warn("bad {} from {}: {}", request.command().wireName(), from, e.getMessage());
            return e.toError();
        } catch (RuntimeException e) {
            // Nothing was acknowledged, so nothing is lost: the peer may try again.
            LOG.error("failed to handle {} from {}", request.command().wireName(), from, e);
            return Message.of(Command.ERROR, request.rq(), Reason.SERVER_ERROR);
        } finally {
            lock.unlock();
        }
    }

    private Message handle(Message request, String sender) throws MalformedMessageException {
        return switch (request.command()) {
            case REGISTER -> registry.register(request, sender);
            case INVITE -> registry.invite(request, sender);
            case DE_REGISTER -> registry.deRegister(request, sender);
            case LIST -> registry.list(request);
            case BACKUP_REQ -> backups.backupRequest(request, sender);
            case CHUNK_SUMS -> backups.chunkSums(request, sender);
            case STORE_ACK -> backups.storeAck(request, sender);
            case BACKUP_DONE -> backups.backupDone(request, sender);
            case RESTORE_REQ -> restores.restoreRequest(request);
            case RESTORE_OK, RESTORE_FAIL -> restores.restoreReport(request, sender);
            case FILES -> restores.files(request);
            case FORGET -> forgets.forget(request, sender);
            default -> Message.of(Command.ERROR, request.rq(), Reason.NOT_SERVED);
        };
    }

    private static String sender(InetSocketAddress from) {
        String host = from.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + from.getPort();
    }
}
