package p2pbrs.server;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.Tokens;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.WireList;
import p2pbrs.store.BackupStore;
import p2pbrs.store.BackupTx;
import p2pbrs.store.ChunkCopies;
import p2pbrs.store.PlanSlot;
import p2pbrs.store.RegisteredPeer;
import p2pbrs.store.StorageCandidate;
import p2pbrs.store.VersionRow;

/**
 * Backup and restore planning: BACKUP_REQ, CHUNK_SUMS, STORE_ACK, BACKUP_DONE, RESTORE_REQ,
 * RESTORE_OK / RESTORE_FAIL and FILES. docs/protocol.md describes each message.
 */
final class BackupService {
    // A plan considers at most this many peers; the datagram may hold fewer.
    private static final int MAX_PLAN_PEERS = 32;
    private static final int PAGE_FETCH = 64;

    private final BackupStore store;
    private final ServerConfig config;
    private final Clock clock;
    private final ServerKeys keys;

    BackupService(BackupStore store, ServerConfig config, Clock clock, ServerKeys keys) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.keys = keys;
    }

    Message backupRequest(Message request, String sender) throws MalformedMessageException {
        String rq = request.rq();
        String wireName = request.field(0);
        String name = FileNames.decode(wireName, rq);
        long size = Numbers.parseLong(request.field(1), rq);
        String checksum = "-".equals(request.field(2)) ? null : Numbers.checksum(request.field(2), rq);
        if ((size + config.chunkSize() - 1) / config.chunkSize() > Integer.MAX_VALUE) {
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "a file of " + size + " bytes has too many chunks");
        }
        return once(request, sender, Command.BACKUP_DENIED, (tx, caller) -> {
            if (!caller.peer().info().role().owns()) {
                return Message.of(Command.BACKUP_DENIED, rq, Reason.NOT_AN_OWNER);
            }
            List<StorageCandidate> candidates = new ArrayList<>(tx.storageCandidates(caller.id()));
            if (candidates.isEmpty() && size > 0) {
                return Message.of(Command.BACKUP_DENIED, rq, Reason.NO_STORAGE_PEER);
            }
            candidates.sort(Comparator.comparingLong(StorageCandidate::free).reversed()
                    .thenComparing(StorageCandidate::name));
            OffsetDateTime now = now();
            OffsetDateTime expires = now.plus(config.planTtl());
            Plan plan = choose(candidates, size, rq, wireName, caller.peer().publicId(), expires);
            if (plan == null) {
                return Message.of(Command.BACKUP_DENIED, rq, Reason.NO_CAPACITY);
            }
            long fileId = tx.fileId(caller.id(), name, now);
            VersionRow version = tx.newVersion(fileId, size, checksum, config.chunkSize(),
                    plan.placement.chunkCount(), config.replicas(), now, expires);
            for (int slot = 0; slot < plan.peers.size(); slot++) {
                tx.addPlanPeer(version.id(), slot, plan.peers.get(slot).peerId(), plan.placement.bytesFor(slot));
            }
            Message reply = planMessage(rq, wireName, caller.peer().publicId(), version.version(), plan, expires);
            return RequestLog.record(tx.registry(), sender, request, reply, now);
        });
    }

    private record Plan(List<StorageCandidate> peers, Placement placement) {
    }

    /**
     * The most-free peers that fit both the datagram and the file: each peer must have room
     * for its share under the placement rule; with fewer peers than replicas, fewer copies.
     */
    private Plan choose(List<StorageCandidate> sorted, long size, String rq, String wireName, String owner,
                        OffsetDateTime expires) {
        if (size == 0) {
            return new Plan(List.of(), new Placement(0, config.chunkSize(), 0, 0));
        }
        List<StorageCandidate> peers = new ArrayList<>(sorted.subList(0, Math.min(MAX_PLAN_PEERS, sorted.size())));
        while (!peers.isEmpty()) {
            Placement placement = new Placement(size, config.chunkSize(), peers.size(),
                    Math.min(config.replicas(), peers.size()));
            Plan plan = new Plan(List.copyOf(peers), placement);
            // Measured with a placeholder version: leave room for its digits.
            boolean fitsDatagram = Codec.format(planMessage(rq, wireName, owner, 1, plan, expires)).length()
                    < Codec.MAX_DATAGRAM_BYTES - 10;
            if (fitsDatagram && fitsCapacity(plan)) {
                return plan;
            }
            peers.remove(peers.size() - 1);
        }
        return null;
    }

    private static boolean fitsCapacity(Plan plan) {
        for (int slot = 0; slot < plan.peers.size(); slot++) {
            if (plan.peers.get(slot).free() < plan.placement.bytesFor(slot)) {
                return false;
            }
        }
        return true;
    }

    private Message planMessage(String rq, String wireName, String owner, int version, Plan plan,
                                OffsetDateTime expires) {
        long expiresEpoch = expires.toEpochSecond();
        List<String> entries = new ArrayList<>();
        for (int slot = 0; slot < plan.peers.size(); slot++) {
            StorageCandidate p = plan.peers.get(slot);
            String ticket = Tickets.store(keys.open(p.sealedTicketKey()), owner, wireName, version, plan.placement, slot,
                    expiresEpoch);
            entries.add(new PlanPeer(p.name(), p.ip(), p.tcpPort(), ticket).encode());
        }
        return Message.of(Command.BACKUP_PLAN, rq, wireName, WireList.format(entries),
                        Long.toString(plan.placement.chunkSize()))
                .withOption("version", Integer.toString(version))
                .withOption("replicas", Integer.toString(plan.placement.replicas()))
                .withOption("chunks", Integer.toString(plan.placement.chunkCount()))
                .withOption("size", Long.toString(plan.placement.fileSize()))
                .withOption("expires", Long.toString(expiresEpoch));
    }

    Message chunkSums(Message request, String sender) throws MalformedMessageException {
        String rq = request.rq();
        String name = FileNames.decode(request.field(0), rq);
        int version = Numbers.intOption(request, "version");
        int from = Numbers.intOption(request, "from");
        String sumsText = request.option("sums");
        if (sumsText == null) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "missing option sums");
        }
        List<String> sums = WireList.parse(sumsText, rq);
        for (String sum : sums) {
            Numbers.checksum(sum, rq);
        }
        return once(request, sender, Command.ACK_DENIED, (tx, caller) -> {
            Optional<VersionRow> v = tx.version(caller.id(), name, version);
            if (v.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            VersionRow row = v.get();
            if (!VersionRow.PENDING.equals(row.state())) {
                return Message.of(Command.ACK_DENIED, rq, Reason.NOT_PENDING);
            }
            if ((long) from + sums.size() > row.chunkCount()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.BAD_NUMBER);
            }
            for (int i = 0; i < sums.size(); i++) {
                int idx = from + i;
                Optional<String> known = tx.chunkChecksum(row.id(), idx);
                if (known.isPresent() && !known.get().equals(sums.get(i))) {
                    return Message.of(Command.ACK_DENIED, rq, Reason.CHECKSUM_MISMATCH);
                }
                if (known.isEmpty()) {
                    tx.addChunk(row.id(), idx, Math.min(row.chunkSize(), row.size() - (long) idx * row.chunkSize()),
                            sums.get(i));
                }
            }
            return RequestLog.record(tx.registry(), sender, request, Message.of(Command.ACK, rq), now());
        });
    }

    Message storeAck(Message request, String sender) throws MalformedMessageException {
        String rq = request.rq();
        String name = FileNames.decode(request.field(0), rq);
        int idx = Numbers.parseInt(request.field(1), rq);
        String ownerId = Tokens.publicId(request.option("owner"), rq);
        int version = Numbers.intOption(request, "version");
        long size = Numbers.option(request, "size");
        String checksum = Numbers.checksum(request.option("checksum"), rq);
        return once(request, sender, Command.ACK_DENIED, (tx, caller) -> {
            Optional<RegisteredPeer> owner = tx.registry().byPublicId(ownerId);
            Optional<VersionRow> v = owner.flatMap(o -> tx.version(o.id(), name, version));
            if (v.isEmpty() || VersionRow.EXPIRED.equals(v.get().state())) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            VersionRow row = v.get();
            Placement placement = placementOf(tx, row);
            Optional<PlanSlot> slot = tx.planSlots(row.id()).stream()
                    .filter(s -> s.peerId() == caller.id()).findFirst();
            if (slot.isEmpty() || idx >= row.chunkCount() || !placement.assigned(idx, slot.get().slot())
                    || placement.sizeOf(idx) != size) {
                return Message.of(Command.ACK_DENIED, rq, Reason.NOT_PLANNED);
            }
            OffsetDateTime now = now();
            tx.storeReplica(row.id(), idx, caller.id(), size, checksum, now);
            return RequestLog.record(tx.registry(), sender, request, Message.of(Command.ACK, rq), now);
        });
    }

    Message backupDone(Message request, String sender) throws MalformedMessageException {
        String rq = request.rq();
        String wireName = request.field(0);
        String name = FileNames.decode(wireName, rq);
        int version = Numbers.intOption(request, "version");
        String checksum = request.option("checksum") == null ? null : Numbers.checksum(request.option("checksum"), rq);
        long confirmed = request.option("copies") == null ? 0 : Numbers.option(request, "copies");
        return once(request, sender, Command.BACKUP_DONE_DENIED, (tx, caller) -> {
            Optional<VersionRow> v = tx.version(caller.id(), name, version);
            if (v.isEmpty()) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            VersionRow row = v.get();
            String fileChecksum = row.checksum() != null ? row.checksum() : checksum;
            if (fileChecksum == null) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.BAD_CHECKSUM);
            }
            if (checksum != null && !checksum.equals(fileChecksum)) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.CHECKSUM_MISMATCH);
            }
            Map<Integer, Integer> copies = tx.goodCopies(row.id());
            int under = 0;
            for (int i = 0; i < row.chunkCount(); i++) {
                if (copies.getOrDefault(i, 0) < row.replicas()) {
                    under++;
                }
            }
            Message complete = Message.of(Command.BACKUP_COMPLETE, rq, wireName)
                    .withOption("version", Integer.toString(row.version()))
                    .withOption("chunks", Integer.toString(row.chunkCount()))
                    .withOption("under_replicated", Integer.toString(under));
            if (VersionRow.COMPLETE.equals(row.state())) {
                return complete;
            }
            if (!VersionRow.PENDING.equals(row.state())) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.NOT_PENDING);
            }
            if (tx.chunkCount(row.id()) < row.chunkCount()) {
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.MISSING_SUMS);
            }
            long acknowledged = copies.values().stream().mapToLong(Integer::longValue).sum();
            if (copies.size() < row.chunkCount() || acknowledged < confirmed) {
                // STORE_ACKs travel apart from the data and may still be on their way; the
                // count lets the owner see that they are still arriving.
                return Message.of(Command.BACKUP_DONE_DENIED, rq, Reason.AWAITING_ACKS)
                        .withOption("acked", Long.toString(acknowledged));
            }
            OffsetDateTime now = now();
            tx.complete(row.id(), fileChecksum, now);
            return RequestLog.record(tx.registry(), sender, request, complete, now);
        });
    }

    Message restoreRequest(Message request) throws MalformedMessageException {
        String rq = request.rq();
        String wireName = request.field(0);
        String name = FileNames.decode(wireName, rq);
        Integer version = request.option("version") == null ? null : Numbers.intOption(request, "version");
        int from = request.option("from") == null ? 0 : Numbers.intOption(request, "from");
        return identified(request, Command.RESTORE_DENIED, (tx, caller) -> {
            if (tx.findFile(caller.id(), name).isEmpty()) {
                return Message.of(Command.RESTORE_DENIED, rq, Reason.UNKNOWN_FILE);
            }
            Optional<VersionRow> v = version == null ? tx.newestComplete(caller.id(), name)
                    : tx.version(caller.id(), name, version).filter(r -> VersionRow.COMPLETE.equals(r.state()));
            if (v.isEmpty()) {
                return Message.of(Command.RESTORE_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            return restorePage(tx, rq, wireName, caller.peer().publicId(), v.get(), from);
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
                        String ticket = Tickets.fetch(keys.open(holder.sealedTicketKey()), owner, wireName,
                                row.version(), expires);
                        triedPeers.add(new PlanPeer(holder.name(), holder.ip(), holder.tcpPort(), ticket).encode());
                    }
                    where.add(Integer.toString(index));
                }
                List<String> triedSums = new ArrayList<>(sums);
                triedSums.add(chunk.checksum() + ":" + String.join(".", where));
                Message candidate = restoreMessage(rq, wireName, row, from, triedPeers, triedSums, expires)
                        .withOption("next", Integer.toString(row.chunkCount()));
                if (Codec.format(candidate).length() >= Codec.MAX_DATAGRAM_BYTES) {
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
                .withOption("chunks", Integer.toString(row.chunkCount()))
                .withOption("expires", Long.toString(expires))
                .withOption("from", Integer.toString(from))
                .withOption("sums", WireList.format(sums));
    }

    Message restoreReport(Message request, String sender) throws MalformedMessageException {
        String rq = request.rq();
        String name = FileNames.decode(request.field(0), rq);
        boolean ok = request.command() == Command.RESTORE_OK;
        String reason = ok ? null : request.field(1);
        int version = Numbers.intOption(request, "version");
        return once(request, sender, Command.ACK_DENIED, (tx, caller) -> {
            Optional<VersionRow> v = tx.version(caller.id(), name, version);
            if (v.isEmpty()) {
                return Message.of(Command.ACK_DENIED, rq, Reason.UNKNOWN_VERSION);
            }
            OffsetDateTime now = now();
            tx.reportRestore(v.get().id(), caller.id(), ok, reason, now);
            return RequestLog.record(tx.registry(), sender, request, Message.of(Command.ACK, rq), now);
        });
    }

    Message files(Message request) throws MalformedMessageException {
        String rq = request.rq();
        String after = request.option("after");
        String afterName = null;
        int afterVersion = 0;
        if (after != null) {
            int colon = after.lastIndexOf(':');
            if (colon <= 0) {
                throw new MalformedMessageException(rq, Reason.BAD_OPTION, "after is <file>:<version>");
            }
            afterName = FileNames.decode(after.substring(0, colon), rq);
            afterVersion = Numbers.parseInt(after.substring(colon + 1), rq);
        }
        String cursorName = afterName;
        int cursorVersion = afterVersion;
        return identified(request, Command.FILES_DENIED, (tx, caller) -> {
            List<String> entries = new ArrayList<>();
            List<VersionRow> rows = tx.completeVersions(caller.id(), cursorName, cursorVersion, PAGE_FETCH);
            String next = null;
            for (VersionRow r : rows) {
                String entry = FileNames.encode(r.fileName()) + ":" + r.version() + ":" + r.size() + ":"
                        + r.completedAt().toEpochSecond() + ":" + r.chunkCount();
                List<String> tried = new ArrayList<>(entries);
                tried.add(entry);
                Message candidate = Message.of(Command.FILES_OK, rq, WireList.format(tried))
                        .withOption("next", entry);
                if (Codec.format(candidate).length() >= Codec.MAX_DATAGRAM_BYTES) {
                    break;
                }
                entries = tried;
            }
            if (!entries.isEmpty() && (entries.size() < rows.size() || rows.size() == PAGE_FETCH)) {
                String last = entries.get(entries.size() - 1);
                next = last.substring(0, last.indexOf(':', last.indexOf(':') + 1));
            }
            Message reply = Message.of(Command.FILES_OK, rq, WireList.format(entries));
            return next == null ? reply : reply.withOption("next", next);
        });
    }

    /**
     * Runs a change once: a retransmission gets the logged reply; otherwise the caller is
     * identified by its token (or denied) and the work runs, all in one transaction.
     */
    private Message once(Message request, String sender, Command denial,
                         BiFunction<BackupTx, Caller, Message> work) {
        return store.transaction(tx -> {
            Optional<Message> logged = RequestLog.replay(tx.registry(), sender, request);
            return logged.orElseGet(() -> withCaller(tx, request, denial, work));
        });
    }

    /** Runs a read in one transaction, for an identified caller only. */
    private Message identified(Message request, Command denial, BiFunction<BackupTx, Caller, Message> work) {
        return store.transaction(tx -> withCaller(tx, request, denial, work));
    }

    private static Message withCaller(BackupTx tx, Message request, Command denial,
                                      BiFunction<BackupTx, Caller, Message> work) {
        Caller caller = Caller.identify(tx.registry(), request);
        return caller.known() ? work.apply(tx, caller) : Message.of(denial, request.rq(), caller.denial());
    }

    private Placement placementOf(BackupTx tx, VersionRow row) {
        int peers = tx.planSlots(row.id()).size();
        int replicas = Math.min(row.replicas(), peers);
        return new Placement(row.size(), row.chunkSize(), row.size() == 0 ? 0 : peers, row.size() == 0 ? 0 : replicas);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
