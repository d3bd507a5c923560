package p2pbrs.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * One thread's writes of a chunk into a file, in order from the chunk's start: a restore
 * worker's of what it opens into the part file, a storage peer's of what it receives into
 * a chunk file. The bytes gather in a batch, which goes to the file each time it fills
 * (several restore workers writing one file take its lock a few times a chunk, not at
 * every piece received). Kept by its thread for chunk after chunk.
 *
 * <p>With an alignment above 1 the file is open for direct I/O (no page cache): every
 * write then starts and ends on a multiple of the alignment, from a buffer aligned alike.
 * A batch is written up to its last whole block and the rest carried to the next write; a
 * chunk's last block is padded with zeros, which the writer of the file cuts off (a
 * restore's chunks but the last are whole blocks, see {@link PartFiles.Part#alignment}).
 */
final class PartWriter {
    private final int alignment;
    private final byte[] batch;
    // The batch is copied here to be written: aligned for direct I/O, and saving the copy the
    // runtime would otherwise make into a temporary buffer of its own at every write.
    private final ByteBuffer staging;
    private FileChannel file;
    private long position;
    private int filled;

    /** A writer gathering up to batchSize bytes between writes (whole blocks, at least two). */
    PartWriter(int alignment, int batchSize) {
        if (alignment < 1 || Integer.bitCount(alignment) != 1 || batchSize < 2 * alignment
                || batchSize % alignment != 0) {
            throw new IllegalArgumentException("alignment " + alignment + ", batch " + batchSize);
        }
        this.alignment = alignment;
        this.batch = new byte[batchSize];
        this.staging = ByteBuffer.allocateDirect(batchSize + alignment - 1).alignedSlice(alignment);
    }

    int alignment() {
        return alignment;
    }

    /** Starts a chunk at this place in the file: a multiple of the alignment. */
    void start(FileChannel chunkFile, long chunkPosition) {
        if (chunkPosition % alignment != 0) {
            throw new IllegalArgumentException("a chunk at " + chunkPosition + " is not aligned to " + alignment);
        }
        this.file = chunkFile;
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

    /**
     * The aligned buffer writes go from, as large as the batch: free between chunks, for a
     * thread that also reads files directly.
     */
    ByteBuffer staging() {
        return staging;
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
