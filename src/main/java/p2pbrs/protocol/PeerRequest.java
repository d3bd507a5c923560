package p2pbrs.protocol;

/**
 * A request a peer serves, decoded once by {@link PeerRequests}: SEND_CHUNK and GET_CHUNK
 * from an owner over TCP; RELEASE, REPLICATE_REQ, ADOPT, RELEASE_COPY and RELEASE_ORPHAN
 * from the server. Fields are checked and converted; tickets stay as sent, since only the
 * storage peer's key can tell a good one.
 */
public sealed interface PeerRequest {

    /** A request from the server that names its cluster and holds until {@code expires} (epoch seconds). */
    interface Order {
        String cluster();

        long expires();
    }

    /** SEND_CHUNK: one chunk of an owner's planned version, with the plan its ticket covers. */
    record SendChunk(FileName file, int chunk, long size, String checksum, String owner, int version, long fileSize,
                     long chunkSize, int peers, int replicas, int overhead, int slot, long expires, String ticket)
            implements PeerRequest {
    }

    /** GET_CHUNK: one chunk back to its owner. */
    record GetChunk(FileName file, int chunk, String owner, int version, long expires, String ticket)
            implements PeerRequest {
    }

    /** RELEASE: drop an owner's chunks of a version; its {@code auth=} is checked on the message's text. */
    /** SEND_CHUNK of a repair: one chunk, allowed by a repair ticket instead of a plan's. */
    record RepairChunk(FileName file, int chunk, long size, String checksum, String owner, int version, long fileSize,
                       long chunkSize, long expires, String ticket) implements PeerRequest {
    }

    /** REPLICATE_REQ: copy one chunk this peer holds to the target peer, with the target's repair ticket. */
    record Replicate(FileName file, int chunk, String targetName, String owner, int version, long size,
                     String checksum, long fileSize, long chunkSize, String targetIp, int targetTcpPort, long expires,
                     String ticket, String cluster) implements PeerRequest {
    }

    record Release(FileName file, String owner, int version, long expires, String cluster)
            implements PeerRequest, Order {
    }

    /** ADOPT: index a chunk file this peer holds as this chunk of an owner's version. */
    record Adopt(FileName file, int chunk, String owner, int version, long size, String checksum, long fileSize,
                 int chunkCount, long expires, String cluster) implements PeerRequest, Order {
    }

    /** RELEASE_COPY: drop this peer's copy of one chunk of an owner's version. */
    record ReleaseCopy(FileName file, int chunk, String owner, int version, long expires, String cluster)
            implements PeerRequest, Order {
    }

    /**
     * RELEASE_ORPHAN: drop the index rows of this checksum stored before {@code before}
     * (epoch ms, the peer's clock), and its file when no row is left.
     */
    record ReleaseOrphan(String checksum, long before, long expires, String cluster)
            implements PeerRequest, Order {
    }
}
