package p2pbrs.protocol;

/**
 * The placement rule of a backup plan, computed alike by the server, the owner and each
 * storage peer, so that no plan needs a datagram per chunk: with the plan's peers in
 * order (slots 0 to peers-1), copy j of chunk i goes to slot (i + j) mod peers, for
 * j from 0 to replicas-1. The copies of one chunk land on distinct peers, and every peer
 * gets about chunks * replicas / peers of them. Each stored chunk is its share of the file
 * plus the overhead of its format (ChunkFormats): sizes here are what is stored.
 */
public record Placement(long fileSize, long chunkSize, int peers, int replicas, int overhead) {

    public Placement {
        // An empty file has no chunks, so it needs no peers.
        boolean noPeersNeeded = fileSize == 0 && peers == 0 && replicas == 0;
        if (fileSize < 0 || chunkSize < 1 || overhead < 0
                || (!noPeersNeeded && (peers < 1 || replicas < 1 || replicas > peers))) {
            throw new IllegalArgumentException("bad placement: size " + fileSize + ", chunk " + chunkSize
                    + ", peers " + peers + ", replicas " + replicas + ", overhead " + overhead);
        }
    }

    /** The rule for chunks stored as the file's bytes (no overhead). */
    public Placement(long fileSize, long chunkSize, int peers, int replicas) {
        this(fileSize, chunkSize, peers, replicas, 0);
    }

    /**
     * The rule of a plan that names this many peers and wants this many copies of each
     * chunk: at most one copy per peer, and none at all for an empty file.
     */
    public static Placement ofPlan(long fileSize, long chunkSize, int planPeers, int wantedCopies, int overhead) {
        boolean empty = fileSize == 0;
        return new Placement(fileSize, chunkSize, empty ? 0 : planPeers,
                empty ? 0 : Math.min(wantedCopies, planPeers), overhead);
    }

    public static int chunkCount(long fileSize, long chunkSize) {
        long count = (fileSize + chunkSize - 1) / chunkSize;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many chunks");
        }
        return (int) count;
    }

    public int chunkCount() {
        return chunkCount(fileSize, chunkSize);
    }

    /** Exact stored size of chunk i: its share of the file (the last may be shorter) plus the overhead. */
    public long sizeOf(int chunk) {
        return plainSizeOf(chunk) + overhead;
    }

    /** The bytes of the file in chunk i: the chunk size, but the last chunk may be shorter. */
    public long plainSizeOf(int chunk) {
        return Math.min(chunkSize, fileSize - (long) chunk * chunkSize);
    }

    /** Slot (index into the plan's peers) of copy j of chunk i. */
    public int slot(int chunk, int copy) {
        if (copy >= replicas) {
            throw new IllegalArgumentException("copy " + copy + " of " + replicas);
        }
        return (int) (((long) chunk + copy) % peers);
    }

    /** Whether a copy of chunk i goes to this slot. */
    public boolean assigned(int chunk, int slot) {
        if (peers == 0 || slot < 0 || slot >= peers) {
            return false;
        }
        int distance = Math.floorMod(slot - chunk, peers);
        return distance < replicas;
    }

    /** Bytes this slot receives under the rule, in constant time whatever the file size. */
    public long bytesFor(int slot) {
        int count = chunkCount();
        if (count == 0 || slot < 0 || slot >= peers) {
            return 0;
        }
        // Every run of `peers` consecutive chunks gives each slot exactly `replicas` of them;
        // only the last, partial run needs counting.
        long chunks = (long) (count / peers) * replicas;
        for (int i = count - count % peers; i < count; i++) {
            if (assigned(i, slot)) {
                chunks++;
            }
        }
        long bytes = chunks * (chunkSize + overhead);
        int last = count - 1;
        return assigned(last, slot) ? bytes - (chunkSize - plainSizeOf(last)) : bytes;
    }
}
