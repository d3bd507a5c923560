package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.store.BackupStore;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.ReplicaState;
import p2pbrs.store.VersionRow;
import p2pbrs.store.VersionState;

/**
 * CHUNK_BAD: a copy found bad or missing, by the peer holding it (its scrub) or by the
 * file's owner (a restore that fetched it). The copy is marked LOST, so that restore plans
 * stop naming it and the {@link Repairer} copies the chunk again from a good copy. Only a
 * copy the sender has a say over is marked: a holder its own, an owner one of its own
 * files; anything else is refused and changes nothing. docs/protocol.md, "Bad copies".
 */
final class BadCopyService {
    private static final Logger LOG = LoggerFactory.getLogger(BadCopyService.class);

    private final BackupStore store;
    private final Clock clock;

    BadCopyService(BackupStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Message chunkBad(Request.ChunkBad req, Message request, String sender) {
        String rq = request.rq();
        String name = req.file().name();
        return Transactions.once(store, request, req.token(), sender, Command.ACK_DENIED, (tx, caller) -> {
            Optional<VersionRow> v;
            Optional<Long> holder;
            if (req.fromOwner()) {
                // Nobody reports on another owner's file: to the sender it does not exist.
                if (tx.findFile(caller.id(), name).isEmpty()) {
                    return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_FILE);
                }
                v = tx.version(caller.id(), name, req.version());
                holder = tx.registry().boundToName(req.holder()).map(RegisteredPeer::id);
            } else {
                // A holder speaks only for its own copy: the token says whose it is. It names
                // the version by its chunk name, the only name it knows.
                v = tx.registry().byPublicId(req.owner()).flatMap(o -> tx.versionByChunkName(o.id(), name,
                        req.version()));
                holder = Optional.of(caller.id());
            }
            if (v.isEmpty() || !EnumSet.of(VersionState.PENDING, VersionState.COMPLETE).contains(v.get().state())) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            OffsetDateTime now = now();
            Optional<ReplicaState> was = holder.flatMap(h -> tx.loseReplica(v.get(), req.chunk(), h, now));
            if (was.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.NOT_HOLDER);
            }
            tx.history().chunkBad(v.get().id(), req.chunk(), holder.get(), req.fromOwner() ? "OWNER" : "HOLDER", now);
            if (was.get() == ReplicaState.STORED) {
                LOG.info("the copy of chunk {} of {} v{} on peer {} was reported bad by its {}: it counts as lost",
                        req.chunk(), name, req.version(), holder.get(), req.fromOwner() ? "owner" : "holder");
            }
            return RequestLog.record(tx.registry(), sender, request, Message.of(Command.ACK, rq), now);
        });
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
