package p2pbrs.store;

/**
 * A peer's liveness ({@code peer.state}): ALIVE, STALE or DEAD while it is registered,
 * GONE once it de-registered (its row stays, so that history can point at it). Stored by
 * name, so the names are the schema's CHECK values.
 */
public enum PeerState {
    // Declared from the best to the worst: liveness moves down this list as a peer stays silent.
    ALIVE, STALE, DEAD, GONE;

    /** Whether this state is further down the way a silent peer goes than the other. */
    public boolean worseThan(PeerState other) {
        return ordinal() > other.ordinal();
    }
}
