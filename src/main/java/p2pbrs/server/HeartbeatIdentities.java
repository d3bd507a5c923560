package p2pbrs.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import p2pbrs.store.PeerChanges;

/**
 * Who holds a token, for heartbeats, kept in memory: a heartbeat is the most frequent
 * request (every peer, every five seconds) and changes nothing stored, so it need not ask
 * the database who is speaking each time. An entry is a peer that needed no revival
 * (ALIVE or DECOMMISSIONING) under its name; it holds only while no peer's registration,
 * name or state has changed since it was read ({@link PeerChanges}), so a peer made STALE,
 * DEAD, renamed or de-registered is looked up afresh. Keyed by the token's SHA-256, as the
 * database keeps it.
 */
final class HeartbeatIdentities {
    // Far more than the peers of any cluster; past it, the map is emptied (entries are cheap to read again).
    private static final int MOST = 1 << 17;

    /** A peer that spoke: its row, the key of its name, and the change number it was read under. */
    record Known(long peerId, String nameKey, long epoch) {
    }

    private final Map<String, Known> byTokenHash = new ConcurrentHashMap<>();

    /** The peer holding the token with this hash, if known since the last change of any peer; else null. */
    Known lookUp(String tokenHash) {
        Known k = byTokenHash.get(tokenHash);
        if (k == null) {
            return null;
        }
        if (k.epoch() != PeerChanges.epoch()) {
            byTokenHash.remove(tokenHash, k);
            return null;
        }
        return k;
    }

    /** Remembers a peer read from the database under the given change number (read before the lookup). */
    void remember(String tokenHash, Known known) {
        if (byTokenHash.size() >= MOST) {
            byTokenHash.clear();
        }
        byTokenHash.put(tokenHash, known);
    }
}
