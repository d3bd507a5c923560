package p2pbrs.server;

import java.time.OffsetDateTime;
import java.util.Optional;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Sha256;
import p2pbrs.store.RegistryTx;

/**
 * Applies a change once: a reply that acknowledges a change is stored in the change's own
 * transaction, and a repeated request (same sender, same RQ#, same text) gets it again.
 */
final class RequestLog {
    private RequestLog() {
    }

    /** The reply this request already got, if it is a retransmission. */
    static Optional<Message> replay(RegistryTx tx, String sender, Message request) {
        return tx.loggedReply(sender, request.rq(), digest(request)).map(text -> {
            try {
                return Codec.parse(text);
            } catch (MalformedMessageException e) {
                throw new IllegalStateException("the request log holds a reply that does not parse: " + text, e);
            }
        });
    }

    /** Stores the reply with the change (same transaction) and returns it. */
    static Message record(RegistryTx tx, String sender, Message request, Message reply, OffsetDateTime now) {
        tx.logReply(sender, request.rq(), digest(request), Codec.format(reply), now);
        return reply;
    }

    private static String digest(Message request) {
        return Sha256.hex(Codec.format(request));
    }
}
