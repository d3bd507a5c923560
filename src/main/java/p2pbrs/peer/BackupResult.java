package p2pbrs.peer;

/** What one backup came to. */
public record BackupResult(String name, int version, long size, int chunks, int underReplicated, double bytesPerSecond) {
}
