package p2pbrs.bench;

import java.nio.charset.StandardCharsets;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;

/**
 * One request of a simulated peer, the reply that answers it well, and what to do with
 * that reply (a plan to remember, an id to keep). Any other reply is a denial.
 */
final class MetaCall {
    /** What a good reply leads to; a BenchException when it cannot be used (a plan that does not parse). */
    interface Answered {
        void accept(Message reply) throws BenchException;
    }

    private static final String NO_RQ = "0";

    private final Command kind;
    private final Command answer;
    private final Answered then;
    // The request's text around its RQ#: the socket that sends it numbers it.
    private final String head;
    private final String tail;

    private MetaCall(Message request, Command answer, Answered then) {
        this.kind = request.command();
        this.answer = answer;
        this.then = then;
        String text = Codec.format(new Message(request.command(), NO_RQ, request.fields(), request.options()));
        this.head = request.command().wireName() + ' ';
        this.tail = text.substring(head.length() + NO_RQ.length());
    }

    static MetaCall of(Message request, Command answer, Answered then) {
        return new MetaCall(request, answer, then);
    }

    /** A request whose good reply needs nothing more than counting. */
    static MetaCall of(Message request, Command answer) {
        return new MetaCall(request, answer, reply -> { });
    }

    Command kind() {
        return kind;
    }

    Command answer() {
        return answer;
    }

    void answered(Message reply) throws BenchException {
        then.accept(reply);
    }

    /** The datagram, under the RQ# the socket gives it (RQ#s differ per socket, not per identity). */
    byte[] datagram(String rq) {
        byte[] bytes = (head + rq + tail).getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= Codec.MAX_DATAGRAM_BYTES) {
            throw new IllegalStateException(kind.wireName() + " of " + bytes.length + " bytes does not fit a datagram");
        }
        return bytes;
    }
}
