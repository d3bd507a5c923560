package p2pbrs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import p2pbrs.protocol.Sha256;

/**
 * The two things every backup is measured against, on the same file: one SHA-256 pass
 * (the least work a verified backup must do on each byte) and a durable local copy.
 */
public final class Baselines {
    private static final int BUFFER = 1 << 20;

    private Baselines() {
    }

    /** One pass over the file on this thread: read, and digest. */
    public static byte[] sha256(Path file) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                digest.update(buf, 0, r);
            }
        }
        return digest.digest();
    }

    /**
     * Copies the file to a new one and forces it to the disk, as a careful copy does: the
     * kernel copies (transferTo), and the copy's data and size are on the disk on return.
     */
    static void durableCopy(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long at = 0; at < size; ) {
                long moved = in.transferTo(at, size - at, out);
                if (moved <= 0) {
                    throw new IOException("the copy of " + from + " stopped at byte " + at + " of " + size);
                }
                at += moved;
            }
            out.force(true);
        }
    }
}
