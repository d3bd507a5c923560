package p2pbrs.protocol;

/**
 * A request a peer serves, decoded once by {@link PeerRequests}: SEND_CHUNK and GET_CHUNK
 * from an owner over TCP, RELEASE from the server. Fields are checked and converted;
 * tickets stay as sent, since only the storage peer's key can tell a good one.
 */
public sealed interface PeerRequest {

    /** SEND_CHUNK: one chunk of an owner's planned version, with the plan its ticket covers. */
    record SendChunk(FileName file, int chunk, long size, String checksum, String owner, int version, long fileSize,
                     long chunkSize, int peers, int replicas, int slot, long expires, String ticket)
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

    record Release(FileName file, String owner, int version, long expires, String cluster) implements PeerRequest {
    }
}
