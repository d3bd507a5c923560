package p2pbrs.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Signatures;
import p2pbrs.protocol.Tickets;
import p2pbrs.store.RepairJob;
import p2pbrs.store.RepairStore;
import p2pbrs.transport.RequestClient;

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
    private final RequestClient client;
    private final ServerKeys keys;
    private final Clock clock;
    private final Executor background;
    private final String clusterId;
    private final Instant safeUntil;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    Repairer(RepairStore store, RequestClient client, ServerKeys keys, Clock clock, Executor background,
             String clusterId, Duration safeMode) {
        this.store = store;
        this.client = client;
        this.keys = keys;
        this.clock = clock;
        this.background = background;
        this.clusterId = clusterId;
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
                    store.abandon(job.taskId());
                } else if (inFlight.add(job.taskId())) {
                    ask(job);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("repair failed; will try again", e);
        }
    }

    private void plan() {
        for (RepairStore.Need need : store.needs(BATCH)) {
            List<Long> sources = store.sources(need);
            Optional<Long> target = store.target(need);
            if (sources.isEmpty() || target.isEmpty()) {
                // No live copy left (missing), or nowhere to put one yet: looked at again later.
                continue;
            }
            store.queue(need, sources.get(0), target.get(), OffsetDateTime.now(clock));
            LOG.info("repairing chunk {} of version {}: {} of {} copies live", need.idx(), need.versionId(),
                    need.live(), need.wanted());
        }
    }

    private void ask(RepairJob job) {
        InetSocketAddress source;
        try {
            source = new InetSocketAddress(InetAddress.getByName(job.sourceIp()), job.sourceUdpPort());
        } catch (UnknownHostException e) {
            // The registry holds literals only; nothing to resolve.
            inFlight.remove(job.taskId());
            return;
        }
        String wireName = FileNames.encode(job.fileName());
        long expires = OffsetDateTime.now(clock).plus(TICKET_LIFE).toEpochSecond();
        String ticket = Tickets.repair(keys.open(job.targetSealedKey()), job.ownerPublicId(), wireName, job.version(),
                job.idx(), job.size(), job.checksum(), job.fileSize(), job.chunkSize(), expires);
        Message unsigned = Message.of(Command.REPLICATE_REQ, client.nextRq(), wireName, Integer.toString(job.idx()),
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
                .withOption("cluster", clusterId);
        byte[] key = HexFormat.of().parseHex(keys.open(job.sourceSealedKey()));
        client.send(Signatures.sign(key, unsigned), source).whenCompleteAsync((reply, error) -> {
            try {
                boolean copied = error == null && reply.command() == Command.REPLICATED;
                if (!copied && error == null) {
                    LOG.warn("the holder at {} did not copy chunk {} of {}: {}", source, job.idx(), job.fileName(),
                            reply);
                }
                Duration wait = copied ? ACK_WAIT : Duration.ofSeconds(1L << Math.min(job.attempts(), 6));
                store.later(job.taskId(), OffsetDateTime.now(clock).plus(wait));
            } catch (RuntimeException e) {
                LOG.warn("recording a repair failed; it will be asked for again", e);
            } finally {
                inFlight.remove(job.taskId());
            }
        }, background);
    }

    private static String hostPort(String ip, int port) {
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
}
