package p2pbrs.store;

import java.time.OffsetDateTime;

/**
 * A peer as the registry knows it. State is ALIVE, STALE, DEAD or GONE; the public id
 * names the identity to storage peers and in tickets; committed bytes are what the server
 * counts against the peer's capacity.
 */
public record RegisteredPeer(long id, String publicId, PeerInfo info, String state, OffsetDateTime registeredAt,
                             OffsetDateTime lastSeenAt, long committedBytes) {
    /** Whether the identity is de-registered. */
    public boolean gone() {
        return RegistryTx.GONE.equals(state);
    }
}
