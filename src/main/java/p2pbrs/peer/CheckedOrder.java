package p2pbrs.peer;

import java.net.InetSocketAddress;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.Reason;

/**
 * A request from the server that names its cluster and expires (RELEASE, ADOPT,
 * RELEASE_COPY, RELEASE_ORPHAN): refused {@code Bad-auth} unless it is the server's own,
 * before a field is read, then {@code Wrong-cluster} or {@code Ticket-expired}
 * ({@link ServerOrders}); only then decoded fields are acted on.
 */
abstract class CheckedOrder<T extends PeerRequest.Order> implements ServerOrders.Handler {
    private final ServerOrders orders;
    private final Command denial;

    CheckedOrder(ServerOrders orders, Command denial) {
        this.orders = orders;
        this.denial = denial;
    }

    @Override
    public final Message handle(Message request, InetSocketAddress from) throws MalformedMessageException {
        String rq = request.rq();
        if (!orders.fromServer(request, from)) {
            return Message.of(denial, rq, Reason.BAD_AUTH);
        }
        T order = decode(request);
        String refusal = orders.refusal(order.cluster(), order.expires());
        return refusal != null ? Message.of(denial, rq, refusal) : obey(order, rq);
    }

    /** The request's fields, checked. */
    abstract T decode(Message request) throws MalformedMessageException;

    /** Carries out a request that passed every check; returns the reply. */
    abstract Message obey(T order, String rq);

    /** The refusal this kind of request is answered with, for a Reason found while obeying it. */
    final Message refuse(String rq, String reason) {
        return Message.of(denial, rq, reason);
    }
}
