package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Pages;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Request;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.VersionHealth;
import p2pbrs.protocol.WireList;
import p2pbrs.store.BackupStore;
import p2pbrs.store.BackupTx;
import p2pbrs.store.ChunkCopies;
import p2pbrs.store.PlanSlot;
import p2pbrs.store.RestoreOutcome;
import p2pbrs.store.RunKind;
import p2pbrs.store.VersionRow;
import p2pbrs.store.VersionState;

/**
 * Restoring and listing: RESTORE_REQ (self-contained plan pages), RESTORE_OK and
 * RESTORE_FAIL, and FILES (with each version's health). docs/protocol.md, "Restore".
 */
final class RestoreService {
    private static final int PAGE_FETCH = 64;
    // Chunks whose copies one FILES page may read to tell its versions' health.
    private static final int FILES_CHUNK_BUDGET = 1 << 16;

    private final BackupStore store;
    private final ServerConfig config;
    private final Clock clock;
    private final ServerKeys keys;
    private final RestoreStarts starts = new RestoreStarts();
    private final RefusedRuns refusals;

    RestoreService(BackupStore store, ServerConfig config, Clock clock, ServerKeys keys) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.keys = keys;
        this.refusals = new RefusedRuns(RunKind.RESTORE, Command.RESTORE_DENIED, clock);
    }

    Message restoreRequest(Request.RestoreReq req, Message request) {
        String rq = request.rq();
        String wireName = req.file().wire();
        String name = req.file().name();
        Integer version = req.version();
        return Transactions.identified(store, rq, req.token(), Command.RESTORE_DENIED, (tx, caller) -> {
            if (tx.findFile(caller.id(), name).isEmpty()) {
                return refusals.refuse(tx, caller, name, version, rq, Reason.UNKNOWN_FILE);
            }
            Optional<VersionRow> v = version == null ? tx.newestComplete(caller.id(), name)
                    : tx.version(caller.id(), name, version).filter(r -> r.state() == VersionState.COMPLETE);
            if (v.isEmpty()) {
                return refusals.refuse(tx, caller, name, version, rq, Reason.UNKNOWN_VERSION);
            }
            if (req.from() == 0) {
                starts.begun(v.get().id(), now());
            }
            return restorePage(tx, rq, wireName, caller.peer().publicId(), v.get(), req.from());
        });
    }

    // One self-contained page: the chunks from `from` on that fit, each with the indexes
    // (into this page's peer list) of the peers holding a good copy.
    private Message restorePage(BackupTx tx, String rq, String wireName, String owner, VersionRow row, int from) {
        long expires = now().plus(config.planTtl()).toEpochSecond();
        Map<Long, Integer> peerIndex = new LinkedHashMap<>();
        List<String> peers = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        Message page = restoreMessage(rq, wireName, row, from, peers, sums, expires);
        int next = from;
        outer:
        while (next < row.chunkCount()) {
            List<ChunkCopies> batch = tx.chunkCopies(row.id(), next, PAGE_FETCH);
            if (batch.isEmpty()) {
                break;
            }
            for (ChunkCopies chunk : batch) {
                List<String> triedPeers = new ArrayList<>(peers);
                Map<Long, Integer> triedIndex = new LinkedHashMap<>(peerIndex);
                List<String> where = new ArrayList<>();
                for (PlanSlot holder : chunk.holders()) {
                    Integer index = triedIndex.get(holder.peerId());
                    if (index == null) {
                        index = triedPeers.size();
                        triedIndex.put(holder.peerId(), index);
                        String ticket = Tickets.fetch(keys.open(holder.sealedTicketKey()), owner,
                                FileNames.encode(row.chunkName()), row.version(), expires);
                        triedPeers.add(new PlanPeer(holder.name(), holder.ip(), holder.tcpPort(), ticket).encode());
                    }
                    where.add(Integer.toString(index));
                }
                List<String> triedSums = new ArrayList<>(sums);
                triedSums.add(chunk.checksum() + ":" + String.join(".", where));
                Message candidate = restoreMessage(rq, wireName, row, from, triedPeers, triedSums, expires)
                        .withOption("next", Integer.toString(row.chunkCount()));
                if (!Pages.fits(candidate)) {
                    break outer;
                }
                peers = triedPeers;
                peerIndex = triedIndex;
                sums = triedSums;
                next = chunk.idx() + 1;
                page = restoreMessage(rq, wireName, row, from, peers, sums, expires);
            }
        }
        return next < row.chunkCount() ? page.withOption("next", Integer.toString(next)) : page;
    }

    private static Message restoreMessage(String rq, String wireName, VersionRow row, int from, List<String> peers,
                                          List<String> sums, long expires) {
        return Message.of(Command.RESTORE_PLAN, rq, wireName, WireList.format(peers))
                .withOption("version", Integer.toString(row.version()))
                .withOption("size", Long.toString(row.size()))
                .withOption("checksum", row.checksum())
                .withOption("chunk_size", Long.toString(row.chunkSize()))
                .withOption("chunk_name", FileNames.encode(row.chunkName()))
                .withOption("format", Integer.toString(row.format()))
                .withOption("chunks", Integer.toString(row.chunkCount()))
                .withOption("expires", Long.toString(expires))
                .withOption("from", Integer.toString(from))
                .withOption("sums", WireList.format(sums));
    }

    Message restoreReport(Request.RestoreReport req, Message request, String sender) {
        String rq = request.rq();
        return Transactions.once(store, request, req.token(), sender, Command.ACK_DENIED, (tx, caller) -> {
            Optional<VersionRow> v = tx.version(caller.id(), req.file().name(), req.version());
            if (v.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            OffsetDateTime now = now();
            tx.history().restoreEnded(v.get().id(), starts.take(v.get().id()), req.peers(), req.reason(), now);
            tx.reportRestore(v.get().id(), caller.id(), req.ok() ? RestoreOutcome.OK : RestoreOutcome.FAIL, req.reason(),
                    now);
            return RequestLog.record(tx.registry(), sender, request, Message.of(Command.ACK, rq), now);
        });
    }

    Message files(Request.Files req, Message request) {
        String rq = request.rq();
        return Transactions.identified(store, rq, req.token(), Command.FILES_DENIED, (tx, caller) -> {
            String afterName = null;
            if (req.afterFile() != null) {
                Optional<String> name = tx.fileName(caller.id(), req.afterFile());
                if (name.isEmpty()) {
                    return Message.of(Command.FILES_DENIED, rq, Reason.UNKNOWN_FILE);
                }
                afterName = name.get();
            }
            List<VersionRow> fetched = tx.completeVersions(caller.id(), afterName, req.afterVersion(), PAGE_FETCH);
            List<VersionRow> rows = withinChunkBudget(fetched);
            Map<Long, VersionHealth> health = tx.versionHealth(rows.stream().map(VersionRow::id).toList());
            List<String> entries = new ArrayList<>();
            for (VersionRow r : rows) {
                entries.add(FileNames.encode(r.fileName()) + ":" + r.version() + ":" + r.size() + ":"
                        + r.completedAt().toEpochSecond() + ":" + r.chunkCount() + ":" + health.get(r.id()).wire());
            }
            // More may follow when the page is cut short, or when the fetch was full.
            boolean more = fetched.size() == PAGE_FETCH || rows.size() < fetched.size();
            int n = Pages.fitting(entries.size(), k -> filesPage(rq, rows, entries, k, more || k < entries.size()));
            return filesPage(rq, rows, entries, n, more || n < entries.size());
        });
    }

    // A version's health reads the copies of each of its chunks: a page takes versions only
    // while their chunks stay within the budget (always one, however large), so that one
    // FILES request never reads the copies of many large versions.
    private static List<VersionRow> withinChunkBudget(List<VersionRow> rows) {
        long chunks = 0;
        int n = 0;
        while (n < rows.size() && (n == 0 || chunks + rows.get(n).chunkCount() <= FILES_CHUNK_BUDGET)) {
            chunks += rows.get(n).chunkCount();
            n++;
        }
        return rows.subList(0, n);
    }

    private static Message filesPage(String rq, List<VersionRow> rows, List<String> entries, int n, boolean more) {
        Message page = Message.of(Command.FILES_OK, rq, WireList.format(entries.subList(0, n)));
        if (!more || n == 0) {
            return page;
        }
        VersionRow last = rows.get(n - 1);
        return page.withOption("next", last.fileId() + ":" + last.version());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
