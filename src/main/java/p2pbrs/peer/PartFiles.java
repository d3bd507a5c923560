package p2pbrs.peer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hidden temporary files restores write in the restore dir, {@code .<n>-<random>.part},
 * until the whole file is verified and renamed into place. A restore cut short (a crash,
 * Ctrl-C, a kill) would leave one as large as the file for ever: the peer removes those of
 * its running restores when it closes, and at start-up those nobody is writing.
 *
 * <p>Several peers may share a restore dir (by default {@code restored/} of the working
 * directory). A part file being written is therefore locked by its writer (an exclusive
 * file lock, released by the system however the writer dies), and start-up removes only
 * what it can lock, never what a restore of this process is writing.
 */
final class PartFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PartFiles.class);
    // The names this class gives, and those earlier versions gave (a negative <n> included);
    // nothing else in the restore dir is ever touched.
    private static final Pattern NAME = Pattern.compile("\\.-?[0-9]{1,10}-[0-9]{1,20}\\.part");
    // What every restore of this process is writing, whichever peer runs it.
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

    /**
     * Opens a new part file for writing and reading, for direct I/O (past the page cache)
     * if asked; the file must not exist yet.
     */
    interface Opener {
        FileChannel open(Path part, boolean direct) throws IOException;
    }

    private static final List<StandardOpenOption> NEW = List.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE);
    private static final Opener FILES = (part, direct) -> FileChannel.open(part,
            direct ? DirectIo.with(NEW) : Set.copyOf(NEW));

    private final Path dir;
    private final Opener opener;
    private final Set<Path> mine = ConcurrentHashMap.newKeySet();

    PartFiles(Path dir) {
        this(dir, FILES);
    }

    /** With another opener: how a test makes the local disk fail. */
    PartFiles(Path dir, Opener opener) {
        this.dir = dir;
        this.opener = opener;
    }

    static boolean isPartName(String fileName) {
        return NAME.matcher(fileName).matches();
    }

    /**
     * The alignment direct writes to a part file here would need (the file system's block
     * size), or 1 where it is unknown or unusual: then {@link #create} is never asked for it.
     */
    int directAlignment() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return 1;
        }
        return DirectIo.blockSize(dir);
    }

    /** A new, locked part file for a restore of this name, through the page cache. */
    Part create(String name) throws IOException {
        return create(name, 1);
    }

    /**
     * A new, locked part file for a restore of this name; with an alignment above 1 (from
     * {@link #directAlignment}) open for direct I/O if the file system allows it, and
     * through the page cache if not: {@link Part#alignment} says which.
     */
    Part create(String name, int alignment) throws IOException {
        Files.createDirectories(dir);
        while (true) {
            // Named after the file (a hint for a person looking), unique by the random part.
            Path path = dir.resolve("." + (name.hashCode() & Integer.MAX_VALUE) + "-"
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".part");
            // Registered before it exists, so that no sweep of this process sees it unclaimed.
            if (!WRITING.add(path)) {
                continue;
            }
            FileChannel channel = null;
            int written = 1;
            try {
                if (alignment > 1) {
                    channel = openDirect(path);
                    written = channel == null ? 1 : alignment;
                }
                if (channel == null) {
                    channel = opener.open(path, false);
                }
            } catch (FileAlreadyExistsException e) {
                WRITING.remove(path);
                continue;
            } catch (IOException | RuntimeException e) {
                WRITING.remove(path);
                throw e;
            }
            mine.add(path);
            return new Part(path, channel, lock(channel, path), written);
        }
    }

    /**
     * The part file opened for direct I/O, or null where the file system refuses it (tmpfs
     * on older systems, some network file systems): the open may have created the file
     * before refusing, and the name is ours (random, registered), so it is removed for the
     * page-cache open to create again.
     */
    private FileChannel openDirect(Path path) throws IOException {
        try {
            return opener.open(path, true);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("no direct I/O for {}: {}", path, e.toString());
            Files.deleteIfExists(path);
            return null;
        }
    }

    // Without a lock (a file system that has none) the restore still runs; only another
    // process's start-up cannot tell that the file is in use, and leaves it alone.
    private static FileLock lock(FileChannel channel, Path path) {
        try {
            return channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            LOG.debug("cannot lock {}: {}", path, e.toString());
            return null;
        }
    }

    /**
     * Removes the part files left in the restore dir by restores that are over: those of
     * the part-file name that no restore holds. Returns how many it removed. Housekeeping:
     * a failure is logged, never fatal.
     */
    int sweep() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (isPartName(p.getFileName().toString()) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && !WRITING.contains(p) && removeIfUnheld(p)) {
                    removed++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not look for part files of interrupted restores in {}: {}", dir, e.toString());
        }
        if (removed > 0) {
            LOG.info("removed {} part file(s) of interrupted restores from {}", removed, dir);
        }
        return removed;
    }

    private static boolean removeIfUnheld(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             FileLock lock = ch.tryLock()) {
            if (lock == null) {
                return false;
            }
            return Files.deleteIfExists(p);
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            // Unlockable (a file system without locks) or unremovable: left alone.
            LOG.warn("could not remove {}: {}", p, e.toString());
            return false;
        }
    }

    /** Removes the part files of the restores still running: the peer is closing, they will not finish. */
    void removeAll() {
        for (Path p : mine) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("could not remove {}: {}", p, e.toString());
            }
        }
    }

    private void forget(Path path) {
        mine.remove(path);
        WRITING.remove(path);
    }

    /**
     * One restore's part file, open and locked. All reading and writing go through its one
     * channel: on some systems closing any other channel on the file would drop the lock.
     */
    final class Part implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final FileLock lock;
        private final int alignment;
        private boolean moved;

        private Part(Path path, FileChannel channel, FileLock lock, int alignment) {
            this.path = path;
            this.channel = channel;
            this.lock = lock;
            this.alignment = alignment;
        }

        /**
         * 1 when the file is written through the page cache; else it is open for direct I/O
         * and every write must start and end on a multiple of this (see PartWriter).
         */
        int alignment() {
            return alignment;
        }

        Path path() {
            return path;
        }

        FileChannel channel() {
            return channel;
        }

        /** Renames the part file over target, atomically; the part is then the target. */
        void moveTo(Path target) throws IOException {
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        }

        /** Closes the file, and removes it unless it was moved into place. */
        @Override
        public void close() {
            try {
                if (lock != null && lock.isValid()) {
                    lock.release();
                }
                channel.close();
                if (!moved) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // The restore's outcome stands; a start-up sweep removes what is left.
                LOG.warn("could not remove {}: {}", path, e.toString());
            } finally {
                forget(path);
            }
        }
    }
}
