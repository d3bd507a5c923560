package p2pbrs.server;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import p2pbrs.protocol.ChunkFormats;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.WireList;
import p2pbrs.store.PlanSlot;
import p2pbrs.store.StorageCandidate;

/**
 * Chooses the storage peers of a backup plan and writes the plan's datagram. Plans are
 * made one at a time ({@link #lock}): free space is read and reserved in one transaction
 * while no other plan runs, so concurrent requests never overbook a peer.
 * docs/protocol.md, "The placement rule".
 */
final class Planner {
    // A chunk name as long as a real one, for measuring a plan's datagram before the version exists.
    private static final String CHUNK_NAME_PLACEHOLDER = "0".repeat(32);
    // A ticket as long as a real one (Tickets: 32 hex digits), for the same measurement: the
    // real ones cost a key unsealed and an HMAC per peer, and each attempt would pay them again.
    private static final String TICKET_PLACEHOLDER = "0".repeat(32);

    // A plan considers at most this many peers; the datagram may hold fewer.
    static final int MAX_PLAN_PEERS = 32;

    /** Held around each plan's whole transaction (read free space, reserve it, commit). */
    final Object lock = new Object();

    private final ServerConfig config;
    private final ServerKeys keys;

    Planner(ServerConfig config, ServerKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    /** The peers of a plan, in slot order, and its placement rule. */
    record Plan(List<PlanSlot> peers, Placement placement) {
    }

    /**
     * The most-free peers that fit both the datagram and the file: each peer must have room
     * for its share under the placement rule; with fewer peers than replicas, fewer copies.
     * Null when no such plan exists.
     */
    Plan choose(List<StorageCandidate> candidates, long size, int format, String rq, String wireName, String owner,
                OffsetDateTime expires) {
        int overhead = ChunkFormats.overhead(format);
        if (size == 0) {
            return new Plan(List.of(), new Placement(0, config.chunkSize(), 0, 0, overhead));
        }
        List<StorageCandidate> sorted = new ArrayList<>(candidates);
        // As the database gave them: the most free first, ties by name regardless of case.
        sorted.sort(Comparator.comparingLong(StorageCandidate::free).reversed()
                .thenComparing(StorageCandidate::name, String.CASE_INSENSITIVE_ORDER));
        List<StorageCandidate> peers = new ArrayList<>(sorted.subList(0, Math.min(MAX_PLAN_PEERS, sorted.size())));
        while (!peers.isEmpty()) {
            Placement placement = new Placement(size, config.chunkSize(), peers.size(),
                    Math.min(config.replicas(), peers.size()), overhead);
            Plan plan = new Plan(slots(peers), placement);
            // Measured with a placeholder version: leave room for its digits.
            boolean fitsDatagram = Codec.format(render(rq, wireName, CHUNK_NAME_PLACEHOLDER, 1, plan, expires,
                            p -> TICKET_PLACEHOLDER)).length()
                    < Codec.MAX_DATAGRAM_BYTES - 10;
            if (fitsDatagram && fitsCapacity(peers, placement)) {
                return plan;
            }
            peers.remove(peers.size() - 1);
        }
        return null;
    }

    private static List<PlanSlot> slots(List<StorageCandidate> peers) {
        List<PlanSlot> slots = new ArrayList<>();
        for (int slot = 0; slot < peers.size(); slot++) {
            StorageCandidate p = peers.get(slot);
            slots.add(new PlanSlot(slot, p.peerId(), p.name(), p.ip(), p.tcpPort(), p.sealedTicketKey()));
        }
        return slots;
    }

    private static boolean fitsCapacity(List<StorageCandidate> peers, Placement placement) {
        for (int slot = 0; slot < peers.size(); slot++) {
            if (peers.get(slot).free() < placement.bytesFor(slot)) {
                return false;
            }
        }
        return true;
    }

    /**
     * BACKUP_PLAN: the peers with a store ticket each (for the version's chunk name: storage
     * peers never see the file's name), the rule's numbers, the chunk name and the expiry.
     */
    Message message(String rq, String wireName, String chunkName, String owner, int version, Plan plan,
                    OffsetDateTime expires) {
        long expiresEpoch = expires.toEpochSecond();
        return render(rq, wireName, chunkName, version, plan, expires, p -> Tickets.store(
                keys.open(p.sealedTicketKey()), owner, FileNames.encode(chunkName), version, plan.placement(),
                p.slot(), expiresEpoch));
    }

    private static Message render(String rq, String wireName, String chunkName, int version, Plan plan,
                                  OffsetDateTime expires, java.util.function.Function<PlanSlot, String> ticket) {
        List<String> entries = new ArrayList<>();
        for (PlanSlot p : plan.peers()) {
            entries.add(new PlanPeer(p.name(), p.ip(), p.tcpPort(), ticket.apply(p)).encode());
        }
        return Message.of(Command.BACKUP_PLAN, rq, wireName, WireList.format(entries),
                        Long.toString(plan.placement().chunkSize()))
                .withOption("version", Integer.toString(version))
                .withOption("replicas", Integer.toString(plan.placement().replicas()))
                .withOption("chunks", Integer.toString(plan.placement().chunkCount()))
                .withOption("size", Long.toString(plan.placement().fileSize()))
                .withOption("chunk_name", FileNames.encode(chunkName))
                .withOption("expires", Long.toString(expires.toEpochSecond()));
    }
}
