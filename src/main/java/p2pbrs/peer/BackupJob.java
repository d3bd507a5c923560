package p2pbrs.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.crypto.ChunkSeal;
import p2pbrs.crypto.DataKey;
import p2pbrs.protocol.ChunkFormats;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileName;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.Pages;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Sha256;
import p2pbrs.protocol.WireList;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.TransferLimits;

/**
 * One backup: asks the server for a plan, reads the file once, seals each chunk with the
 * owner's data key (docs/protocol.md, "Chunk format": storage peers get ciphertext under
 * the version's chunk name, never a file name) and hashes what is sent, derives the
 * file's keyed checksum from the chunks' MACs (no second pass), sends every chunk to the
 * peers the placement rule names, one connection and thread per peer, peers in parallel
 * (a copy a peer fails to take goes to a substitute the server names), then reports the
 * chunk checksums and closes the backup. Memory is a few chunk buffers, whatever the file
 * size.
 */
final class BackupJob {
    private static final Logger LOG = LoggerFactory.getLogger(BackupJob.class);
    // Two connections per storage peer keep a chunk in flight while the peer makes the
    // previous one durable (its fsyncs would otherwise idle the network, and the reverse).
    private static final int CONNECTIONS_PER_PEER = 2;
    // Sealing threads at most, and the memory their chunks and those on their way may take.
    private static final int MAX_SEALERS = 4;
    private static final long SEALING_MEMORY = 32L << 20;
    private static final long BUFFER_MEMORY = 48L << 20;
    // BACKUP_DONE keeps asking while the storage peers' STORE_ACKs still arrive. When none
    // has arrived for this long, it stops waiting for every copy it saw stored (a storage
    // peer may have died between its CHUNK_OK and its STORE_ACK) and settles for one copy of
    // each chunk; after as long again without progress, it gives up.
    private static final long STALL_NANOS = 15_000_000_000L;

    // How often the lease's time is looked at; a renewal is sent only once it is due.
    private static final long RENEW_CHECK_MILLIS = 250;

    private final Registration registration;
    private final String owner;
    private final TransferLimits limits;
    private final Progress.Factory progress;
    // Null only where a benchmark measures the cost of sealing: chunks then go as the file's bytes.
    private final DataKey key;

    BackupJob(Registration registration, String owner, TransferLimits limits, Progress.Factory progress,
              DataKey key) {
        this.registration = registration;
        this.owner = owner;
        this.limits = limits;
        this.progress = progress;
        this.key = key;
    }

    private int format() {
        return key == null ? ChunkFormats.PLAIN : ChunkFormats.SEALED_V1;
    }

    BackupResult run(Path file) throws PeerException {
        Path name = file.getFileName();
        if (name == null || FileNames.problem(name.toString()) != null) {
            throw new PeerException("cannot back up '" + file + "': "
                    + (name == null ? "no file name" : FileNames.problem(name.toString())));
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new PeerException("cannot back up '" + file + "': not a readable file");
        }
        String wireName = FileNames.encode(name.toString());
        try {
            long size = Files.size(file);
            Plan plan = requestPlan(wireName, size);
            // The plan is renewed on time even while every sender waits on a slow peer: the
            // server would otherwise expire a backup that is merely slow.
            ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(
                    DaemonThreads.numbered("backup-" + owner + "-renewer"));
            try {
                renewer.scheduleWithFixedDelay(() -> lease(plan, wireName), RENEW_CHECK_MILLIS, RENEW_CHECK_MILLIS,
                        TimeUnit.MILLISECONDS);
                Progress bar = progress.create("backup " + name, size);
                String fileChecksum = sendChunks(file, wireName, plan, bar);
                bar.finish();
                reportSums(wireName, plan);
                Message done = finish(wireName, plan.version, fileChecksum, plan.copiesStored.get());
                return new BackupResult(name.toString(), plan.version, size, plan.placement.chunkCount(),
                        Numbers.intOption(done, "under_replicated"), bar.rate());
            } finally {
                renewer.shutdownNow();
            }
        } catch (IOException e) {
            throw new PeerException("backup of " + name + " failed: " + e.getMessage(), e);
        } catch (MalformedMessageException e) {
            throw new PeerException("backup of " + name + " failed: the server sent a bad reply: " + e.getMessage(), e);
        }
    }

    private static final class Plan {
        int version;
        long size;
        // What storage peers know the version by (the plan's chunk_name), wire-encoded.
        String chunkWire;
        Placement placement;
        List<PlanPeer> peers;
        String[] checksums;
        // Copies the storage peers confirmed with CHUNK_OK.
        final AtomicInteger copiesStored = new AtomicInteger();
        // The plan's expiry and the tickets valid until then, replaced when renewed.
        volatile Lease lease;
    }

    /** Tickets, one per slot, valid until expires; renewed once renewAt (epoch seconds) has come. */
    private record Lease(long expires, List<String> tickets, long renewAt) {
        static Lease of(long expires, List<PlanPeer> peers) {
            long now = System.currentTimeMillis() / 1000;
            // Renewed when half its time is gone: ample time left for the renewal itself.
            return new Lease(expires, peers.stream().map(PlanPeer::ticket).toList(), now + (expires - now) / 2);
        }
    }

    /**
     * The plan's current lease, renewed first when half of it is gone, so that a transfer
     * that outlasts the plan's time limit keeps going (BACKUP_REQ with version=N). If the
     * renewal fails, the old tickets are used while they last and the failure shows there.
     */
    private Lease lease(Plan plan, String wireName) {
        Lease current = plan.lease;
        if (System.currentTimeMillis() / 1000 < current.renewAt()) {
            return current;
        }
        synchronized (plan) {
            current = plan.lease;
            if (System.currentTimeMillis() / 1000 < current.renewAt()) {
                return current;
            }
            try {
                Message reply = registration.link().call(registration.signed(Message.of(Command.BACKUP_REQ,
                                registration.link().nextRq(), wireName, Long.toString(plan.size), "-")
                        .withOption("version", Integer.toString(plan.version))));
                if (reply.command() != Command.BACKUP_PLAN) {
                    throw new PeerException("renewal refused: " + Registration.reason(reply));
                }
                List<PlanPeer> peers = new ArrayList<>();
                for (String entry : WireList.parse(reply.field(1), reply.rq())) {
                    peers.add(PlanPeer.parse(entry, reply.rq()));
                }
                if (peers.size() != plan.peers.size()) {
                    throw new PeerException("the renewed plan names other peers");
                }
                plan.lease = Lease.of(Numbers.option(reply, "expires"), peers);
            } catch (PeerException | MalformedMessageException e) {
                LOG.warn("could not renew the plan of {} v{}: {}", wireName, plan.version, e.getMessage());
                // Not again at once: the old tickets still serve until they expire.
                plan.lease = new Lease(current.expires(), current.tickets(), current.expires());
            }
            return plan.lease;
        }
    }

    private Plan requestPlan(String wireName, long size) throws PeerException, MalformedMessageException {
        Message request = Message.of(Command.BACKUP_REQ, registration.link().nextRq(), wireName, Long.toString(size),
                "-");
        if (format() != ChunkFormats.PLAIN) {
            request = request.withOption("format", Integer.toString(format()));
        }
        Message reply = registration.link().call(registration.signed(request));
        if (reply.command() != Command.BACKUP_PLAN) {
            throw new PeerException("backup refused: " + Registration.reason(reply));
        }
        String rq = reply.rq();
        Plan plan = new Plan();
        plan.version = Numbers.intOption(reply, "version");
        plan.peers = new ArrayList<>();
        for (String entry : WireList.parse(reply.field(1), rq)) {
            plan.peers.add(PlanPeer.parse(entry, rq));
        }
        int replicas = Numbers.intOption(reply, "replicas");
        if (reply.option("chunk_name") == null) {
            throw new PeerException("the server's plan names no chunk name");
        }
        plan.chunkWire = FileName.decode(reply.option("chunk_name"), rq).wire();
        plan.placement = new Placement(size, Numbers.parseLong(reply.field(2), rq), plan.peers.size(), replicas,
                ChunkFormats.overhead(format()));
        if (plan.placement.chunkCount() != Numbers.option(reply, "chunks")) {
            throw new PeerException("the server's plan disagrees with the file size");
        }
        plan.size = size;
        plan.lease = Lease.of(Numbers.option(reply, "expires"), plan.peers);
        plan.checksums = new String[plan.placement.chunkCount()];
        return plan;
    }

    /**
     * A chunk in memory on its way to its peers, as stored (sealed); its buffer returns to the
     * pool after the last copy. plainLength is its share of the file, for the progress bar.
     */
    private static final class Job {
        final int idx;
        final byte[] buf;
        final int length;
        final int plainLength;
        final String checksum;
        final AtomicInteger pending;
        final AtomicInteger stored = new AtomicInteger();

        Job(int idx, byte[] buf, int length, int plainLength, String checksum, int copies) {
            this.idx = idx;
            this.buf = buf;
            this.length = length;
            this.plainLength = plainLength;
            this.checksum = checksum;
            this.pending = new AtomicInteger(copies);
        }
    }

    private String sendChunks(Path file, String wireName, Plan plan, Progress bar) throws IOException, PeerException {
        // Format 0 (benchmarks only): the file's SHA-256, as before chunks were sealed.
        MessageDigest whole = key == null ? Sha256.newDigest() : null;
        int chunks = plan.placement.chunkCount();
        byte[][] macs = new byte[chunks][];
        if (chunks == 0) {
            return fileChecksum(plan, whole, macs);
        }
        int chunkSize = Math.toIntExact(plan.placement.chunkSize());
        int storedSize = chunkSize + plan.placement.overhead();
        // Sealing and hashing are most of the owner's work: one thread per core does it, as
        // memory allows. The whole-file SHA-256 of format 0 needs the chunks in order: one.
        int sealers = key == null ? 1 : (int) Math.max(1, Math.min(Math.min(Runtime.getRuntime().availableProcessors(),
                MAX_SEALERS), SEALING_MEMORY / chunkSize));
        // Enough buffers that every sealer works while chunks are on their way, few enough to
        // keep memory flat: a chunk in a buffer is sealed where it was read.
        int buffers = (int) Math.max(sealers + 1, Math.min(sealers + 4, BUFFER_MEMORY / chunkSize));
        BlockingQueue<byte[]> pool = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            pool.add(new byte[storedSize]);
        }
        // Every copy's transfer is bounded by the limits; a sender's queue holds at most one
        // job per buffer, each tried twice at its peer and then at a few substitutes, each
        // after the server's answer: no chunk settles within this only if something is wrong.
        long exchange = limits.exchangeMillis(chunkSize);
        long stallMillis = buffers * (2L * exchange
                + Substitutes.MAX_TRIES * (registration.link().longestCallMillis() + exchange));
        CountDownLatch allDone = new CountDownLatch(chunks);
        AtomicInteger lost = new AtomicInteger();
        List<BlockingQueue<Job>> queues = new ArrayList<>();
        List<Sender> senders = new ArrayList<>();
        for (int slot = 0; slot < plan.peers.size(); slot++) {
            BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            for (int c = 0; c < CONNECTIONS_PER_PEER; c++) {
                Sender s = new Sender(plan, wireName, slot, queue, pool, allDone, lost, bar, stallMillis);
                senders.add(s);
                s.start();
            }
        }
        ExecutorService sealing = Executors.newFixedThreadPool(sealers, DaemonThreads.numbered("backup-" + owner
                + "-sealer"));
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Sealing work = new Sealing(plan, in, pool, queues, whole, macs, stallMillis);
            List<Future<Void>> sealed = new ArrayList<>();
            for (int i = 0; i < sealers; i++) {
                sealed.add(sealing.submit(work));
            }
            for (Future<Void> f : sealed) {
                work.await(f);
            }
            if (in.read(ByteBuffer.allocate(1), plan.size) > 0) {
                throw new PeerException("the file grew while it was being backed up; try again");
            }
            if (!Waits.untilDoneOrStalled(allDone, stallMillis)) {
                throw stalled(stallMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("backup interrupted");
        } finally {
            sealing.shutdownNow();
            for (Sender s : senders) {
                s.stop();
            }
        }
        if (lost.get() > 0) {
            throw new PeerException(lost.get() + " chunk(s) could not be stored on any peer");
        }
        return fileChecksum(plan, whole, macs);
    }

    /**
     * Reads, seals and hashes the file's chunks, each sealer taking the next chunk not yet
     * taken (so chunks leave nearly in order), and queues each for the peers of its copies.
     * The first failure stops every sealer; {@link #await} gives it to the backup.
     */
    private final class Sealing implements Callable<Void> {
        private final Plan plan;
        private final FileChannel in;
        private final BlockingQueue<byte[]> pool;
        private final List<BlockingQueue<Job>> queues;
        private final MessageDigest whole;
        private final byte[][] macs;
        private final long stallMillis;
        private final AtomicInteger next = new AtomicInteger();
        private volatile boolean failed;

        Sealing(Plan plan, FileChannel in, BlockingQueue<byte[]> pool, List<BlockingQueue<Job>> queues,
                MessageDigest whole, byte[][] macs, long stallMillis) {
            this.plan = plan;
            this.in = in;
            this.pool = pool;
            this.queues = queues;
            this.whole = whole;
            this.macs = macs;
            this.stallMillis = stallMillis;
        }

        @Override
        public Void call() throws IOException, PeerException, InterruptedException {
            // One per thread: it holds the Mac and Ciphers a chunk would otherwise look up.
            ChunkSeal seal = key == null ? null : new ChunkSeal(key);
            MessageDigest digest = Sha256.newDigest();
            try {
                int i;
                while (!failed && (i = next.getAndIncrement()) < plan.placement.chunkCount()) {
                    byte[] buf = pool.poll(stallMillis, TimeUnit.MILLISECONDS);
                    if (buf == null) {
                        throw stalled(stallMillis);
                    }
                    int plainLength = (int) plan.placement.plainSizeOf(i);
                    // A sealed chunk's plaintext is read where its ciphertext goes, after the header.
                    int at = seal != null ? ChunkSeal.HEADER_BYTES : 0;
                    readFully(buf, at, plainLength, (long) i * plan.placement.chunkSize());
                    int length;
                    if (seal != null) {
                        length = seal.sealInPlace(buf, 0, plainLength);
                        macs[i] = ChunkSeal.mac(buf, 0);
                    } else {
                        length = plainLength;
                        whole.update(buf, 0, length);
                    }
                    // The checksum of the bytes as stored: what storage peers and restores check.
                    digest.update(buf, 0, length);
                    Job job = new Job(i, buf, length, plainLength, HexFormat.of().formatHex(digest.digest()),
                            plan.placement.replicas());
                    plan.checksums[i] = job.checksum;
                    for (int copy = 0; copy < plan.placement.replicas(); copy++) {
                        queues.get(plan.placement.slot(i, copy)).put(job);
                    }
                }
                return null;
            } catch (IOException | PeerException | InterruptedException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        private void readFully(byte[] buf, int off, int length, long position) throws IOException, PeerException {
            ByteBuffer target = ByteBuffer.wrap(buf, off, length);
            while (target.hasRemaining()) {
                if (in.read(target, position + target.position() - off) < 0) {
                    throw new PeerException("the file shrank while it was being backed up; try again");
                }
            }
        }

        /** Waits for one sealer; its failure, as the backup's. */
        void await(Future<Void> sealer) throws IOException, PeerException, InterruptedException {
            try {
                sealer.get();
            } catch (ExecutionException e) {
                failed = true;
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof PeerException pe) {
                    throw pe;
                }
                if (cause instanceof InterruptedException ie) {
                    throw ie;
                }
                throw new IllegalStateException("sealing a chunk failed", cause);
            }
        }
    }

    /**
     * The checksum BACKUP_DONE gives the server: keyed, from the chunks' MACs, for sealed
     * chunks (nothing the server keeps lets it confirm a guess about the content); the
     * file's SHA-256 for chunks stored as they are.
     */
    private String fileChecksum(Plan plan, MessageDigest whole, byte[][] macs) {
        return key != null ? key.fileChecksum(plan.size, Arrays.asList(macs))
                : HexFormat.of().formatHex(whole.digest());
    }

    private static PeerException stalled(long stallMillis) {
        return new PeerException("no chunk was stored for " + stallMillis / 1000 + " s; giving up");
    }

    /** What became of a copy sent to its planned peer. */
    private enum Outcome {
        STORED,
        // Unreachable, or refused for a fault of its own: another peer may take it.
        PEER_FAILED,
        // Refused for what would be refused anywhere (the plan's time is up, say).
        REFUSED
    }

    /**
     * Sends chunks of one slot over one connection; a slot's connections share its queue. A
     * copy the slot's peer fails to take goes to a substitute the server names.
     */
    private final class Sender implements Runnable {
        private static final Job STOP = new Job(-1, null, 0, 0, null, 0);

        private final BlockingQueue<Job> queue;
        private final Plan plan;
        private final String wireName;
        private final int slot;
        private final BlockingQueue<byte[]> pool;
        private final CountDownLatch allDone;
        private final AtomicInteger lost;
        private final Progress bar;
        private final long stallMillis;
        private final Thread thread;
        private boolean failed;

        Sender(Plan plan, String wireName, int slot, BlockingQueue<Job> queue, BlockingQueue<byte[]> pool,
               CountDownLatch allDone, AtomicInteger lost, Progress bar, long stallMillis) {
            this.queue = queue;
            this.plan = plan;
            this.wireName = wireName;
            this.slot = slot;
            this.pool = pool;
            this.allDone = allDone;
            this.lost = lost;
            this.bar = bar;
            this.stallMillis = stallMillis;
            this.thread = DaemonThreads.named(this, "backup-" + owner + "-to-" + plan.peers.get(slot).name());
        }

        void start() {
            thread.start();
        }

        void stop() {
            queue.add(STOP);
        }

        @Override
        public void run() {
            PlanPeer peer = plan.peers.get(slot);
            try (ChunkClient client = new ChunkClient(owner, peer, limits);
                 Substitutes elsewhere = new Substitutes(registration, owner, limits, wireName, plan.chunkWire,
                         plan.version, plan.placement)) {
                while (true) {
                    // No work for that long means the reader gave up; the backup fails on its side.
                    Job job = queue.poll(stallMillis, TimeUnit.MILLISECONDS);
                    if (job == null || job == STOP) {
                        return;
                    }
                    boolean ok = false;
                    try {
                        Outcome outcome = failed ? Outcome.PEER_FAILED : sendOne(client, job);
                        // A copy the peer failed to take goes to another live peer, if the server has one.
                        ok = outcome == Outcome.STORED || (outcome == Outcome.PEER_FAILED
                                && elsewhere.store(job.idx, job.buf, job.length, job.checksum, peer.name()));
                    } catch (RuntimeException e) {
                        LOG.error("sending chunk {} to {} failed", job.idx, peer.name(), e);
                    } finally {
                        // Whatever happened to this copy, its chunk is settled: the backup waits on that.
                        settle(job, ok);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void settle(Job job, boolean stored) {
            if (stored) {
                job.stored.incrementAndGet();
                plan.copiesStored.incrementAndGet();
            }
            if (job.pending.decrementAndGet() == 0) {
                if (job.stored.get() == 0) {
                    lost.incrementAndGet();
                }
                pool.add(job.buf);
                bar.add(job.plainLength);
                allDone.countDown();
            }
        }

        private Outcome sendOne(ChunkClient client, Job job) {
            Lease lease = lease(plan, wireName);
            Message header = Message.of(Command.SEND_CHUNK, registration.link().nextRq(), plan.chunkWire,
                            Integer.toString(job.idx), Integer.toString(job.length), job.checksum)
                    .withOption("owner", owner)
                    .withOption("version", Integer.toString(plan.version))
                    .withOption("file_size", Long.toString(plan.placement.fileSize()))
                    .withOption("chunk_size", Long.toString(plan.placement.chunkSize()))
                    .withOption("peers", Integer.toString(plan.placement.peers()))
                    .withOption("replicas", Integer.toString(plan.placement.replicas()))
                    .withOption("overhead", Integer.toString(plan.placement.overhead()))
                    .withOption("slot", Integer.toString(slot))
                    .withOption("expires", Long.toString(lease.expires()))
                    .withOption("ticket", lease.tickets().get(slot));
            for (int attempt = 1; attempt <= 2; attempt++) {
                try {
                    Message reply = client.send(header, job.buf, job.length);
                    if (reply.command() == Command.CHUNK_OK) {
                        return Outcome.STORED;
                    }
                    LOG.warn("peer {} refused chunk {}: {}", client.peer().name(), job.idx, Codec.format(reply));
                    // ChunkClient lets only CHUNK_OK or a CHUNK_ERROR with its Reason through.
                    if (!Reason.CHECKSUM_MISMATCH.equals(reply.field(2)) || attempt == 2) {
                        return Substitutes.peersFault(reply) ? Outcome.PEER_FAILED : Outcome.REFUSED;
                    }
                } catch (IOException e) {
                    LOG.warn("sending chunk {} to {} failed: {}", job.idx, client.peer().name(), e.toString());
                    if (attempt == 2) {
                        // The peer is unreachable: its remaining copies go straight to substitutes.
                        failed = true;
                    }
                }
            }
            return Outcome.PEER_FAILED;
        }
    }

    private void reportSums(String wireName, Plan plan) throws PeerException {
        List<String> sums = List.of(plan.checksums);
        int from = 0;
        while (from < sums.size()) {
            Message base = registration.signed(Message.of(Command.CHUNK_SUMS, registration.link().nextRq(), wireName)
                    .withOption("version", Integer.toString(plan.version))
                    .withOption("from", Integer.toString(from)));
            List<String> rest = sums.subList(from, sums.size());
            int n = Pages.fitting(rest.size(), k -> base.withOption("sums", WireList.format(rest.subList(0, k))));
            if (n == 0) {
                throw new PeerException("the file name is too long to report chunk checksums");
            }
            Message reply = registration.link().call(base.withOption("sums", WireList.format(rest.subList(0, n))));
            if (reply.command() != Command.ACK) {
                throw new PeerException("the server refused the chunk checksums: " + Registration.reason(reply));
            }
            from += n;
        }
    }

    private Message finish(String wireName, int version, String checksum, int copies) throws PeerException {
        boolean waitForAll = true;
        long lastProgress = System.nanoTime();
        long lastAcked = -1;
        long pause = 10;
        while (true) {
            Message done = Message.of(Command.BACKUP_DONE, registration.link().nextRq(), wireName)
                    .withOption("version", Integer.toString(version))
                    .withOption("checksum", checksum);
            if (waitForAll) {
                done = done.withOption("copies", Integer.toString(copies));
            }
            Message reply = registration.link().call(registration.signed(done));
            if (reply.command() == Command.BACKUP_COMPLETE) {
                return reply;
            }
            if (reply.command() != Command.BACKUP_DONE_DENIED || !Reason.AWAITING_ACKS.equals(reply.field(0))) {
                throw new PeerException("the server did not complete the backup: " + Registration.reason(reply));
            }
            long acked = ackedSoFar(reply);
            long now = System.nanoTime();
            if (acked > lastAcked) {
                lastAcked = acked;
                lastProgress = now;
            } else if (now - lastProgress > STALL_NANOS) {
                if (!waitForAll) {
                    throw new PeerException("the server did not complete the backup: " + Registration.reason(reply)
                            + " (no acknowledgement arrived for " + STALL_NANOS / 1_000_000_000L + " s)");
                }
                waitForAll = false;
                lastProgress = now;
            }
            // The storage peers' STORE_ACKs are still on their way: ask again shortly.
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException("backup interrupted");
            }
            pause = Math.min(500, pause * 2);
        }
    }

    private static long ackedSoFar(Message awaiting) {
        try {
            return awaiting.option("acked") == null ? 0 : Numbers.option(awaiting, "acked");
        } catch (MalformedMessageException e) {
            return 0;
        }
    }
}
