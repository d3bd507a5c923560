package p2pbrs.protocol;

/**
 * A datagram or field that breaks the wire rules. Carries the RQ# when it could be read
 * ("0" otherwise) and the Reason an ERROR reply gives.
 */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String rq;
    private final String reason;

    public MalformedMessageException(String rq, String reason, String detail) {
        super(reason + ": " + detail);
        this.rq = rq;
        this.reason = reason;
    }

    public String rq() {
        return rq;
    }

    public String reason() {
        return reason;
    }

    /** The ERROR reply this problem deserves. */
    public Message toError() {
        return Message.of(Command.ERROR, rq, reason);
    }
}
