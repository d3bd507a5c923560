package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.store.BackupStore;
import p2pbrs.store.VersionRow;
import p2pbrs.store.VersionState;

/**
 * FORGET: an owner drops one version of its file, or every version, so that its space can
 * be used again. The versions are never restored again; each storage peer is told to
 * release their chunks (RELEASE, by {@link Releaser}), and their space stops counting once
 * it confirms. docs/protocol.md, "Forgetting".
 */
final class ForgetService {
    // Versions one FORGET handles; a file with more is forgotten over several requests
    // (the reply says more=1), so that no request costs more than a bounded amount of work.
    static final int MAX_VERSIONS_PER_REQUEST = 64;

    private final BackupStore store;
    private final Clock clock;
    private final Runnable releasesQueued;
    private final java.time.Duration releaseGrace;

    ForgetService(BackupStore store, Clock clock, Runnable releasesQueued, java.time.Duration releaseGrace) {
        this.releaseGrace = releaseGrace;
        this.store = store;
        this.clock = clock;
        this.releasesQueued = releasesQueued;
    }

    Message forget(Request.Forget req, Message request, String sender) {
        String rq = request.rq();
        String wireName = req.file().wire();
        String name = req.file().name();
        Message reply = Transactions.once(store, request, req.token(), sender, Command.FORGET_DENIED, (tx, caller) -> {
            if (tx.findFile(caller.id(), name).isEmpty()) {
                return Message.of(Command.FORGET_DENIED, rq, Reason.UNKNOWN_FILE);
            }
            List<VersionRow> versions;
            if (req.all()) {
                versions = tx.completeVersionsOf(caller.id(), name, MAX_VERSIONS_PER_REQUEST + 1);
            } else {
                Optional<VersionRow> v = tx.version(caller.id(), name, req.version());
                if (v.isEmpty() || v.get().state() == VersionState.FORGOTTEN) {
                    return Message.of(Command.FORGET_DENIED, rq, Reason.UNKNOWN_VERSION);
                }
                if (v.get().state() != VersionState.COMPLETE) {
                    // A backup under way expires by itself, and releases what it stored.
                    return Message.of(Command.FORGET_DENIED, rq, Reason.NOT_COMPLETE);
                }
                versions = List.of(v.get());
            }
            OffsetDateTime now = now();
            List<VersionRow> batch = versions.subList(0, Math.min(MAX_VERSIONS_PER_REQUEST, versions.size()));
            batch.forEach(v -> tx.forget(v.id(), now, now.plus(releaseGrace)));
            Message forgotten = Message.of(Command.FORGOTTEN, rq, wireName)
                    .withOption("versions", Integer.toString(batch.size()));
            if (versions.size() > MAX_VERSIONS_PER_REQUEST) {
                forgotten = forgotten.withOption("more", "1");
            }
            return RequestLog.record(tx.registry(), sender, request, forgotten, now);
        });
        if (reply.command() == Command.FORGOTTEN) {
            releasesQueued.run();
        }
        return reply;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
