package p2pbrs.store;

import java.time.OffsetDateTime;

/** One backup of a file. State is PENDING, COMPLETE or EXPIRED. */
public record VersionRow(long id, long fileId, String fileName, int version, long size, String checksum,
                         long chunkSize, int chunkCount, int replicas, String state, OffsetDateTime createdAt,
                         OffsetDateTime completedAt, OffsetDateTime expiresAt) {
    public static final String PENDING = "PENDING";
    public static final String COMPLETE = "COMPLETE";
    public static final String EXPIRED = "EXPIRED";
}
