package p2pbrs.store;

/** A STORE_ACK a storage peer owes the server, as its database keeps it until answered. */
public record PendingStoreAck(long id, String owner, String wireName, int version, int idx, long size,
                              String checksum) {
}
