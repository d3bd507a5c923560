package p2pbrs.store;

/**
 * A copy to make again: which chunk (its size and checksum, the file's numbers the target
 * needs), from which live holder (its id, its UDP address and sealed key, to ask it), to which
 * target (its chunk port and sealed key, for the repair ticket).
 */
public record RepairJob(long taskId, long versionId, int idx, long size, String checksum, String chunkName,
                        int version, long fileSize, long chunkSize, String ownerPublicId, long sourcePeerId, String sourceIp,
                        int sourceUdpPort, String sourceSealedKey, String targetName, String targetIp,
                        int targetTcpPort, String targetSealedKey, int attempts) {
}
