package p2pbrs.crypto;

/**
 * A sealed chunk that does not open: too short, of a format this version does not read, or
 * failing its tag (damaged in storage or on the way, or sealed with another owner's key).
 * Checked, because a restore must decide what to do with a bad copy (try another holder).
 */
public final class BadChunkException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadChunkException(String message) {
        super(message);
    }

    public BadChunkException(String message, Throwable cause) {
        super(message, cause);
    }
}
