package p2pbrs.store;

/** A storage-capable peer a plan may use, with the bytes it still has free. */
public record StorageCandidate(long peerId, String name, String ip, int tcpPort, long free, String sealedTicketKey) {
}
