package p2pbrs.protocol;

/**
 * The formats a version's chunks can be stored in (docs/protocol.md, "Chunk format"), and
 * the bytes each adds to every chunk: what the server counts against a storage peer's
 * space and what a storage peer checks a chunk's size against, without knowing more of
 * the format.
 */
public final class ChunkFormats {
    /** The chunk is the file's bytes as they are: versions backed up before chunks were sealed. */
    public static final int PLAIN = 0;
    /** The chunk is sealed by its owner: a header, the AES-256-GCM ciphertext, and its tag. */
    public static final int SEALED_V1 = 1;
    /** What SEALED_V1 adds to each chunk: a version byte, a 32-byte MAC and a 16-byte tag. */
    public static final int SEALED_V1_OVERHEAD = 1 + 32 + 16;

    private ChunkFormats() {
    }

    public static boolean known(int format) {
        return format == PLAIN || format == SEALED_V1;
    }

    /** Bytes a chunk in this format stores beyond its share of the file. */
    public static int overhead(int format) {
        return switch (format) {
            case PLAIN -> 0;
            case SEALED_V1 -> SEALED_V1_OVERHEAD;
            default -> throw new IllegalArgumentException("unknown chunk format " + format);
        };
    }
}
