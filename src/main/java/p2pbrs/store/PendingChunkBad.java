package p2pbrs.store;

/** A CHUNK_BAD a storage peer owes the server, as its database keeps it until answered. */
public record PendingChunkBad(long id, String owner, String wireName, int version, int idx) {
}
