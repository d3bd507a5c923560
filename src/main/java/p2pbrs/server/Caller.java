package p2pbrs.server;

import java.util.Optional;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Tokens;
import p2pbrs.store.KnownPeers;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.RegistryTx;

/** Who sent a request, by its token; or why nobody could be identified. */
record Caller(RegisteredPeer peer, String denial) {

    /**
     * The caller holding this token (as the request carried it, null when absent), from
     * memory while no peer has changed since it was read. Only the peer's identity (id,
     * public id, name, role, state) is to be read from it.
     */
    static Caller identify(RegistryTx tx, KnownPeers known, String token) {
        if (token == null) {
            return new Caller(null, Reason.MISSING_TOKEN);
        }
        Optional<RegisteredPeer> peer = Tokens.wellFormed(token)
                ? known.activeByTokenHash(tx, Tokens.hash(token))
                : Optional.empty();
        return peer.map(p -> new Caller(p, null)).orElseGet(() -> new Caller(null, Reason.BAD_TOKEN));
    }

    boolean known() {
        return peer != null;
    }

    long id() {
        return peer.id();
    }
}
