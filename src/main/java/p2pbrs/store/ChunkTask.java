package p2pbrs.store;

import java.time.OffsetDateTime;

/**
 * A queued request about one chunk for a storage peer: where the peer is, the key that
 * signs the request (sealed), and what it is about. {@code copy} names the chunk of an
 * ADOPT or RELEASE_COPY (null for a RELEASE_ORPHAN, or when the chunk is no longer known);
 * {@code storedBefore} is a RELEASE_ORPHAN's cut-off.
 */
public record ChunkTask(long id, ChunkTaskKind kind, long peerId, String ip, int udpPort, String sealedTicketKey,
                        String checksum, OffsetDateTime storedBefore, Copy copy, int attempts) {

    /** The chunk of a version a request names, with what the peer's index row holds. */
    public record Copy(long versionId, int idx, String ownerPublicId, String chunkName, int version, long size,
                       long fileSize, int chunkCount) {
    }
}
