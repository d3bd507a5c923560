package p2pbrs.peer;

import java.nio.file.Path;

/** What one restore came to. */
public record RestoreResult(String name, int version, long size, Path path, double bytesPerSecond) {
}
