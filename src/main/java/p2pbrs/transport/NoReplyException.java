package p2pbrs.transport;

import java.net.InetSocketAddress;

/** A request went unanswered through every retransmission. */
public final class NoReplyException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoReplyException(String command, InetSocketAddress to, int tries) {
        super("no reply to " + command + " from " + to + " after " + tries + " tries");
    }
}
