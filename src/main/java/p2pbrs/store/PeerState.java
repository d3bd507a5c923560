package p2pbrs.store;

/**
 * A peer's liveness ({@code peer.state}): ALIVE, STALE or DEAD while it is registered,
 * GONE once it de-registered (its row stays, so that history can point at it). Stored by
 * name, so the names are the schema's CHECK values.
 */
public enum PeerState {
    ALIVE, STALE, DEAD, GONE
}
