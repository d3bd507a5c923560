package p2pbrs.peer;

import java.util.concurrent.TimeUnit;

/**
 * Holds a reader to at most a rate, in bytes per second: after it has taken n bytes, at
 * least n / rate seconds have passed since the throttle was made. The time a reader spends
 * reading counts, but time it leaves unused is not saved up: a pause buys no burst after
 * it beyond one read's worth. Used by one thread.
 */
final class Throttle {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** The time a throttle reads and waits on: the system's, or a test's own. */
    interface Time {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;

        Time SYSTEM = new Time() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        };
    }

    private final long bytesPerSecond;
    private final Time time;
    // When the bytes taken so far are paid for.
    private long paidUntil;

    Throttle(long bytesPerSecond, Time time) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("a rate is at least one byte per second");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.paidUntil = time.nanoTime();
    }

    /**
     * Counts bytes just read (at most a buffer's worth at a time), waiting until they are
     * paid for at the rate.
     */
    void take(long bytes) throws InterruptedException {
        long now = time.nanoTime();
        // Rounded up, so that the bound holds to the nanosecond.
        long cost = (bytes * NANOS_PER_SECOND + bytesPerSecond - 1) / bytesPerSecond;
        // The time spent reading these bytes pays for them, up to their cost; time unused
        // before that is not saved up.
        paidUntil = Math.max(paidUntil, now - cost) + cost;
        while (now < paidUntil) {
            time.sleepNanos(paidUntil - now);
            now = time.nanoTime();
        }
    }
}
