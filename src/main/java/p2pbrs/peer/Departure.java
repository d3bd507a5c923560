package p2pbrs.peer;

/**
 * What the server said to a peer asking to leave: it is gone, or it is decommissioning, with
 * the copies still to be made elsewhere of the chunks it holds and the backups under way
 * that place chunks on it. docs/protocol.md, "Decommissioning".
 */
public record Departure(boolean gone, long copiesLeft, int pendingBackups) {
    static final Departure GONE = new Departure(true, 0, 0);
}
