package p2pbrs.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Sha256;
import p2pbrs.store.BadChunks;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;
import p2pbrs.transport.DaemonThreads;

/**
 * A storage peer's scrub: re-reads every chunk file its index points at, at no more than
 * {@code --scrub-rate} bytes per second, and checks it against its size and checksum. A
 * file that is missing, of the wrong size, unreadable, or no longer hashes to its checksum
 * is bad: it is deleted, its bytes are freed, and its index rows become CHUNK_BAD reports
 * the peer owes the server ({@link BadChunks}, sent by the {@link ChunkBadReporter}), which
 * marks those copies lost and has them copied again from good ones. Runs once after start,
 * then every {@code --scrub-interval}, on a daemon thread of its own; closing stops it, in
 * the middle of a file if need be.
 */
final class Scrubber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
    private static final int PAGE = 256;
    private static final int BUFFER = 64 * 1024;

    private enum Verdict { GOOD, BAD, MISSING }

    /** What checking one file found; {@code seen} is the file as it was read (null when it could not be). */
    private record Finding(Verdict verdict, BasicFileAttributes seen, long bytesRead, String why) {
    }

    private final ChunkIndex index;
    private final ChunkStore store;
    private final BadChunks badChunks;
    private final Runnable reportsOwed;
    private final long bytesPerSecond;
    private final Throttle.Time time;
    private final ScheduledExecutorService thread;
    private volatile ScrubReport last;

    /**
     * @param reportsOwed run each time a bad file's rows have become reports, to send them
     * @param time        what the rate is kept on: the system's time, or a test's
     */
    Scrubber(String peerName, ChunkIndex index, ChunkStore store, BadChunks badChunks, Runnable reportsOwed,
             long bytesPerSecond, Throttle.Time time) {
        this.index = index;
        this.store = store;
        this.badChunks = badChunks;
        this.reportsOwed = reportsOwed;
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("peer-" + peerName + "-scrub"));
    }

    /** Scrubs now, in the background, then again every interval after each scrub ends. */
    void start(Duration interval) {
        thread.scheduleWithFixedDelay(this::scheduled, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Checks one chunk file soon, between scrubs, because something that read it found it
     * bad (a repair about to copy it): a bad file is discarded and reported as a scrub
     * would, so that the server marks the copy LOST and takes the chunk from elsewhere.
     */
    void suspect(String checksum, long size) {
        thread.execute(() -> {
            ChunkIndex.StoredFile file = new ChunkIndex.StoredFile(checksum, size);
            try {
                Finding finding = check(file, new Throttle(bytesPerSecond, time));
                if (finding.verdict() != Verdict.GOOD) {
                    discard(file, finding);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("checking chunk file {} failed: {}", checksum, e.toString());
            }
        });
    }

    /** The last scrub that ran to its end, or null before the first. */
    ScrubReport last() {
        return last;
    }

    private void scheduled() {
        try {
            scrub();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                // Stopped with the peer, perhaps in the middle of a database call.
                return;
            }
            // A scheduled task that throws is never run again: log, and scrub at the next interval.
            LOG.warn("the scrub failed; it runs again at the next interval", e);
        }
    }

    /** One scrub over every chunk file, one at a time (a scrub asked for meanwhile waits for it). */
    synchronized ScrubReport scrub() throws InterruptedException {
        Throttle throttle = new Throttle(bytesPerSecond, time);
        int checked = 0;
        long read = 0;
        int bad = 0;
        int missing = 0;
        String after = null;
        List<ChunkIndex.StoredFile> page;
        while (!(page = index.filesAfter(after, PAGE)).isEmpty()) {
            for (ChunkIndex.StoredFile file : page) {
                after = file.checksum();
                Finding finding = check(file, throttle);
                checked++;
                read += finding.bytesRead();
                if (finding.verdict() != Verdict.GOOD && discard(file, finding)) {
                    if (finding.verdict() == Verdict.MISSING) {
                        missing++;
                    } else {
                        bad++;
                    }
                }
            }
        }
        ScrubReport report = new ScrubReport(Instant.now(), checked, read, bad, missing);
        last = report;
        LOG.info("scrub: {} chunk file(s) checked, {} bad, {} missing", checked, bad, missing);
        return report;
    }

    private Finding check(ChunkIndex.StoredFile file, Throttle throttle) throws InterruptedException {
        Path path = store.pathOf(file.checksum());
        BasicFileAttributes seen;
        try {
            seen = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return new Finding(Verdict.MISSING, null, 0, "missing");
        } catch (IOException e) {
            return new Finding(Verdict.BAD, null, 0, "unreadable: " + e);
        }
        if (!seen.isRegularFile() || seen.size() != file.size()) {
            return new Finding(Verdict.BAD, seen, 0, seen.size() + " bytes, not " + file.size());
        }
        MessageDigest digest = Sha256.newDigest();
        long read = 0;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[BUFFER];
            int r;
            while ((r = in.read(buf)) > 0) {
                digest.update(buf, 0, r);
                read += r;
                throttle.take(r);
            }
        } catch (NoSuchFileException e) {
            return new Finding(Verdict.MISSING, null, read, "missing");
        } catch (ClosedByInterruptException e) {
            throw new InterruptedException("the scrub was stopped");
        } catch (IOException e) {
            return new Finding(Verdict.BAD, seen, read, "unreadable: " + e);
        }
        if (read == file.size() && HexFormat.of().formatHex(digest.digest()).equals(file.checksum())) {
            return new Finding(Verdict.GOOD, seen, read, null);
        }
        return new Finding(Verdict.BAD, seen, read, "its bytes no longer hash to its name");
    }

    /**
     * Deletes a bad file and turns its index rows into reports, under the file's lock, and
     * only if nothing changed since it was checked: a chunk stored again meanwhile replaced
     * the file with verified bytes, and a release meanwhile took its rows and deletes the
     * file itself. Returns whether it discarded the file.
     */
    private boolean discard(ChunkIndex.StoredFile file, Finding finding) {
        Lock lock = store.lockOf(file.checksum());
        lock.lock();
        try {
            if (!unchanged(file, finding) || !index.referenced(file.checksum())) {
                return false;
            }
            try {
                store.discard(file.checksum(), file.size());
            } catch (IOException e) {
                // Its rows go all the same: a copy that cannot be trusted is not served.
                LOG.warn("could not delete bad chunk file {}: {}", file.checksum(), e.toString());
            }
            List<IndexedChunk> rows = badChunks.discard(file.checksum());
            LOG.warn("chunk file {} is bad ({}): removed, {} cop{} to report", file.checksum(), finding.why(),
                    rows.size(), rows.size() == 1 ? "y" : "ies");
        } finally {
            lock.unlock();
        }
        reportsOwed.run();
        return true;
    }

    private boolean unchanged(ChunkIndex.StoredFile file, Finding finding) {
        Path path = store.pathOf(file.checksum());
        if (finding.verdict() == Verdict.MISSING) {
            return Files.notExists(path);
        }
        if (finding.seen() == null) {
            return true;
        }
        try {
            BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
            return Objects.equals(now.fileKey(), finding.seen().fileKey()) && now.size() == finding.seen().size()
                    && now.lastModifiedTime().equals(finding.seen().lastModifiedTime());
        } catch (IOException e) {
            // Gone or unreadable since: bad all the same.
            return true;
        }
    }

    /** Stops the scrub, and waits a moment for it to let go of the files and the database it was using. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the scrub did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
