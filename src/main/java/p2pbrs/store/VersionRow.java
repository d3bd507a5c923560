package p2pbrs.store;

import java.time.OffsetDateTime;

/**
 * One backup of a file, in its {@link VersionState}. Storage peers know it by its chunk
 * name, never by the file's name; its chunks are in format 0 (the file's bytes) or 1
 * (sealed by the owner). The counters are
 * kept in step as chunk checksums and copies arrive: chunks whose checksum the owner
 * reported, chunks with at least one good copy, chunks with every copy wanted, and good
 * copies in all.
 */
public record VersionRow(long id, long fileId, String fileName, int version, long size, String checksum,
                         long chunkSize, int chunkCount, int replicas, VersionState state, OffsetDateTime createdAt,
                         OffsetDateTime completedAt, OffsetDateTime expiresAt, int chunksSummed, int chunksStored,
                         int chunksFull, int copiesGood, String chunkName, int format) {
}
