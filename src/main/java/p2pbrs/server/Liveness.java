package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.protocol.Tokens;
import p2pbrs.store.PeerChanges;
import p2pbrs.store.PeerLiveness;
import p2pbrs.store.PeerState;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.RegistryStore;

/**
 * Which peers are alive. A HEARTBEAT is answered from memory: who holds its token is
 * remembered while no peer changes ({@link HeartbeatIdentities}), and the time a peer was last
 * heard from is kept here and written only now and then (so a thousand peers heartbeating
 * are not a thousand commits a second), while a change of state (ALIVE, STALE, DEAD) is
 * stored at once. A peer silent for --stale-after is STALE (no new chunks are placed on
 * it; restore plans list it last), for --dead-after DEAD. A DECOMMISSIONING peer is never
 * STALE: silence makes it DEAD like anyone. docs/protocol.md, "Liveness".
 */
final class Liveness {
    // A last-heard time newer than the stored one by this much is written.
    private static final Duration FLUSH_AFTER = Duration.ofSeconds(30);

    private final RegistryStore store;
    private final Clock clock;
    private final Duration staleAfter;
    private final Duration deadAfter;
    private final Instant startedAt;
    private final Map<Long, Instant> heard = new ConcurrentHashMap<>();
    private final HeartbeatIdentities identities = new HeartbeatIdentities();

    Liveness(RegistryStore store, Clock clock, Duration staleAfter, Duration deadAfter) {
        this.store = store;
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.deadAfter = deadAfter;
        // After a restart every peer gets the full time to be heard from again: the server
        // being down is no sign that its peers died.
        this.startedAt = clock.instant();
    }

    /**
     * HEARTBEAT from an identified peer under its own name: noted, and a STALE or DEAD peer is
     * ALIVE again (DECOMMISSIONING again, if it was leaving).
     */
    Message heartbeat(Request.Heartbeat req, Message request) {
        String rq = request.rq();
        if (req.token() == null) {
            return Message.of(Command.ACK_DENIED, rq, Reason.MISSING_TOKEN);
        }
        if (!Tokens.wellFormed(req.token())) {
            return Message.of(Command.ACK_DENIED, rq, Reason.BAD_TOKEN);
        }
        String tokenHash = Tokens.hash(req.token());
        HeartbeatIdentities.Known known = identities.lookUp(tokenHash);
        boolean revive = false;
        if (known == null) {
            // Taken before the lookup: a change committed meanwhile makes what is read here stale at once.
            long epoch = PeerChanges.epoch();
            Optional<RegisteredPeer> peer = store.transaction(tx -> tx.activeByTokenHash(tokenHash));
            if (peer.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.BAD_TOKEN);
            }
            known = new HeartbeatIdentities.Known(peer.get().id(), PeerNames.key(peer.get().info().name()), epoch);
            PeerState state = peer.get().state();
            // A leaving peer stays DECOMMISSIONING while it speaks; anyone else is ALIVE.
            revive = state != PeerState.ALIVE && state != PeerState.DECOMMISSIONING;
            if (!revive) {
                identities.remember(tokenHash, known);
            }
        }
        if (!known.nameKey().equals(PeerNames.key(req.name()))) {
            return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_NAME);
        }
        heard.put(known.peerId(), clock.instant());
        if (revive) {
            store.revive(known.peerId(), now());
        }
        return Message.of(Command.ACK, rq);
    }

    /**
     * Moves each peer to the state its silence calls for, and writes last-heard times that
     * are far ahead of the stored ones. Runs periodically.
     */
    void sweep() {
        Instant now = clock.instant();
        for (PeerLiveness p : store.liveness()) {
            Instant stored = p.lastSeenAt().toInstant();
            Instant inMemory = heard.get(p.peerId());
            Instant last = latest(latest(stored, inMemory), startedAt);
            Duration silent = Duration.between(last, now);
            PeerState due = silent.compareTo(deadAfter) >= 0 ? PeerState.DEAD
                    : silent.compareTo(staleAfter) >= 0 ? PeerState.STALE : PeerState.ALIVE;
            // Silence only ever makes a state worse: only the peer itself (a heartbeat, a
            // registration) makes it ALIVE again, so a restarted server revives nobody.
            if (due.worseThan(p.state())) {
                store.setState(p.peerId(), p.state(), due, now());
            }
            if (inMemory != null && Duration.between(stored, inMemory).compareTo(FLUSH_AFTER) >= 0) {
                store.saveLastSeen(p.peerId(), OffsetDateTime.ofInstant(inMemory, ZoneOffset.UTC));
            }
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
