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
import p2pbrs.protocol.Request;
import p2pbrs.protocol.Requests;
import p2pbrs.transport.RateLimitedLog;
import p2pbrs.transport.RequestClient;
import p2pbrs.transport.UdpEndpoint;

/**
 * Decodes each datagram, hands the request to its service and sends the reply to the
 * request's source address. Malformed input is answered with ERROR and changes nothing.
 */
final class RequestDispatcher implements UdpEndpoint.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final Liveness liveness;
    private final HealthService health;
    private final RegistryService registry;
    private final DecommissionService departures;
    private final BackupService backups;
    private final SubstituteService substitutes;
    private final RestoreService restores;
    private final ForgetService forgets;
    private final BadCopyService badCopies;
    private final InventoryService inventories;
    private static final int STRIPES = 64;

    private final RateLimitedLog badInput = new RateLimitedLog(LOG, 10, 10_000);
    private final Lock[] stripes = new Lock[STRIPES];
    private volatile UdpEndpoint endpoint;
    private volatile RequestClient client;

    RequestDispatcher(Liveness liveness, HealthService health, RegistryService registry,
                      DecommissionService departures, BackupService backups, SubstituteService substitutes,
                      RestoreService restores, ForgetService forgets, BadCopyService badCopies,
                      InventoryService inventories) {
        this.liveness = liveness;
        this.health = health;
        this.registry = registry;
        this.departures = departures;
        this.backups = backups;
        this.substitutes = substitutes;
        this.restores = restores;
        this.forgets = forgets;
        this.badCopies = badCopies;
        this.inventories = inventories;
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
            return handle(Requests.decode(request), request, sender);
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

    /**
     * Hands the decoded request to its service, with the message it came in (the request
     * log is keyed by its text, signatures cover it) and its sender. (Java 17 has no
     * pattern switch: a chain of instanceof tests over the sealed records.)
     */
    private Message handle(Request decoded, Message request, String sender) {
        if (decoded instanceof Request.Heartbeat r) {
            return liveness.heartbeat(r, request);
        } else if (decoded instanceof Request.Fsck) {
            return health.fsck(request);
        } else if (decoded instanceof Request.Register r) {
            return registry.register(r, request, sender);
        } else if (decoded instanceof Request.Invite r) {
            return registry.invite(r, request, sender);
        } else if (decoded instanceof Request.DeRegister r) {
            return departures.deRegister(r, request, sender);
        } else if (decoded instanceof Request.ListPeers r) {
            return registry.list(r, request);
        } else if (decoded instanceof Request.BackupReq r) {
            return backups.backupRequest(r, request, sender);
        } else if (decoded instanceof Request.ChunkSums r) {
            return backups.chunkSums(r, request, sender);
        } else if (decoded instanceof Request.StoreAck r) {
            return backups.storeAck(r, request, sender);
        } else if (decoded instanceof Request.Substitute r) {
            return substitutes.substitute(r, request, sender);
        } else if (decoded instanceof Request.ChunkBad r) {
            return badCopies.chunkBad(r, request, sender);
        } else if (decoded instanceof Request.BackupDone r) {
            return backups.backupDone(r, request, sender);
        } else if (decoded instanceof Request.RestoreReq r) {
            return restores.restoreRequest(r, request);
        } else if (decoded instanceof Request.RestoreReport r) {
            return restores.restoreReport(r, request, sender);
        } else if (decoded instanceof Request.Files r) {
            return restores.files(r, request);
        } else if (decoded instanceof Request.Forget r) {
            return forgets.forget(r, request, sender);
        } else if (decoded instanceof Request.Inventory r) {
            return inventories.inventory(r, request, sender);
        }
        throw new IllegalStateException("no service for " + decoded.getClass().getSimpleName());
    }

    private static String sender(InetSocketAddress from) {
        String host = from.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + from.getPort();
    }
}
