package p2pbrs.peer;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import p2pbrs.protocol.Sizes;

/**
 * A progress bar for backup and restore: bytes done, rate and time left, redrawn in
 * place. Silent when disabled (in a pipe, or with --quiet).
 */
final class Progress {
    /** Makes the bar for one job; decides once whether bars are shown at all. */
    interface Factory {
        Progress create(String label, long total);
    }
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastDraw = new AtomicLong(start);

    Progress(PrintStream out, boolean enabled, String label, long total) {
        this.out = out;
        this.enabled = enabled;
        this.label = label;
        this.total = total;
    }

    void add(long bytes) {
        long now = done.addAndGet(bytes);
        if (!enabled) {
            return;
        }
        long t = System.nanoTime();
        long last = lastDraw.get();
        if (t - last >= REDRAW_NANOS && lastDraw.compareAndSet(last, t)) {
            draw(now, t);
        }
    }

    /** Ends the bar's line, so the OK or ERROR line starts on its own. */
    void finish() {
        if (enabled) {
            draw(done.get(), System.nanoTime());
            out.println();
        }
    }

    /** Bytes per second so far. */
    double rate() {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return done.get() / seconds;
    }

    private synchronized void draw(long bytes, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = bytes / seconds;
        double fraction = total == 0 ? 1 : Math.min(1, (double) bytes / total);
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        long left = rate > 0 ? (long) ((total - bytes) / rate) : 0;
        out.print(String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%% %s of %s %s/s %02d:%02d left ", label,
                "#".repeat(filled), " ".repeat(width - filled), fraction * 100, Sizes.human(bytes), Sizes.human(total),
                Sizes.human((long) rate), left / 60, left % 60));
        out.flush();
    }
}
