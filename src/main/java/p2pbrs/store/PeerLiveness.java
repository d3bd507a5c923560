package p2pbrs.store;

import java.time.OffsetDateTime;

/** A registered peer's liveness as stored: its state and the last time it was heard from, as last written. */
public record PeerLiveness(long peerId, PeerState state, OffsetDateTime lastSeenAt) {
}
