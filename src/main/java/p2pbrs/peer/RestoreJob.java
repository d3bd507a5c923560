package p2pbrs.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.crypto.ChunkOpening;
import p2pbrs.crypto.DataKey;
import p2pbrs.protocol.ChunkFormats;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileName;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Sha256;
import p2pbrs.protocol.WireList;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.TransferLimits;

/**
 * One restore: reads the server's plan (paged), fetches every chunk from a peer holding
 * it, several peers in parallel, verifies each chunk (a sealed one by opening it with the
 * data key, checking its tag; one of format 0 against the checksum its owner reported at
 * backup), falling back to another copy when a peer is down or its bytes are wrong,
 * verifies the whole file (for a sealed version, if that fails, fetches every chunk again,
 * checked against its recorded checksum too), and only then renames it into place: never a
 * half-written file under the final name.
 */
final class RestoreJob {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);
    private static final int MAX_WORKERS = 8;
    // Each worker writes what it opened in pieces of this size: 8 writes an 8 MiB chunk, not
    // 128. Every write takes the file's lock, and six workers writing 64 KiB pieces spun
    // waiting for it in the kernel (perf, on a 1 GiB restore: about a third of the CPU they
    // spent hashing and opening chunks).
    private static final int WRITE_BATCH = 1 << 20;

    private final Registration registration;
    private final String owner;
    private final Path restoreDir;
    private final PartFiles parts;
    private final TransferLimits limits;
    private final Progress.Factory progress;
    private final DataKey key;

    RestoreJob(Registration registration, String owner, Path restoreDir, PartFiles parts, TransferLimits limits,
               Progress.Factory progress, DataKey key) {
        this.key = key;
        this.registration = registration;
        this.owner = owner;
        this.restoreDir = restoreDir;
        this.parts = parts;
        this.limits = limits;
        this.progress = progress;
    }

    private static final class Chunk {
        final int idx;
        final String checksum;
        // Its holders with their tickets, signed with the page's expiry; replaced when renewed.
        volatile Lease lease;

        Chunk(int idx, String checksum, Lease lease) {
            this.idx = idx;
            this.checksum = checksum;
            this.lease = lease;
        }
    }

    /** Where a chunk is, with tickets valid until expires; renewed once renewAt (epoch seconds) has come. */
    private record Lease(List<PlanPeer> holders, long expires, long renewAt) {
        static Lease of(List<PlanPeer> holders, long expires) {
            long now = System.currentTimeMillis() / 1000;
            // Renewed when half its time is gone: ample time left for the renewal itself.
            return new Lease(holders, expires, now + (expires - now) / 2);
        }
    }

    private static final class Plan {
        int version;
        long size;
        String checksum;
        long chunkSize;
        // What storage peers know the version by, and how its chunks are stored.
        String chunkWire;
        int format;
        // Of a sealed version: each chunk's MAC, from its header once opened (the file's keyed checksum).
        byte[][] macs;
        // Whether each sealed chunk fetched is hashed and checked against its recorded
        // checksum as well as opened (see run); set before fetching starts.
        boolean hashing;
        final List<Chunk> chunks = new ArrayList<>();
        // The storage peers that gave a good copy of some chunk: reported with the outcome.
        final Set<String> served = ConcurrentHashMap.newKeySet();
    }

    RestoreResult run(String name, Integer version) throws PeerException {
        String problem = FileNames.problem(name);
        if (problem != null) {
            throw new PeerException("cannot restore '" + name + "': " + problem);
        }
        Path target = restoreDir.resolve(name).normalize();
        if (!restoreDir.equals(target.getParent())) {
            throw new PeerException("cannot restore '" + name + "': it would land outside " + restoreDir);
        }
        String wireName = FileNames.encode(name);
        Plan plan;
        try {
            plan = requestPlan(wireName, version);
        } catch (MalformedMessageException e) {
            throw new PeerException("restore of " + name + " failed: the server sent a bad plan: " + e.getMessage(), e);
        }
        try (PartFiles.Part part = parts.create(name, alignment(plan))) {
            Progress bar = progress.create("restore " + name, plan.size);
            Fetch fetch = fetchAll(wireName, plan, part, bar);
            bar.finish();
            if (fetch.complete() && !plan.hashing && !plan.checksum.equals(wholeChecksum(plan, part.channel()))) {
                // Every chunk opened, so each is one this owner sealed, yet the file is not the
                // one backed up: some holder gave a chunk other than the one asked for. Each
                // chunk is fetched again, now also checked against the checksum recorded for
                // it at backup, which finds out the holder and takes another copy.
                LOG.warn("restore of {}: a chunk that opened is out of place; fetching every chunk again,"
                        + " checked against its recorded checksum", name);
                plan.hashing = true;
                bar = progress.create("restore " + name + " (checked)", plan.size);
                fetch = fetchAll(wireName, plan, part, bar);
                bar.finish();
            }
            if (fetch.unsettled() > 0) {
                report(wireName, plan, false, "Chunks-unavailable");
                throw new PeerException("restore of " + name + " failed: no chunk arrived for "
                        + fetch.stallMillis() / 1000 + " s (" + fetch.unsettled() + " of " + plan.chunks.size()
                        + " chunks unfinished)");
            }
            if (!fetch.failed().isEmpty()) {
                report(wireName, plan, false, "Chunks-unavailable");
                throw new PeerException("restore of " + name + " failed: no good copy of chunk(s) " + fetch.failed());
            }
            if (!plan.checksum.equals(wholeChecksum(plan, part.channel()))) {
                report(wireName, plan, false, "File-checksum-mismatch");
                throw new PeerException("restore of " + name + " failed: the whole file does not match its checksum");
            }
            part.moveTo(target);
            ChunkStore.fsyncDirectory(restoreDir);
            report(wireName, plan, true, null);
            return new RestoreResult(name, plan.version, plan.size, target, bar.rate());
        } catch (IOException e) {
            report(wireName, plan, false, "Local-IO-error");
            throw new PeerException("restore of " + name + " failed: " + e.getMessage(), e);
        }
    }

    private Plan requestPlan(String wireName, Integer version) throws PeerException, MalformedMessageException {
        Plan plan = new Plan();
        int count = -1;
        while (count < 0 || plan.chunks.size() < count) {
            Message reply = page(wireName, version, plan.chunks.size());
            if (count < 0) {
                plan.version = Numbers.intOption(reply, "version");
                plan.size = Numbers.option(reply, "size");
                plan.checksum = Numbers.checksum(reply.option("checksum"), reply.rq());
                plan.chunkSize = Numbers.option(reply, "chunk_size");
                count = Numbers.intOption(reply, "chunks");
                plan.chunkWire = reply.option("chunk_name") == null ? wireName
                        : FileName.decode(reply.option("chunk_name"), reply.rq()).wire();
                plan.format = reply.option("format") == null ? ChunkFormats.PLAIN : Numbers.intOption(reply, "format");
                if (!ChunkFormats.known(plan.format)) {
                    throw new PeerException("the version's chunks are in format " + plan.format
                            + ", which this peer cannot read");
                }
                if (plan.format != ChunkFormats.PLAIN && key == null) {
                    throw new PeerException("the version is sealed and this peer has no data key");
                }
                plan.macs = new byte[count][];
                // A sealed chunk that opens is one this owner sealed: its tag checks every byte
                // under the data key, which no storage peer has. Hashing it as well would cost a
                // SHA-256 pass (nearly half of what restoring cost this peer) for the one thing
                // the tag cannot tell, that it is the chunk asked for; the whole file's keyed
                // checksum, over every chunk's MAC in order, tells that at the end (see run).
                plan.hashing = plan.format == ChunkFormats.PLAIN;
                // Later pages must be of this same version, even if a newer one completes meanwhile.
                version = plan.version;
            }
            if (Numbers.option(reply, "version") != plan.version) {
                throw new PeerException("the server's plan pages do not line up");
            }
            List<Chunk> chunks = chunksOf(reply, plan.chunks.size());
            if (chunks.isEmpty() && count > 0) {
                throw new PeerException("the server's plan made no progress");
            }
            plan.chunks.addAll(chunks);
            if (reply.option("next") == null) {
                break;
            }
        }
        if (plan.chunks.size() != count) {
            throw new PeerException("the server's plan lists " + plan.chunks.size() + " of " + count + " chunks");
        }
        return plan;
    }

    /** One RESTORE_PLAN page, of the given version (or the newest), from chunk from on. */
    private Message page(String wireName, Integer version, int from) throws PeerException, MalformedMessageException {
        Message request = Message.of(Command.RESTORE_REQ, registration.link().nextRq(), wireName)
                .withOption("from", Integer.toString(from));
        if (version != null) {
            request = request.withOption("version", Integer.toString(version));
        }
        Message reply = registration.link().call(registration.signed(request));
        if (reply.command() != Command.RESTORE_PLAN) {
            throw new PeerException("restore refused: " + Registration.reason(reply));
        }
        if (Numbers.option(reply, "from") != from) {
            throw new PeerException("the server's plan pages do not line up");
        }
        return reply;
    }

    /** The chunks a page lists, the first of them numbered from. */
    private static List<Chunk> chunksOf(Message reply, int from) throws PeerException, MalformedMessageException {
        String rq = reply.rq();
        List<PlanPeer> peers = new ArrayList<>();
        for (String entry : WireList.parse(reply.field(1), rq)) {
            peers.add(PlanPeer.parse(entry, rq));
        }
        long expires = Numbers.option(reply, "expires");
        List<Chunk> chunks = new ArrayList<>();
        List<String> sums = WireList.parse(reply.option("sums") == null ? "[]" : reply.option("sums"), rq);
        for (String sum : sums) {
            int colon = sum.indexOf(':');
            String checksum = Numbers.checksum(colon < 0 ? sum : sum.substring(0, colon), rq);
            List<PlanPeer> holders = new ArrayList<>();
            String where = colon < 0 ? "" : sum.substring(colon + 1);
            for (String i : where.isEmpty() ? new String[0] : where.split("\\.")) {
                int index = Numbers.parseInt(i, rq);
                if (index >= peers.size()) {
                    throw new PeerException("the server's plan points at a peer it did not list");
                }
                holders.add(peers.get(index));
            }
            chunks.add(new Chunk(from + chunks.size(), checksum, Lease.of(holders, expires)));
        }
        return chunks;
    }

    /**
     * The chunk's current lease, renewed first (with its page, from the server) when half of
     * it is gone, so that a restore that outlasts its tickets keeps going. If the renewal
     * fails, the old tickets serve while they last.
     */
    private Lease lease(String wireName, Plan plan, Chunk c) {
        Lease current = c.lease;
        if (System.currentTimeMillis() / 1000 < current.renewAt()) {
            return current;
        }
        synchronized (plan) {
            if (System.currentTimeMillis() / 1000 < c.lease.renewAt()) {
                return c.lease;
            }
            try {
                Message reply = page(wireName, plan.version, c.idx);
                for (Chunk fresh : chunksOf(reply, c.idx)) {
                    if (fresh.idx < plan.chunks.size() && fresh.checksum.equals(plan.chunks.get(fresh.idx).checksum)) {
                        plan.chunks.get(fresh.idx).lease = fresh.lease;
                    }
                }
            } catch (PeerException | MalformedMessageException e) {
                LOG.warn("could not renew the restore plan of {} from chunk {}: {}", wireName, c.idx, e.getMessage());
            }
            if (System.currentTimeMillis() / 1000 >= c.lease.renewAt()) {
                // Not again at once: the old tickets still serve until they expire.
                c.lease = new Lease(current.holders(), current.expires(), current.expires());
            }
            return c.lease;
        }
    }

    /**
     * What fetching came to: the chunks no copy could supply, and how many were still
     * unsettled when the fetching stalled (no chunk settled for stallMillis).
     */
    private record Fetch(List<Integer> failed, long unsettled, long stallMillis) {
        boolean complete() {
            return unsettled == 0 && failed.isEmpty();
        }
    }

    /**
     * The alignment to ask of the part file: direct I/O for a sealed version whose chunks
     * are whole blocks. Each written byte then goes from the worker's buffer to the disk,
     * not first into the page cache: most of what restoring cost this peer was the kernel
     * copying there and workers waiting on the file's lock to do it (perf: 47% of the
     * restore threads' time in pwrite), and the page cache gains nothing, as the file is
     * written to the disk before the restore is done anyway. A version of format 0 is read
     * back for its checksum, through the page cache.
     */
    private int alignment(Plan plan) {
        if (plan.format == ChunkFormats.PLAIN) {
            return 1;
        }
        int block = parts.directAlignment();
        return plan.chunkSize % block == 0 ? block : 1;
    }

    /** Fetches every chunk into the part file. */
    private Fetch fetchAll(String wireName, Plan plan, PartFiles.Part part, Progress bar) throws IOException {
        FileChannel file = part.channel();
        if (plan.chunks.isEmpty()) {
            return new Fetch(List.of(), 0, 0);
        }
        // A chunk tries its holders one after another, each exchange bounded by the limits.
        int holders = plan.chunks.stream().mapToInt(c -> c.lease.holders().size()).max().orElse(1);
        long stallMillis = Math.max(1, holders) * limits.exchangeMillis(plan.chunkSize);
        int workers = Math.min(MAX_WORKERS, Math.max(2, distinctPeers(plan) * 2));
        ConcurrentLinkedQueue<Chunk> queue = new ConcurrentLinkedQueue<>(plan.chunks);
        List<Integer> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch settled = new CountDownLatch(plan.chunks.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers, DaemonThreads.numbered("restore-" + owner));
        AtomicInteger ioErrors = new AtomicInteger();
        AtomicReference<LocalWriteException> localFailure = new AtomicReference<>();
        try {
            for (int w = 0; w < workers; w++) {
                pool.execute(() -> {
                    Map<String, ChunkClient> clients = new ConcurrentHashMap<>();
                    // Sealed chunks are opened as they arrive: a worker holds a piece, never a chunk.
                    ChunkOpening opening = plan.format == ChunkFormats.PLAIN ? null : new ChunkOpening(key);
                    // What a sealed chunk opens to gathers here between writes to the file.
                    PartWriter writer = opening == null ? null : new PartWriter(part.alignment(), WRITE_BATCH);
                    try {
                        Chunk c;
                        while ((c = queue.poll()) != null) {
                            boolean fetched = false;
                            try {
                                // Once the local disk failed, the rest is settled unfetched: the restore is over.
                                fetched = localFailure.get() == null && fetchOne(wireName, plan, c, file, clients,
                                        opening, writer);
                            } catch (LocalWriteException e) {
                                localFailure.compareAndSet(null, e);
                            } catch (RuntimeException e) {
                                LOG.error("fetching chunk {} failed", c.idx, e);
                                ioErrors.incrementAndGet();
                            } finally {
                                // Settled either way, so that the wait below ends.
                                if (fetched) {
                                    bar.add(Math.min(plan.chunkSize, plan.size - (long) c.idx * plan.chunkSize));
                                } else {
                                    failed.add(c.idx);
                                }
                                settled.countDown();
                            }
                        }
                    } finally {
                        clients.values().forEach(ChunkClient::close);
                    }
                });
            }
            if (!Waits.untilDoneOrStalled(settled, stallMillis)) {
                return new Fetch(List.of(), settled.getCount(), stallMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("restore interrupted");
        } finally {
            pool.shutdownNow();
        }
        if (localFailure.get() != null) {
            throw new IOException(localFailure.get().getMessage(), localFailure.get());
        }
        if (ioErrors.get() > 0) {
            throw new IOException("a restore worker failed");
        }
        if (part.alignment() > 1) {
            // The last chunk's last block was written whole, padded.
            file.truncate(plan.size);
        }
        file.force(true);
        java.util.Collections.sort(failed);
        return new Fetch(failed, 0, stallMillis);
    }

    /**
     * Tries each holder of a chunk in turn until one gives the right bytes. A failure to
     * write them here is no holder's fault and ends the trying.
     */
    private boolean fetchOne(String wireName, Plan plan, Chunk c, FileChannel file, Map<String, ChunkClient> clients,
                             ChunkOpening opening, PartWriter writer) throws LocalWriteException {
        long offset = (long) c.idx * plan.chunkSize;
        long size = Math.min(plan.chunkSize, plan.size - offset);
        Lease lease = lease(wireName, plan, c);
        for (PlanPeer holder : lease.holders()) {
            ChunkClient client = clients.computeIfAbsent(holder.name(),
                    n -> new ChunkClient(owner, holder, limits));
            try {
                if (opening != null) {
                    if (fetchSealed(wireName, plan, c, lease, holder, client, file, writer, offset, size, opening)) {
                        return true;
                    }
                    continue;
                }
                ChunkClient.Fetched fetched = client.fetch(getChunk(plan, c, lease, holder), file, offset, size);
                if (fetched.checksum() == null) {
                    LOG.warn("peer {} has no chunk {}: {}", holder.name(), c.idx, fetched.header());
                    // The server counts a copy there: a copy gone is as bad as a rotten one.
                    if (Reason.NOT_FOUND.equals(fetched.header().field(2))) {
                        reportBadCopy(wireName, plan.version, c.idx, holder.name());
                    }
                } else if (fetched.checksum().equals(c.checksum)) {
                    plan.served.add(holder.name());
                    return true;
                } else {
                    LOG.warn("peer {} sent corrupt bytes for chunk {}; trying another copy", holder.name(), c.idx);
                    reportBadCopy(wireName, plan.version, c.idx, holder.name());
                }
            } catch (IOException e) {
                LOG.warn("fetching chunk {} from {} failed: {}", c.idx, holder.name(), e.toString());
            }
        }
        return false;
    }

    /** A GET_CHUNK for a chunk from one of its holders, with that holder's ticket. */
    private Message getChunk(Plan plan, Chunk c, Lease lease, PlanPeer holder) {
        return Message.of(Command.GET_CHUNK, registration.link().nextRq(), plan.chunkWire, Integer.toString(c.idx))
                .withOption("owner", owner)
                .withOption("version", Integer.toString(plan.version))
                .withOption("expires", Long.toString(lease.expires()))
                .withOption("ticket", holder.ticket());
    }

    /**
     * One holder's copy of a sealed chunk, opened as it arrives and written in place: kept
     * when its tag verifies (and, when hashing, it has the checksum the owner recorded). A
     * wrong or missing copy is reported bad; bytes that are the ones recorded yet do not
     * open are no holder's fault (every copy has those bytes) but this peer's data key's or
     * the server's record's, and are reported as nobody's: the restore fails. A copy that
     * does not open when not hashing is fetched again, hashed, to tell which it is.
     */
    private boolean fetchSealed(String wireName, Plan plan, Chunk c, Lease lease, PlanPeer holder,
                                ChunkClient client, FileChannel file, PartWriter writer, long offset, long size,
                                ChunkOpening opening)
            throws IOException, LocalWriteException {
        int stored = (int) size + ChunkFormats.overhead(plan.format);
        ChunkClient.FetchedSealed fetched = client.fetchSealed(getChunk(plan, c, lease, holder), file, writer, offset,
                stored, opening, plan.hashing);
        if (fetched.arrived() && !fetched.opened() && fetched.checksum() == null) {
            fetched = client.fetchSealed(getChunk(plan, c, lease, holder), file, writer, offset, stored, opening,
                    true);
        }
        if (!fetched.arrived()) {
            LOG.warn("peer {} has no chunk {}: {}", holder.name(), c.idx, fetched.header());
            if (Reason.NOT_FOUND.equals(fetched.header().field(2))) {
                reportBadCopy(wireName, plan.version, c.idx, holder.name());
            }
        } else if (fetched.checksum() != null && !fetched.checksum().equals(c.checksum)) {
            LOG.warn("peer {} sent corrupt bytes for chunk {}; trying another copy", holder.name(), c.idx);
            reportBadCopy(wireName, plan.version, c.idx, holder.name());
        } else if (!fetched.opened()) {
            LOG.error("chunk {} from {} is as the backup recorded it but does not open with this peer's data key",
                    c.idx, holder.name());
        } else {
            plan.macs[c.idx] = opening.mac();
            plan.served.add(holder.name());
            return true;
        }
        return false;
    }

    /**
     * Tells the server that a holder's copy of a chunk is bad (CHUNK_BAD, as the owner), so
     * that it is counted lost and made again from a good one. Best effort and off the data
     * path: sent without waiting, and a report lost is made again by the next restore that
     * meets the copy, or by the holder's own scrub.
     */
    private void reportBadCopy(String wireName, int version, int idx, String holder) {
        Message report;
        try {
            report = registration.signed(Message.of(Command.CHUNK_BAD, registration.link().nextRq(), wireName,
                            Integer.toString(idx))
                    .withOption("version", Integer.toString(version))
                    .withOption("holder", holder));
        } catch (PeerException e) {
            return;
        }
        registration.link().send(report).whenComplete((reply, error) -> {
            if (error != null || reply.command() != Command.ACK) {
                LOG.warn("could not report the bad copy of chunk {} on {}: {}", idx, holder,
                        error != null ? error.getMessage() : reply);
            }
        });
    }

    private static int distinctPeers(Plan plan) {
        return (int) plan.chunks.stream().flatMap(c -> c.lease.holders().stream()).map(PlanPeer::name).distinct()
                .count();
    }

    /**
     * The whole file's checksum as the backup gave it: of a sealed version, keyed, from its
     * chunks' MACs (each chunk's tag already checked what it holds: no second pass); else
     * the SHA-256 of the file as written.
     */
    private String wholeChecksum(Plan plan, FileChannel file) throws IOException {
        if (plan.format != ChunkFormats.PLAIN) {
            return key.fileChecksum(plan.size, java.util.Arrays.asList(plan.macs));
        }
        return checksumOf(file);
    }

    // Reads the file back: what is checked is what is on disk, not what passed in memory.
    private static String checksumOf(FileChannel file) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        long position = 0;
        int r;
        while ((r = file.read(buf.clear(), position)) > 0) {
            digest.update(buf.flip());
            position += r;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void report(String wireName, Plan plan, boolean ok, String reason) {
        try {
            Message m = ok
                    ? Message.of(Command.RESTORE_OK, registration.link().nextRq(), wireName)
                    : Message.of(Command.RESTORE_FAIL, registration.link().nextRq(), wireName, reason);
            registration.link().call(registration.signed(m.withOption("version", Integer.toString(plan.version))
                    .withOption("peers", Integer.toString(plan.served.size()))));
        } catch (PeerException e) {
            LOG.warn("could not report the restore to the server: {}", e.getMessage());
        }
    }
}
