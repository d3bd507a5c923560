package p2pbrs.transport;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs at most a few lines per interval and counts the rest, so that a flood of junk
 * datagrams cannot flood the log (or the disk under it).
 */
public final class RateLimitedLog {
    private final Logger log;
    private final int perInterval;
    private final long intervalNanos;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, int perInterval, long intervalMillis) {
        this.log = log;
        this.perInterval = perInterval;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= intervalNanos && windowStart.compareAndSet(start, now)) {
            inWindow.set(0);
            long dropped = suppressed.getAndSet(0);
            if (dropped > 0) {
                log.warn("{} similar messages suppressed", dropped);
            }
        }
        if (inWindow.incrementAndGet() <= perInterval) {
            log.warn(format, args);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
