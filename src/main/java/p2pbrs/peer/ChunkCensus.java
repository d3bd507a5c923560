package p2pbrs.peer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.ChunkIndex;

/**
 * A storage peer's look at its chunk files when it starts, before it serves anything: its
 * index and its folder are made to agree. A file the index has rows for is kept (its size
 * checked, not its bytes, which were verified when they arrived); an indexed checksum
 * whose file is gone or has the wrong size loses its rows (and the file), so that the
 * peer's inventory lists only what it can serve. A file no row uses is hashed, a piece at
 * a time: one that hashes to its name is loose, kept until the server has it adopted or
 * released; any other is deleted. What the files kept hold is the peer's used space. Files
 * that are not named like chunk files are left alone: they are not the peer's to judge.
 */
final class ChunkCensus {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkCensus.class);
    private static final Pattern FAN = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern CHECKSUM = Pattern.compile("[0-9a-f]{64}");

    /** The bytes the kept files hold, and the loose ones among them. */
    record Result(long bytes, LooseChunks loose) {
    }

    private final ChunkIndex index;
    private final Map<String, Long> indexed;
    private final Set<String> present = new HashSet<>();
    private final LooseChunks loose = new LooseChunks();
    private long bytes;
    private int deleted;

    private ChunkCensus(ChunkIndex index) {
        this.index = index;
        this.indexed = index.checksums();
    }

    static Result take(Path storage, ChunkIndex index) throws IOException {
        ChunkCensus census = new ChunkCensus(index);
        Path chunks = storage.resolve("chunks");
        if (Files.isDirectory(chunks)) {
            try (DirectoryStream<Path> fans = Files.newDirectoryStream(chunks)) {
                for (Path fan : fans) {
                    if (Files.isDirectory(fan) && FAN.matcher(fan.getFileName().toString()).matches()) {
                        census.look(fan);
                    }
                }
            }
        }
        return census.finish();
    }

    private void look(Path fan) throws IOException {
        String prefix = fan.getFileName().toString();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(fan)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && CHECKSUM.matcher(name).matches() && name.startsWith(prefix)) {
                    judge(file, name);
                }
            }
        }
    }

    private void judge(Path file, String checksum) throws IOException {
        long size = Files.size(file);
        Long expected = indexed.get(checksum);
        if (expected != null && expected == size) {
            present.add(checksum);
            bytes += size;
        } else if (expected == null && ChunkStore.hashesTo(file, checksum)) {
            loose.add(checksum, size);
            bytes += size;
        } else {
            // Cut short, grown, or rotten: no owner could use these bytes.
            Files.deleteIfExists(file);
            deleted++;
        }
    }

    private Result finish() {
        int forgotten = 0;
        for (String checksum : indexed.keySet()) {
            if (!present.contains(checksum)) {
                forgotten += index.removeChecksum(checksum, null);
            }
        }
        if (loose.count() + deleted + forgotten > 0) {
            LOG.info("chunk files checked: {} loose kept (not indexed, but whole), {} bad deleted, {} index rows "
                    + "without a whole file forgotten", loose.count(), deleted, forgotten);
        }
        return new Result(bytes, loose);
    }
}
