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
    record Release(FileName file, String owner, int version, long expires, String cluster) implements PeerRequest {
    }
}
