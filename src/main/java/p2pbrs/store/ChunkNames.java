package p2pbrs.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Chunk names: the opaque labels storage peers know versions by (docs/protocol.md, "Files, chunks and checksums"). */
final class ChunkNames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChunkNames() {
    }

    /** A new chunk name: 128 random bits in lowercase hex, a valid file name on the wire as it is. */
    static String generate() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
