package p2pbrs.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * One restore worker's writes of a chunk's plaintext into the part file, in order from the
 * chunk's start: what is opened gathers in a batch, which goes to the file each time it
 * fills (several workers writing one file take its lock a few times a chunk, not at every
 * piece received).
 *
 * <p>With an alignment above 1 the part file is open for direct I/O (no page cache): every
 * write then starts and ends on a multiple of the alignment, from a buffer aligned alike.
 * A batch is written up to its last whole block and the rest carried to the next write; a
 * chunk's last block is padded with zeros, which only the file's last chunk has (the others
 * are a whole number of blocks long, see {@link PartFiles.Part#alignment}) and which the
 * restore cuts off once every chunk is in.
 */
final class PartWriter {
    private final FileChannel file;
    private final int alignment;
    private final byte[] batch;
    // The batch is copied here to be written: aligned for direct I/O, and saving the copy the
    // runtime would otherwise make into a temporary buffer of its own at every write.
    private final ByteBuffer staging;
    private long position;
    private int filled;

    /** A writer gathering up to batchSize bytes between writes (at least twice the alignment). */
    PartWriter(FileChannel file, int alignment, int batchSize) {
        if (alignment < 1 || Integer.bitCount(alignment) != 1 || batchSize < 2 * alignment) {
            throw new IllegalArgumentException("alignment " + alignment + ", batch " + batchSize);
        }
        this.file = file;
        this.alignment = alignment;
        this.batch = new byte[batchSize];
        this.staging = ByteBuffer.allocateDirect(batchSize + alignment - 1).alignedSlice(alignment);
    }

    /** Starts a chunk at this place in the file: a multiple of the alignment. */
    void start(long chunkPosition) {
        if (chunkPosition % alignment != 0) {
            throw new IllegalArgumentException("a chunk at " + chunkPosition + " is not aligned to " + alignment);
        }
        this.position = chunkPosition;
        this.filled = 0;
    }

    /** The most bytes {@link #room} can make room for at once. */
    int largestPiece() {
        return batch.length - alignment;
    }

    /**
     * Makes room for n more bytes (writing out what it must first) and returns where in
     * {@link #batch()} they go; {@link #added} then counts them in.
     */
    int room(int n) throws LocalWriteException {
        if (n > largestPiece()) {
            throw new IllegalArgumentException(n + " bytes at once, with a batch of " + batch.length);
        }
        if (filled + n > batch.length) {
            int whole = filled - filled % alignment;
            write(whole);
            System.arraycopy(batch, whole, batch, 0, filled - whole);
            filled -= whole;
        }
        return filled;
    }

    byte[] batch() {
        return batch;
    }

    void added(int n) {
        filled += n;
    }

    /** Writes what is left of the chunk, its last block padded with zeros. */
    void finish() throws LocalWriteException {
        int padded = (filled + alignment - 1) / alignment * alignment;
        Arrays.fill(batch, filled, padded, (byte) 0);
        write(padded);
        filled = 0;
    }

    // Writes batch[0, n) at the position, and moves the position past it.
    private void write(int n) throws LocalWriteException {
        if (n == 0) {
            return;
        }
        staging.clear().put(batch, 0, n).flip();
        try {
            while (staging.hasRemaining()) {
                position += file.write(staging, position);
            }
        } catch (IOException e) {
            throw new LocalWriteException(e);
        }
    }
}
