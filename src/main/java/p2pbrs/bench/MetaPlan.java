package p2pbrs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import p2pbrs.protocol.ChunkFormats;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Sha256;
import p2pbrs.protocol.WireList;

/**
 * A version a BACKUP_PLAN created: whose it is, what storage peers know it by, and which of
 * them the placement rule sends each copy of each chunk to, so that the right storage peer
 * acknowledges it. Each chunk's checksum is made up, the same for CHUNK_SUMS and STORE_ACK.
 */
final class MetaPlan {
    private final MetaPeer owner;
    private final String fileWire;
    private final int version;
    private final String chunkName;
    private final Placement placement;
    private final List<MetaPeer> slots;
    private final AtomicInteger pagesSummed = new AtomicInteger();

    private MetaPlan(MetaPeer owner, String fileWire, int version, String chunkName, Placement placement,
                     List<MetaPeer> slots) {
        this.owner = owner;
        this.fileWire = fileWire;
        this.version = version;
        this.chunkName = chunkName;
        this.placement = placement;
        this.slots = slots;
    }

    /** The plan a BACKUP_PLAN describes, its peers found among ours; a BenchException if it does not add up. */
    static MetaPlan of(MetaPeer owner, Message plan, MetaPeers peers) throws BenchException {
        String rq = plan.rq();
        try {
            List<MetaPeer> slots = new ArrayList<>();
            for (String entry : WireList.parse(plan.field(1), rq)) {
                MetaPeer p = peers.storage(PlanPeer.parse(entry, rq).name());
                if (p == null) {
                    throw new BenchException("a plan names a storage peer the benchmark did not make: " + entry);
                }
                slots.add(p);
            }
            Placement placement = Placement.ofPlan(number(plan.option("size")), number(plan.field(2)), slots.size(),
                    (int) number(plan.option("replicas")), ChunkFormats.SEALED_V1_OVERHEAD);
            if (placement.chunkCount() != number(plan.option("chunks")) || plan.option("chunk_name") == null) {
                throw new BenchException("a plan that does not add up: " + plan);
            }
            return new MetaPlan(owner, plan.field(0), (int) number(plan.option("version")), plan.option("chunk_name"),
                    placement, slots);
        } catch (MalformedMessageException | IllegalArgumentException e) {
            throw new BenchException("a plan that does not parse (" + e.getMessage() + "): " + plan, e);
        }
    }

    private static long number(String text) throws BenchException {
        if (text == null) {
            throw new BenchException("a plan without one of its numbers");
        }
        return Long.parseLong(text);
    }

    MetaPeer owner() {
        return owner;
    }

    String fileWire() {
        return fileWire;
    }

    int version() {
        return version;
    }

    String chunkName() {
        return chunkName;
    }

    int chunks() {
        return placement.chunkCount();
    }

    /** Copies to acknowledge: every copy of every chunk. */
    int copies() {
        return placement.chunkCount() * placement.replicas();
    }

    /** The chunk of copy number j (chunk-major). */
    int chunkOf(int copy) {
        return copy / placement.replicas();
    }

    /** The storage peer that holds copy number j. */
    MetaPeer holderOf(int copy) {
        return slots.get(placement.slot(chunkOf(copy), copy % placement.replicas()));
    }

    long sizeOf(int chunk) {
        return placement.sizeOf(chunk);
    }

    String checksum(int chunk) {
        return Sha256.hex(chunkName + "/" + chunk);
    }

    /** A page of its checksums was acknowledged; returns whether every page now was. */
    boolean summed(int pages) {
        return pagesSummed.incrementAndGet() == pages;
    }
}
