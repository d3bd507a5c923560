package p2pbrs.peer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import p2pbrs.protocol.Reason;

/**
 * Chunk files on a storage peer's disk, named by their SHA-256 in fan-out folders
 * ({@code <storage>/chunks/ab/abcdef...}): a remote file name never becomes a path, a
 * corrupted file is recognisable by its own name, and identical chunks are stored once.
 * docs/schema.md, "Folders", describes the layout.
 */
final class ChunkStore {
    private static final int BUFFER = 64 * 1024;
    // What a connection thread receives gathers in a batch this large between writes (a
    // thread's buffers stay with it: at --max-connections 32, 8 MiB of heap in all).
    private static final int WRITE_BATCH = 256 * 1024;
    private static final List<StandardOpenOption> NEW_PART = List.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
    private static final List<StandardOpenOption> READ = List.of(StandardOpenOption.READ);
    private static final int LOCK_STRIPES = 64;

    private final Path root;
    private final Path chunks;
    private final Path tmp;
    private final long capacity;
    private final AtomicLong used;
    private final Lock[] locks = new Lock[LOCK_STRIPES];
    // Makes "is a file already there?" and the rename one step, so that two transfers of
    // the same new chunk count its bytes once.
    private final Object placing = new Object();
    // Each connection thread's writer, kept from chunk to chunk: direct I/O when tmp/ allows it.
    private final ThreadLocal<PartWriter> writers;

    /** Thrown with the Reason a CHUNK_ERROR gives. */
    static final class ChunkException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;

        ChunkException(String reason, String detail) {
            super(reason + ": " + detail);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    ChunkStore(Path root, long capacity, long usedAtStart) throws IOException {
        this(root, capacity, usedAtStart, true);
    }

    /** With tryDirect false, chunk files go through the page cache: as where direct I/O is refused (for tests). */
    ChunkStore(Path root, long capacity, long usedAtStart, boolean tryDirect) throws IOException {
        this.root = root;
        this.chunks = root.resolve("chunks");
        this.tmp = root.resolve("tmp");
        this.capacity = capacity;
        this.used = new AtomicLong(usedAtStart);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        Files.createDirectories(chunks);
        Files.createDirectories(tmp);
        int alignment = tryDirect ? DirectIo.probe(tmp) : 1;
        this.writers = ThreadLocal.withInitial(() -> new PartWriter(alignment, WRITE_BATCH));
        // Leftovers of transfers cut short by a crash were never acknowledged: drop them.
        try (var stale = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) stale::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Path of a chunk file relative to the storage folder, as the index records it. */
    static String relativePath(String checksum) {
        return "chunks/" + checksum.substring(0, 2) + "/" + checksum;
    }

    Path pathOf(String checksum) {
        return root.resolve(relativePath(checksum));
    }

    long used() {
        return used.get();
    }

    /**
     * Reads exactly size bytes into a temporary file while hashing them, and makes the chunk
     * durable under its checksum (fsync the file, rename it into place, fsync the folder).
     * Refuses, changing nothing, a chunk that does not match its checksum or does not fit.
     *
     * <p>A file already under that name is not trusted: it may have rotted or been cut short
     * since it was written. Rather than read and hash it again (up to 64 MiB), the bytes just
     * received, already verified on their way to disk, always replace it; one rename costs
     * less than re-reading the old file, and no acknowledged copy is ever one that went
     * unchecked.
     */
    void receive(InputStream in, long size, String checksum) throws IOException, ChunkException {
        Path target = pathOf(checksum);
        // A file under this name was counted when it was placed, whatever it holds now.
        long held = 0;
        if (!Files.exists(target)) {
            if (!reserve(size)) {
                throw new ChunkException(Reason.NO_SPACE, "capacity " + capacity + " bytes would be exceeded");
            }
            held = size;
        }
        boolean placed = false;
        Path part = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            writeVerified(in, size, checksum, part);
            Files.createDirectories(target.getParent());
            synchronized (placing) {
                // Another transfer of the same bytes may have placed (and counted) the file meanwhile.
                long needed = Files.exists(target) ? 0 : size;
                replace(part, target);
                placed = true;
                used.addAndGet(needed - held);
                held = needed;
            }
            fsyncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(part);
            if (!placed) {
                used.addAndGet(-held);
            }
        }
    }

    /**
     * The lock of a chunk file: held from "is it there" to "it is indexed" when storing, and
     * from "is it still used" to "it is gone" when releasing, so that a chunk being stored
     * again is never deleted under it.
     */
    Lock lockOf(String checksum) {
        return locks[Math.floorMod(checksum.hashCode(), locks.length)];
    }

    /** Deletes a chunk file nothing uses any more, and frees its bytes (as many as it holds). */
    void delete(String checksum) throws IOException {
        Path file = pathOf(checksum);
        long size;
        try {
            size = Files.size(file);
        } catch (java.nio.file.NoSuchFileException gone) {
            return;
        }
        if (Files.deleteIfExists(file)) {
            used.addAndGet(-size);
        }
    }

    /**
     * Deletes a chunk file found bad, if it is there at all, and frees the bytes it was
     * counted for either way: a file that went missing was counted when it was placed.
     */
    void discard(String checksum, long size) throws IOException {
        used.addAndGet(-size);
        Files.deleteIfExists(pathOf(checksum));
    }

    /** Whether a file's bytes hash to this checksum, read in pieces (a chunk may be 64 MiB). */
    static boolean hashesTo(Path file, String checksum) throws IOException {
        MessageDigest digest = p2pbrs.protocol.Sha256.newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int r;
            while ((r = in.read(buf)) > 0) {
                digest.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(digest.digest()).equals(checksum);
    }

    /**
     * Receives into the temporary file with direct I/O where the file system allows it: the
     * bytes go from this thread's buffer to the disk, which the fsync before the reply
     * needs anyway, instead of first into the page cache (perf, backing up a GiB: 28% of
     * the storage peers' connection threads' time was that copy and its block bookkeeping).
     */
    private void writeVerified(InputStream in, long size, String checksum, Path part)
            throws IOException, ChunkException {
        MessageDigest digest = p2pbrs.protocol.Sha256.newDigest();
        PartWriter w = writers.get();
        try (FileChannel out = FileChannel.open(part, w.alignment() > 1 ? DirectIo.with(NEW_PART)
                : Set.copyOf(NEW_PART))) {
            w.start(out, 0);
            long left = size;
            int piece = Math.min(BUFFER, w.largestPiece());
            while (left > 0) {
                int n = (int) Math.min(piece, left);
                int at = w.room(n);
                int r;
                try {
                    r = in.read(w.batch(), at, n);
                } catch (IOException e) {
                    // The sender, not this peer's disk, failed: a body cut short.
                    throw new ChunkException(Reason.INCOMPLETE_DATA, "the body stopped " + left + " bytes short: "
                            + e.getMessage());
                }
                if (r < 0) {
                    throw new ChunkException(Reason.INCOMPLETE_DATA, "connection closed " + left + " bytes short");
                }
                digest.update(w.batch(), at, r);
                w.added(r);
                left -= r;
            }
            if (!HexFormat.of().formatHex(digest.digest()).equals(checksum)) {
                throw new ChunkException(Reason.CHECKSUM_MISMATCH, "bytes do not hash to " + checksum);
            }
            w.finish();
            if (w.alignment() > 1) {
                // The last block was written whole, padded.
                out.truncate(size);
            }
            out.force(true);
        } catch (LocalWriteException e) {
            throw (IOException) e.getCause();
        }
    }

    /**
     * Streams a stored chunk to out, in pieces of this thread's buffers, read directly where
     * chunks are written so: they are not in the page cache, and filling it for bytes read
     * once would cost a copy of each (a GiB restored took the storage peers 1.8 CPU-s so,
     * 1.0 s with the chunks in the page cache).
     */
    void copyTo(String checksum, OutputStream out) throws IOException {
        PartWriter w = writers.get();
        boolean direct = w.alignment() > 1;
        try (FileChannel in = FileChannel.open(pathOf(checksum), direct ? DirectIo.with(READ) : Set.copyOf(READ))) {
            ByteBuffer staging = w.staging();
            byte[] piece = w.batch();
            long position = 0;
            while (true) {
                staging.clear().limit(piece.length);
                int r = in.read(staging, position);
                if (r <= 0) {
                    return;
                }
                staging.flip().get(piece, 0, r);
                out.write(piece, 0, r);
                position += r;
                // A direct read stops short only at the end of the file (the next would be unaligned).
                if (direct && r < piece.length) {
                    return;
                }
            }
        }
    }

    boolean has(String checksum, long size) throws IOException {
        Path p = pathOf(checksum);
        return Files.isRegularFile(p) && Files.size(p) == size;
    }

    private boolean reserve(long size) {
        while (true) {
            long current = used.get();
            if (current + size > capacity) {
                return false;
            }
            if (used.compareAndSet(current, current + size)) {
                return true;
            }
        }
    }

    private static void replace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new IOException("the storage folder cannot atomically replace " + target.getFileName(), e);
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open folders for syncing; the rename is still atomic.
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}
