package p2pbrs.store;

/**
 * A storage peer still to be told to release the chunks of one version: where the peer
 * is, the key that signs the request (sealed), and what to release.
 */
public record ReleaseTask(long id, long versionId, long peerId, String ip, int udpPort, String sealedTicketKey,
                          String ownerPublicId, String chunkName, int version, int attempts) {
}
