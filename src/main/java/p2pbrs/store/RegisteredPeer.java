package p2pbrs.store;

import java.time.OffsetDateTime;

/**
 * A peer as the registry knows it, in its {@link PeerState}; the public id
 * names the identity to storage peers and in tickets; committed bytes are what the server
 * counts against the peer's capacity.
 */
public record RegisteredPeer(long id, String publicId, PeerInfo info, PeerState state, OffsetDateTime registeredAt,
                             OffsetDateTime lastSeenAt, long committedBytes) {
    /** Whether the identity is de-registered. */
    public boolean gone() {
        return state == PeerState.GONE;
    }
}
