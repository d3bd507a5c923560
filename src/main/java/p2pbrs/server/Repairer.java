package p2pbrs.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Tickets;
import p2pbrs.store.RepairJob;
import p2pbrs.store.RepairStore;

/**
 * Makes lost copies again: finds chunks with fewer good copies on live peers than wanted
 * (fewest first), picks a live holder and a live target with room, queues the copy in the
 * database, and asks the holder (REPLICATE_REQ, signed with the key the two share) to send
 * it to the target with a repair ticket. The target's STORE_ACK records the new copy and
 * ends the task; a copy that does not arrive is asked for again with backoff, and given up
 * after a few tries so that another source or target is chosen. Nothing starts until the
 * peers have had --dead-after to be heard from after a server start (safe mode): a restart
 * alone never sets off copying. Runs periodically.
 */
final class Repairer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);
    private static final int BATCH = 64;
    private static final int MAX_ATTEMPTS = 5;
    // A copy reported done waits this long for the target's STORE_ACK before it is asked for again.
    private static final Duration ACK_WAIT = Duration.ofSeconds(30);
    private static final Duration TICKET_LIFE = Duration.ofMinutes(10);

    private final RepairStore store;
    private final PeerCaller peers;
    private final ServerKeys keys;
    private final Clock clock;
    private final Instant safeUntil;
    private final java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();

    // Free space is read and reserved under the lock every placement holds (plans,
    // substitutes), so that a repair and a backup never both count on the same room.
    private final Object placing;

    Repairer(RepairStore store, PeerCaller peers, ServerKeys keys, Clock clock, Duration safeMode, Object placing) {
        this.store = store;
        this.placing = placing;
        this.peers = peers;
        this.keys = keys;
        this.clock = clock;
        this.safeUntil = clock.instant().plus(safeMode);
    }

    @Override
    public void run() {
        if (clock.instant().isBefore(safeUntil)) {
            return;
        }
        try {
            plan();
            for (RepairJob job : store.due(OffsetDateTime.now(clock), BATCH)) {
                if (job.attempts() >= MAX_ATTEMPTS) {
                    store.abandon(job.taskId(), OffsetDateTime.now(clock));
                } else {
                    ask(job);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("repair failed; will try again", e);
        } finally {
            passes.incrementAndGet();
        }
    }

    /** How many times it has looked for work since safe mode ended. */
    long passes() {
        return passes.get();
    }

    private void plan() {
        for (RepairStore.Need need : store.needs(BATCH)) {
            try {
                plan(need);
            } catch (RuntimeException e) {
                // One chunk that cannot be planned must not hold up the others.
                LOG.warn("cannot plan a copy of chunk {} of version {}; will try again", need.idx(), need.versionId(), e);
            }
        }
    }

    private void plan(RepairStore.Need need) {
        List<Long> sources = store.sources(need);
        if (sources.isEmpty()) {
            // No live copy left (missing): looked at again later, in case a holder returns.
            return;
        }
        synchronized (placing) {
            Optional<Long> target = store.target(need);
            if (target.isEmpty()) {
                // Nowhere to put one yet: looked at again later.
                return;
            }
            store.queue(need, sources.get(0), target.get(), OffsetDateTime.now(clock));
        }
        LOG.info("repairing chunk {} of version {}: {} of {} copies live", need.idx(), need.versionId(),
                need.live(), need.wanted());
    }

    private void ask(RepairJob job) {
        String wireName = FileNames.encode(job.chunkName());
        long expires = OffsetDateTime.now(clock).plus(TICKET_LIFE).toEpochSecond();
        String ticket = Tickets.repair(keys.open(job.targetSealedKey()), job.ownerPublicId(), wireName, job.version(),
                job.idx(), job.size(), job.checksum(), job.fileSize(), job.chunkSize(), expires);
        Message unsigned = Message.of(Command.REPLICATE_REQ, peers.nextRq(), wireName, Integer.toString(job.idx()),
                        job.targetName())
                .withOption("owner", job.ownerPublicId())
                .withOption("version", Integer.toString(job.version()))
                .withOption("size", Long.toString(job.size()))
                .withOption("checksum", job.checksum())
                .withOption("file_size", Long.toString(job.fileSize()))
                .withOption("chunk_size", Long.toString(job.chunkSize()))
                .withOption("target", hostPort(job.targetIp(), job.targetTcpPort()))
                .withOption("expires", Long.toString(expires))
                .withOption("ticket", ticket)
                .withOption("cluster", peers.clusterId());
        peers.call("repair " + job.taskId(), job.sourceIp(), job.sourceUdpPort(), job.sourceSealedKey(), unsigned,
                (reply, error) -> {
                    if (error == null && reply.command() == Command.REPLICATE_DENIED
                            && Reason.NOT_FOUND.equals(reply.field(reply.fields().size() - 1))) {
                        // The holder says it has no such copy: trusted about its own copies.
                        LOG.warn("{} lacks chunk {} of {}: its copy is lost", job.sourceIp(), job.idx(), job.chunkName());
                        store.sourceLost(job, OffsetDateTime.now(clock));
                        return;
                    }
                    boolean copied = error == null && reply.command() == Command.REPLICATED;
                    if (!copied && error == null) {
                        LOG.warn("a holder did not copy chunk {} of {}: {}", job.idx(), job.chunkName(), reply);
                    }
                    Duration wait = copied ? ACK_WAIT : Duration.ofSeconds(1L << Math.min(job.attempts(), 6));
                    store.later(job.taskId(), OffsetDateTime.now(clock).plus(wait));
                });
    }

    private static String hostPort(String ip, int port) {
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
}
