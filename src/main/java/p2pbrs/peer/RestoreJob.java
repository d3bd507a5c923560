package p2pbrs.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Sha256;
import p2pbrs.protocol.WireList;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.TransferLimits;

/**
 * One restore: reads the server's plan (paged), fetches every chunk from a peer holding
 * it, several peers in parallel, verifies each chunk against the checksum its owner
 * reported at backup (falling back to another copy when a peer is down or its bytes are
 * wrong), verifies the whole file, and only then renames it into place: never a
 * half-written file under the final name.
 */
final class RestoreJob {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);
    private static final int MAX_WORKERS = 8;

    private final Registration registration;
    private final String owner;
    private final Path restoreDir;
    private final PartFiles parts;
    private final TransferLimits limits;
    private final Progress.Factory progress;


    RestoreJob(Registration registration, String owner, Path restoreDir, PartFiles parts, TransferLimits limits,
               Progress.Factory progress) {
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
        final List<PlanPeer> holders;
        // The tickets of a page are signed with that page's expiry.
        final long expires;

        Chunk(int idx, String checksum, List<PlanPeer> holders, long expires) {
            this.idx = idx;
            this.checksum = checksum;
            this.holders = holders;
            this.expires = expires;
        }
    }

    private static final class Plan {
        int version;
        long size;
        String checksum;
        long chunkSize;
        final List<Chunk> chunks = new ArrayList<>();
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
        try (PartFiles.Part part = parts.create(name)) {
            Progress bar = progress.create("restore " + name, plan.size);
            Fetch fetch = fetchAll(wireName, plan, part.channel(), bar);
            bar.finish();
            if (fetch.unsettled() > 0) {
                report(wireName, plan.version, false, "Chunks-unavailable");
                throw new PeerException("restore of " + name + " failed: no chunk arrived for "
                        + fetch.stallMillis() / 1000 + " s (" + fetch.unsettled() + " of " + plan.chunks.size()
                        + " chunks unfinished)");
            }
            if (!fetch.failed().isEmpty()) {
                report(wireName, plan.version, false, "Chunks-unavailable");
                throw new PeerException("restore of " + name + " failed: no good copy of chunk(s) " + fetch.failed());
            }
            if (!plan.checksum.equals(checksumOf(part.channel()))) {
                report(wireName, plan.version, false, "File-checksum-mismatch");
                throw new PeerException("restore of " + name + " failed: the whole file does not match its checksum");
            }
            part.moveTo(target);
            ChunkStore.fsyncDirectory(restoreDir);
            report(wireName, plan.version, true, null);
            return new RestoreResult(name, plan.version, plan.size, target, bar.rate());
        } catch (IOException e) {
            report(wireName, plan.version, false, "Local-IO-error");
            throw new PeerException("restore of " + name + " failed: " + e.getMessage(), e);
        }
    }

    private Plan requestPlan(String wireName, Integer version) throws PeerException, MalformedMessageException {
        Plan plan = new Plan();
        int from = 0;
        int count = -1;
        while (count < 0 || from < count) {
            Message request = Message.of(Command.RESTORE_REQ, registration.link().nextRq(), wireName)
                    .withOption("from", Integer.toString(from));
            if (version != null) {
                request = request.withOption("version", Integer.toString(version));
            }
            Message reply = registration.link().call(registration.signed(request));
            if (reply.command() != Command.RESTORE_PLAN) {
                throw new PeerException("restore refused: " + Registration.reason(reply));
            }
            String rq = reply.rq();
            if (count < 0) {
                plan.version = Numbers.intOption(reply, "version");
                plan.size = Numbers.option(reply, "size");
                plan.checksum = Numbers.checksum(reply.option("checksum"), rq);
                plan.chunkSize = Numbers.option(reply, "chunk_size");
                count = Numbers.intOption(reply, "chunks");
                // Later pages must be of this same version, even if a newer one completes meanwhile.
                version = plan.version;
            }
            if (Numbers.option(reply, "from") != from || Numbers.option(reply, "version") != plan.version) {
                throw new PeerException("the server's plan pages do not line up");
            }
            List<PlanPeer> peers = new ArrayList<>();
            for (String entry : WireList.parse(reply.field(1), rq)) {
                peers.add(PlanPeer.parse(entry, rq));
            }
            long expires = Numbers.option(reply, "expires");
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
                plan.chunks.add(new Chunk(plan.chunks.size(), checksum, holders, expires));
            }
            if (sums.isEmpty() && count > 0) {
                throw new PeerException("the server's plan made no progress");
            }
            from = plan.chunks.size();
            if (reply.option("next") == null) {
                break;
            }
        }
        if (plan.chunks.size() != count) {
            throw new PeerException("the server's plan lists " + plan.chunks.size() + " of " + count + " chunks");
        }
        return plan;
    }

    /**
     * What fetching came to: the chunks no copy could supply, and how many were still
     * unsettled when the fetching stalled (no chunk settled for stallMillis).
     */
    private record Fetch(List<Integer> failed, long unsettled, long stallMillis) {
    }

    /** Fetches every chunk into the file. */
    private Fetch fetchAll(String wireName, Plan plan, FileChannel file, Progress bar) throws IOException {
        if (plan.chunks.isEmpty()) {
            return new Fetch(List.of(), 0, 0);
        }
        // A chunk tries its holders one after another, each exchange bounded by the limits.
        int holders = plan.chunks.stream().mapToInt(c -> c.holders.size()).max().orElse(1);
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
                    try {
                        Chunk c;
                        while ((c = queue.poll()) != null) {
                            boolean fetched = false;
                            try {
                                // Once the local disk failed, the rest is settled unfetched: the restore is over.
                                fetched = localFailure.get() == null && fetchOne(wireName, plan, c, file, clients);
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
        file.force(true);
        java.util.Collections.sort(failed);
        return new Fetch(failed, 0, stallMillis);
    }

    /**
     * Tries each holder of a chunk in turn until one gives the right bytes. A failure to
     * write them here is no holder's fault and ends the trying.
     */
    private boolean fetchOne(String wireName, Plan plan, Chunk c, FileChannel file, Map<String, ChunkClient> clients)
            throws LocalWriteException {
        long offset = (long) c.idx * plan.chunkSize;
        long size = Math.min(plan.chunkSize, plan.size - offset);
        for (PlanPeer holder : c.holders) {
            ChunkClient client = clients.computeIfAbsent(holder.name(),
                    n -> new ChunkClient(owner, holder, limits));
            Message header = Message.of(Command.GET_CHUNK, registration.link().nextRq(), wireName,
                            Integer.toString(c.idx))
                    .withOption("owner", owner)
                    .withOption("version", Integer.toString(plan.version))
                    .withOption("expires", Long.toString(c.expires))
                    .withOption("ticket", holder.ticket());
            try {
                ChunkClient.Fetched fetched = client.fetch(header, file, offset, size);
                if (fetched.checksum() == null) {
                    LOG.warn("peer {} has no chunk {}: {}", holder.name(), c.idx, fetched.header());
                } else if (fetched.checksum().equals(c.checksum)) {
                    return true;
                } else {
                    LOG.warn("peer {} sent corrupt bytes for chunk {}; trying another copy", holder.name(), c.idx);
                }
            } catch (IOException e) {
                LOG.warn("fetching chunk {} from {} failed: {}", c.idx, holder.name(), e.toString());
            }
        }
        return false;
    }

    private static int distinctPeers(Plan plan) {
        return (int) plan.chunks.stream().flatMap(c -> c.holders.stream()).map(PlanPeer::name).distinct().count();
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

    private void report(String wireName, int version, boolean ok, String reason) {
        try {
            Message m = ok
                    ? Message.of(Command.RESTORE_OK, registration.link().nextRq(), wireName)
                    : Message.of(Command.RESTORE_FAIL, registration.link().nextRq(), wireName, reason);
            registration.link().call(registration.signed(m.withOption("version", Integer.toString(version))));
        } catch (PeerException e) {
            LOG.warn("could not report the restore to the server: {}", e.getMessage());
        }
    }
}
