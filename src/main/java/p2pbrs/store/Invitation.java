package p2pbrs.store;

import java.time.OffsetDateTime;
import p2pbrs.protocol.Role;

/** A single-use invitation to register a new identity of a role. */
public record Invitation(long id, Role role, OffsetDateTime expiresAt, boolean used) {
}
