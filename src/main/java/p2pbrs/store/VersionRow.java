package p2pbrs.store;

import java.time.OffsetDateTime;

/**
 * One backup of a file. State is PENDING, COMPLETE, EXPIRED or FORGOTTEN. The counters are
 * kept in step as chunk checksums and copies arrive: chunks whose checksum the owner
 * reported, chunks with at least one good copy, chunks with every copy wanted, and good
 * copies in all.
 */
public record VersionRow(long id, long fileId, String fileName, int version, long size, String checksum,
                         long chunkSize, int chunkCount, int replicas, String state, OffsetDateTime createdAt,
                         OffsetDateTime completedAt, OffsetDateTime expiresAt, int chunksSummed, int chunksStored,
                         int chunksFull, int copiesGood) {
    public static final String PENDING = "PENDING";
    public static final String COMPLETE = "COMPLETE";
    public static final String EXPIRED = "EXPIRED";
    public static final String FORGOTTEN = "FORGOTTEN";
}
