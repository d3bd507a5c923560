package p2pbrs.server;

import java.util.List;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Pages;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.WireList;
import p2pbrs.store.RepairStore;

/**
 * FSCK, from the operator's {@code fsck} command on the server's machine (signed with the
 * admin key, like INVITE): how many chunks are healthy, under-replicated, being repaired
 * and missing, and the versions at risk, as many as one datagram holds.
 */
final class HealthService {
    private static final int AT_RISK_FETCH = 64;

    private final RepairStore store;
    private final ServerKeys keys;

    HealthService(RepairStore store, ServerKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    Message fsck(Message request) {
        String rq = request.rq();
        if (!keys.verify(request)) {
            return Message.of(Command.FSCK_DENIED, rq, Reason.BAD_AUTH);
        }
        RepairStore.Health h = store.health(AT_RISK_FETCH);
        List<String> entries = h.atRisk().stream()
                .map(r -> r.owner() + ":" + FileNames.encode(r.file()) + ":" + r.version() + ":"
                        + (r.missing() ? "missing" : "degraded"))
                .toList();
        int n = Pages.fitting(entries.size(), k -> reply(rq, h, entries.subList(0, k)));
        return reply(rq, h, entries.subList(0, n));
    }

    private static Message reply(String rq, RepairStore.Health h, List<String> atRisk) {
        return Message.of(Command.FSCK_OK, rq, WireList.format(atRisk))
                .withOption("healthy", Long.toString(h.healthy()))
                .withOption("under_replicated", Long.toString(h.underReplicated()))
                .withOption("repairing", Long.toString(h.repairing()))
                .withOption("missing", Long.toString(h.missing()));
    }
}
