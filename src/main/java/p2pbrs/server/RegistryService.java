package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Fields;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Sizes;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.WireList;
import p2pbrs.store.PeerInfo;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.RegistryStore;
import p2pbrs.store.RegistryTx;

/**
 * REGISTER, DE-REGISTER and LIST. Every reply that acknowledges a change is logged in the
 * change's own transaction, so a retransmission gets the same reply, even after a crash.
 */
final class RegistryService {
    // Room left in a LIST_OK for " next=<64-char name>", so a page never overflows.
    private static final int LIST_BUDGET = Codec.MAX_DATAGRAM_BYTES - 1 - " next=".length() - PeerNames.MAX_LENGTH;
    private static final int LIST_FETCH = 64;

    private final RegistryStore store;
    private final Clock clock;

    RegistryService(RegistryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Message register(Message request, String sender) throws MalformedMessageException {
        String rq = request.rq();
        PeerInfo info = new PeerInfo(
                PeerNames.check(request.field(0), rq),
                Role.parse(request.field(1), rq),
                Fields.ipLiteral(request.field(2), rq),
                Fields.port(request.field(3), rq),
                Fields.port(request.field(4), rq),
                Sizes.parse(request.field(5), rq));
        String token = request.option("token");
        return store.transaction(tx -> {
            Optional<Message> logged = RequestLog.replay(tx, sender, request);
            if (logged.isPresent()) {
                return logged.get();
            }
            OffsetDateTime now = now();
            Optional<RegisteredPeer> holder = tx.activeByName(info.name());
            String replyToken;
            if (holder.isPresent()) {
                if (!Tokens.wellFormed(token) || !tx.tokenMatches(holder.get().id(), Tokens.hash(token))) {
                    return Message.of(Command.REGISTER_DENIED, rq, Reason.NAME_TAKEN);
                }
                tx.rebind(holder.get().id(), info, now);
                replyToken = token;
            } else {
                Optional<RegisteredPeer> returning = Tokens.wellFormed(token)
                        ? tx.goneByNameAndTokenHash(info.name(), Tokens.hash(token))
                        : Optional.empty();
                if (returning.isPresent()) {
                    tx.revive(returning.get().id(), info, now);
                    replyToken = token;
                } else {
                    replyToken = Tokens.generate();
                    tx.insert(info, Tokens.hash(replyToken), Tickets.keyFor(replyToken), now);
                }
            }
            return RequestLog.record(tx, sender, request,
                    Message.of(Command.REGISTERED, rq).withOption("token", replyToken), now);
        });
    }

    Message deRegister(Message request, String sender) throws MalformedMessageException {
        String rq = request.rq();
        String name = PeerNames.check(request.field(0), rq);
        String token = request.option("token");
        return store.transaction(tx -> {
            Optional<Message> logged = RequestLog.replay(tx, sender, request);
            if (logged.isPresent()) {
                return logged.get();
            }
            Optional<RegisteredPeer> peer = tx.activeByName(name);
            if (peer.isEmpty()) {
                return Message.of(Command.DE_REGISTER_DENIED, rq, Reason.UNKNOWN_NAME);
            }
            if (token == null) {
                return Message.of(Command.DE_REGISTER_DENIED, rq, Reason.MISSING_TOKEN);
            }
            if (!Tokens.wellFormed(token) || !tx.tokenMatches(peer.get().id(), Tokens.hash(token))) {
                return Message.of(Command.DE_REGISTER_DENIED, rq, Reason.BAD_TOKEN);
            }
            OffsetDateTime now = now();
            tx.markGone(peer.get().id(), now);
            return RequestLog.record(tx, sender, request, Message.of(Command.DE_REGISTERED, rq), now);
        });
    }

    Message list(Message request) throws MalformedMessageException {
        String rq = request.rq();
        String token = request.option("token");
        String after = request.option("after");
        if (after != null) {
            PeerNames.check(after, rq);
        }
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
    private static Message listPage(RegistryTx tx, String rq, String after) {
        int used = (Command.LIST_OK.wireName() + " " + rq + " []").length();
        List<String> entries = new ArrayList<>();
        String cursor = after;
        String next = null;
        while (next == null) {
            List<RegisteredPeer> batch = tx.activeAfter(cursor, LIST_FETCH);
            for (RegisteredPeer p : batch) {
                String entry = toEntry(p).encode();
                int cost = entry.length() + (entries.isEmpty() ? 0 : 1);
                if (used + cost > LIST_BUDGET) {
                    next = cursor;
                    break;
                }
                entries.add(entry);
                used += cost;
                cursor = p.info().name();
            }
            if (batch.size() < LIST_FETCH) {
                break;
            }
        }
        Message reply = Message.of(Command.LIST_OK, rq, WireList.format(entries));
        return next == null ? reply : reply.withOption("next", next);
    }

    private static PeerEntry toEntry(RegisteredPeer p) {
        PeerInfo i = p.info();
        return new PeerEntry(i.name(), i.role(), i.ip(), i.udpPort(), i.tcpPort(), i.capacity(), p.state());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
