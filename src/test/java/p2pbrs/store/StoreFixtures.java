package p2pbrs.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tokens;

/** What the tests of the server's store build their rows from: a fixed time, a checksum, peers. */
final class StoreFixtures {
    static final String SUM = "c".repeat(64);
    static final OffsetDateTime T0 = OffsetDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private StoreFixtures() {
    }

    /** A peer registered at T0, its token standing in for its name's hash. */
    static long peer(RegistryStore registry, String name, Role role, long capacity) {
        return registry.transaction(tx -> tx.insert(new PeerInfo(name, role, "127.0.0.1", 1, 1, capacity),
                Tokens.newPublicId(), Tokens.hash(name), "sealed", T0)).id();
    }
}
