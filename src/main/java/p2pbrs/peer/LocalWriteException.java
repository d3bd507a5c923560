package p2pbrs.peer;

import java.io.IOException;

/**
 * Writing a fetched chunk to this machine's disk failed (a full disk, a failing one): not
 * the storage peer's fault, so no other copy is tried, and the restore ends as a local
 * I/O error. Not an IOException, so that no handler of network failures can mistake it
 * for one.
 */
final class LocalWriteException extends Exception {
    private static final long serialVersionUID = 1L;

    LocalWriteException(IOException cause) {
        super("writing to the local disk failed: " + cause.getMessage(), cause);
    }
}
