package p2pbrs.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Peers as last read from the database, by token hash (who sends a request) and by public
 * id (whose backup a storage peer names), kept in memory: each backup request asked the
 * database both, one statement each, for rows that change only when a peer registers, is
 * renamed, changes state or goes. An entry holds only while {@link PeerChanges} has not
 * moved since it was read, so any such change sends the next request to the database.
 *
 * <p>Only a peer's identity may be read from an entry (id, public id, name, role, state):
 * its counters and last-heard time change without moving {@link PeerChanges}, and are read
 * from the database where they matter. An unknown token or id is not remembered, so bad
 * requests cannot fill the memory; past {@link #MOST} entries it is emptied.
 */
public final class KnownPeers {
    // Far more than the peers of any cluster; entries are cheap to read again.
    private static final int MOST = 1 << 17;

    private record Entry(RegisteredPeer peer, long epoch) {
    }

    private final Map<String, Entry> byTokenHash = new ConcurrentHashMap<>();
    private final Map<String, Entry> byPublicId = new ConcurrentHashMap<>();

    /** The registered (not de-registered) peer holding the token with this hash. */
    public Optional<RegisteredPeer> activeByTokenHash(RegistryTx tx, String tokenHash) {
        return recall(byTokenHash, tokenHash, tx::activeByTokenHash);
    }

    /** The identity with this public id, registered or not. */
    public Optional<RegisteredPeer> byPublicId(RegistryTx tx, String publicId) {
        return recall(byPublicId, publicId, tx::byPublicId);
    }

    private static Optional<RegisteredPeer> recall(Map<String, Entry> memory, String key,
                                                   Function<String, Optional<RegisteredPeer>> read) {
        Entry known = memory.get(key);
        if (known != null && known.epoch() == PeerChanges.epoch()) {
            return Optional.of(known.peer());
        }
        // Taken before the read: a change committed meanwhile makes what is read stale at once.
        long epoch = PeerChanges.epoch();
        Optional<RegisteredPeer> peer = read.apply(key);
        if (peer.isPresent()) {
            if (memory.size() >= MOST) {
                memory.clear();
            }
            memory.put(key, new Entry(peer.get(), epoch));
        } else if (known != null) {
            memory.remove(key, known);
        }
        return peer;
    }
}
