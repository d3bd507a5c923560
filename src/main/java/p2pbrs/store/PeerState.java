package p2pbrs.store;

import java.util.Arrays;
import java.util.List;

/**
 * A peer's state ({@code peer.state}): ALIVE, STALE or DEAD by its liveness while it is
 * registered, DECOMMISSIONING while it leaves but still holds copies others need, GONE once
 * it de-registered (its row stays, so that history can point at it). Stored by name, so the
 * names are the schema's CHECK values.
 */
public enum PeerState {
    // Declared from the best to the worst: liveness moves down this list as a peer stays
    // silent. A decommissioning peer is worse than a stale one (nothing new goes to it and
    // its copies no longer count), so silence makes it DEAD but never STALE.
    ALIVE, STALE, DECOMMISSIONING, DEAD, GONE;

    /** Whether this state is further down the way a silent peer goes than the other. */
    public boolean worseThan(PeerState other) {
        return ordinal() > other.ordinal();
    }

    /**
     * Whether a copy on a peer in this state counts towards a chunk's copies: it is there
     * and will stay (a STALE peer may only be slow). A leaving peer's copies are about to
     * go, and a DEAD peer's are lost until it returns.
     */
    public boolean countsCopies() {
        return this == ALIVE || this == STALE;
    }

    /** Whether a copy on a peer in this state can be read now: it counts, or its peer is leaving but serving. */
    public boolean serves() {
        return countsCopies() || this == DECOMMISSIONING;
    }

    /** The states whose copies count ({@link #countsCopies}), for queries. */
    static List<PeerState> counting() {
        return Arrays.stream(values()).filter(PeerState::countsCopies).toList();
    }

    /** The states whose copies can be read ({@link #serves}), for queries. */
    static List<PeerState> serving() {
        return Arrays.stream(values()).filter(PeerState::serves).toList();
    }
}
