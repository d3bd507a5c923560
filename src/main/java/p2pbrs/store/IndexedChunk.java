package p2pbrs.store;

/** A chunk a storage peer holds, as its index records it. */
public record IndexedChunk(String owner, String fileName, int version, int idx, long size, String checksum,
                           long fileSize, int chunkCount, String path) {
}
