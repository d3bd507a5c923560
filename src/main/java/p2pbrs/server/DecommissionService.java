package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.protocol.Tokens;
import p2pbrs.store.DecommissionStore;
import p2pbrs.store.DecommissionTx;
import p2pbrs.store.EventKind;
import p2pbrs.store.PeerState;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.RegistryTx;

/**
 * DE-REGISTER. A peer that holds nothing others still need leaves at once (GONE). A storage
 * peer holding copies is decommissioned, the way HDFS decommissions a DataNode: it stays,
 * DECOMMISSIONING, serving its chunks and copying them as a repair source, while nothing new
 * is placed on it and its copies no longer count, so that repair makes them again on other
 * peers; it asks again and again, and is told how many copies are still to be made, until
 * none is. Then its copies are released, it is GONE and told DE-REGISTERED, and it deletes
 * what it held; asking again after that (the answer was lost) it is told DE-REGISTERED
 * again. docs/protocol.md, "Decommissioning".
 */
final class DecommissionService {
    private static final Logger LOG = LoggerFactory.getLogger(DecommissionService.class);
    // Counting what a peer still holds walks its copies: a peer asking more often than this
    // is answered with the last count, so that asking costs the server a bounded amount.
    private static final Duration RECOUNT_AFTER = Duration.ofSeconds(1);

    private final DecommissionStore store;
    private final Clock clock;
    private final Map<Long, Counted> lastCount = new ConcurrentHashMap<>();

    private record Counted(Instant at, DecommissionTx.Progress progress) {
    }

    DecommissionService(DecommissionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Message deRegister(Request.DeRegister req, Message request, String sender) {
        String rq = request.rq();
        String token = req.token();
        return store.transaction(tx -> {
            Optional<Message> logged = RequestLog.replay(tx.registry(), sender, request);
            if (logged.isPresent()) {
                return logged.get();
            }
            Optional<RegisteredPeer> bound = tx.registry().boundToName(req.name());
            Optional<RegisteredPeer> peer = bound.filter(p -> !p.gone());
            if (peer.isEmpty()) {
                if (goneAlready(tx.registry(), bound, req)) {
                    // Its DE-REGISTERED was lost, and it asks again to know it may delete
                    // what it held: told again, and nothing else changes.
                    return RequestLog.record(tx.registry(), sender, request, Message.of(Command.DE_REGISTERED, rq),
                            now());
                }
                return Message.of(Command.DE_REGISTER_DENIED, rq, Reason.UNKNOWN_NAME);
            }
            if (token == null) {
                return Message.of(Command.DE_REGISTER_DENIED, rq, Reason.MISSING_TOKEN);
            }
            long id = peer.get().id();
            if (!Tokens.wellFormed(token) || !tx.registry().tokenMatches(id, Tokens.hash(token))) {
                return Message.of(Command.DE_REGISTER_DENIED, rq, Reason.BAD_TOKEN);
            }
            OffsetDateTime now = now();
            Counted recent = lastCount.get(id);
            DecommissionTx.Progress progress;
            if (peer.get().state() == PeerState.DECOMMISSIONING && recent != null
                    && Duration.between(recent.at(), clock.instant()).compareTo(RECOUNT_AFTER) < 0) {
                progress = recent.progress();
            } else {
                // Only a count made now, in this transaction, may let a peer go.
                progress = tx.progress(id);
                if (progress.done()) {
                    tx.releaseAll(id, now);
                    // The name stays the identity's while it owns backups.
                    tx.registry().markGone(id, tx.registry().ownsOrHolds(id), now);
                    tx.registry().history().peerEvent(EventKind.DEREGISTERED, id, peer.get().state(),
                            PeerState.GONE, now);
                    lastCount.remove(id);
                    if (peer.get().state() == PeerState.DECOMMISSIONING) {
                        LOG.info("{} is decommissioned: every chunk it held has its copies elsewhere",
                                peer.get().info().name());
                    }
                    return RequestLog.record(tx.registry(), sender, request, Message.of(Command.DE_REGISTERED, rq),
                            now);
                }
                if (peer.get().state() != PeerState.DECOMMISSIONING) {
                    LOG.info("{} is decommissioning: {} copies to make elsewhere, {} backups under way use it",
                            peer.get().info().name(), progress.copiesLeft(), progress.pendingBackups());
                    tx.registry().history().peerEvent(EventKind.DEREGISTERED, id, peer.get().state(),
                            PeerState.DECOMMISSIONING, now);
                }
                tx.decommission(id, now);
                lastCount.put(id, new Counted(clock.instant(), progress));
            }
            Message reply = Message.of(Command.DECOMMISSIONING, rq, Long.toString(progress.copiesLeft()))
                    .withOption("pending_backups", Integer.toString(progress.pendingBackups()));
            return RequestLog.record(tx.registry(), sender, request, reply, now);
        });
    }

    /**
     * Whether the request comes from an identity that is gone already, under its own name,
     * with its token, while that name is bound to no other identity (free, or still its
     * own): only then is it told again that it is gone. Once another identity holds the
     * name, a DE-REGISTER under it is about that identity alone.
     */
    private static boolean goneAlready(RegistryTx registry, Optional<RegisteredPeer> bound, Request.DeRegister req) {
        String token = req.token();
        if (token == null || !Tokens.wellFormed(token)) {
            return false;
        }
        return registry.byTokenHash(Tokens.hash(token))
                .filter(RegisteredPeer::gone)
                .filter(p -> PeerNames.key(p.info().name()).equals(PeerNames.key(req.name())))
                .filter(p -> bound.isEmpty() || bound.get().id() == p.id())
                .isPresent();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
