package p2pbrs.store;

import java.time.OffsetDateTime;

/** A peer as the registry knows it. State is ALIVE, STALE, DEAD or GONE. */
public record RegisteredPeer(long id, PeerInfo info, String state, OffsetDateTime registeredAt,
                             OffsetDateTime lastSeenAt) {
}
