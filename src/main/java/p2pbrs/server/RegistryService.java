package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Pages;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.Tokens;
import p2pbrs.protocol.WireList;
import p2pbrs.store.EventKind;
import p2pbrs.store.Invitation;
import p2pbrs.store.PeerInfo;
import p2pbrs.store.PeerState;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.RegistryStore;
import p2pbrs.store.RegistryTx;

/**
 * REGISTER, LIST and INVITE (DE-REGISTER is {@link DecommissionService}'s). Every reply that
 * acknowledges a change is logged in the change's own transaction, so a retransmission gets
 * the same reply, even after a crash.
 */
final class RegistryService {
    // Room left in a LIST_OK for " next=<64-char name>", so a page never overflows.
    private static final int LIST_FETCH = 64;

    private final RegistryStore store;
    private final Clock clock;
    private final ServerKeys keys;
    private final ServerConfig.Registration mode;
    private final PerKeyLimiter limiter;
    // Sent in REGISTERED: peers remember it and obey releases only from this cluster.
    private final String clusterId;

    RegistryService(RegistryStore store, Clock clock, ServerKeys keys, ServerConfig config) {
        this.store = store;
        this.clock = clock;
        this.keys = keys;
        this.mode = config.registration();
        this.limiter = new PerKeyLimiter(config.registrationsPerMinute());
        this.clusterId = store.clusterId();
    }

    /**
     * REGISTER: the token is the identity. A name bound to an identity is re-bound by that
     * identity's token only; a known token under a free name renames its de-registered
     * identity; an unknown token under a free name is a new identity, admitted by invite
     * (or openly) at a bounded pace per address. docs/protocol.md, "Identity".
     */
    Message register(Request.Register req, Message request, String sender) {
        String rq = request.rq();
        PeerInfo info = new PeerInfo(req.name(), req.role(), req.ip(), req.udpPort(), req.tcpPort(), req.capacity());
        String token = req.token();
        if (token == null) {
            return Message.of(Command.REGISTER_DENIED, rq, Reason.MISSING_TOKEN);
        }
        if (!Tokens.wellFormed(token)) {
            return Message.of(Command.REGISTER_DENIED, rq, Reason.BAD_TOKEN);
        }
        String tokenHash = Tokens.hash(token);
        String sealedTicketKey = keys.seal(Tickets.keyFor(token));
        String invite = req.invite();
        return store.transaction(tx -> {
            Optional<Message> logged = RequestLog.replay(tx, sender, request);
            if (logged.isPresent()) {
                return logged.get();
            }
            OffsetDateTime now = now();
            Optional<RegisteredPeer> bound = tx.boundToName(info.name());
            RegisteredPeer identity;
            if (bound.isPresent()) {
                if (!tx.tokenMatches(bound.get().id(), tokenHash)) {
                    return Message.of(Command.REGISTER_DENIED, rq, Reason.NAME_TAKEN);
                }
                identity = bound.get();
                tx.rebind(identity.id(), info, now);
                tx.history().peerEvent(EventKind.REBOUND, identity.id(), identity.state(), PeerState.ALIVE, now);
            } else {
                Optional<RegisteredPeer> known = tx.byTokenHash(tokenHash);
                if (known.isPresent()) {
                    // Under this very name, it was bound by a registration that committed
                    // after the name was looked up (two REGISTERs of a new identity at once,
                    // under different RQ#s): registered again, as if the name had been found.
                    if (!known.get().gone()
                            && !PeerNames.key(known.get().info().name()).equals(PeerNames.key(info.name()))) {
                        // Registered under another name: one identity, one name at a time.
                        return Message.of(Command.REGISTER_DENIED, rq, Reason.TOKEN_IN_USE);
                    }
                    identity = known.get();
                    tx.rebind(identity.id(), info, now);
                    tx.history().peerEvent(EventKind.REBOUND, identity.id(), identity.state(), PeerState.ALIVE, now);
                } else {
                    String refusal = admit(tx, info, invite, sender, now);
                    if (refusal != null) {
                        return Message.of(Command.REGISTER_DENIED, rq, refusal);
                    }
                    identity = tx.insert(info, Tokens.newPublicId(), tokenHash, sealedTicketKey, now);
                    tx.history().peerEvent(EventKind.REGISTERED, identity.id(), null, null, now);
                    if (mode == ServerConfig.Registration.INVITE) {
                        tx.useInvite(tx.invite(Tokens.hash(invite)).orElseThrow().id(), identity.id(), now);
                    }
                }
            }
            // Derived again from the token each time, so a key sealed under lost keys heals.
            tx.setSealedTicketKey(identity.id(), sealedTicketKey);
            return RequestLog.record(tx, sender, request,
                    Message.of(Command.REGISTERED, rq).withOption("id", identity.publicId())
                            .withOption("cluster", clusterId), now);
        });
    }

    /** Why a new identity may not register now, or null when it may. */
    private String admit(RegistryTx tx, PeerInfo info, String invite, String sender, OffsetDateTime now) {
        if (mode == ServerConfig.Registration.INVITE) {
            if (invite == null) {
                return Reason.INVITE_REQUIRED;
            }
            Optional<Invitation> found = Tokens.wellFormedInvite(invite)
                    ? tx.invite(Tokens.hash(invite)) : Optional.empty();
            if (found.isEmpty()) {
                return Reason.INVITE_UNKNOWN;
            }
            if (found.get().used()) {
                return Reason.INVITE_USED;
            }
            if (!found.get().expiresAt().isAfter(now)) {
                return Reason.INVITE_EXPIRED;
            }
            Role allowed = found.get().role();
            if (allowed != Role.BOTH && allowed != info.role()) {
                return Reason.INVITE_ROLE;
            }
        }
        if (!limiter.tryAcquire(addressOf(sender), System.nanoTime())) {
            return Reason.RATE_LIMITED;
        }
        return null;
    }

    /**
     * INVITE, from the {@code invite} command on the server's machine: records a single-use
     * code by its hash. The request is signed with the admin key ({@code auth=}, an HMAC of
     * the request's text without it), which only the server's user can read.
     */
    Message invite(Request.Invite req, Message request, String sender) {
        String rq = request.rq();
        String codeHash = req.codeHash();
        if (!keys.verify(request)) {
            return Message.of(Command.INVITE_DENIED, rq, Reason.BAD_AUTH);
        }
        return store.transaction(tx -> {
            Optional<Message> logged = RequestLog.replay(tx, sender, request);
            if (logged.isPresent()) {
                return logged.get();
            }
            OffsetDateTime now = now();
            if (tx.invite(codeHash).isPresent()) {
                return Message.of(Command.INVITE_DENIED, rq, Reason.INVITE_USED);
            }
            tx.addInvite(codeHash, req.role(),
                    OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(req.expiresEpochSecond()), ZoneOffset.UTC),
                    now);
            return RequestLog.record(tx, sender, request, Message.of(Command.INVITED, rq), now);
        });
    }

    private static String addressOf(String sender) {
        return sender.substring(0, sender.lastIndexOf(':'));
    }

    Message list(Request.ListPeers req, Message request) {
        String rq = request.rq();
        String token = req.token();
        String after = req.after();
        if (token == null) {
            return Message.of(Command.LIST_DENIED, rq, Reason.MISSING_TOKEN);
        }
        return store.transaction(tx -> {
            if (!Tokens.wellFormed(token) || tx.activeByTokenHash(Tokens.hash(token)).isEmpty()) {
                return Message.of(Command.LIST_DENIED, rq, Reason.BAD_TOKEN);
            }
            return listPage(tx, rq, after);
        });
    }

    // Fills one datagram with entries; when more remain, ends with next=<last name>.
    // Fills one datagram with entries; when more remain, ends with next=<last name listed>.
    private static Message listPage(RegistryTx tx, String rq, String after) {
        List<RegisteredPeer> batch = tx.activeAfter(after, LIST_FETCH);
        List<String> entries = batch.stream().map(p -> toEntry(p).encode()).toList();
        // More may follow when the page is cut short, or when the fetch was full.
        boolean full = batch.size() == LIST_FETCH;
        int n = Pages.fitting(entries.size(), k -> listMessage(rq, batch, entries, k, full || k < entries.size()));
        return listMessage(rq, batch, entries, n, full || n < entries.size());
    }

    private static Message listMessage(String rq, List<RegisteredPeer> batch, List<String> entries, int n,
                                       boolean more) {
        Message page = Message.of(Command.LIST_OK, rq, WireList.format(entries.subList(0, n)));
        return more && n > 0 ? page.withOption("next", batch.get(n - 1).info().name()) : page;
    }

    private static PeerEntry toEntry(RegisteredPeer p) {
        PeerInfo i = p.info();
        return new PeerEntry(i.name(), i.role(), i.ip(), i.udpPort(), i.tcpPort(), i.capacity(), p.state().name(),
                p.committedBytes());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
