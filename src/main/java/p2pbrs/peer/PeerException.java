package p2pbrs.peer;

/** A peer operation that failed, with a message for the person at the shell. */
public final class PeerException extends Exception {
    private static final long serialVersionUID = 1L;

    public PeerException(String message) {
        super(message);
    }

    public PeerException(String message, Throwable cause) {
        super(message, cause);
    }
}
