package p2pbrs.transport;

/**
 * How a request is retransmitted: the first timeout, doubled after each try up to a
 * ceiling, for a bounded number of tries. Flags set it, so tests can shorten it.
 */
public record RetryPolicy(long initialTimeoutMillis, long maxTimeoutMillis, int maxTries) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(300, 3_000, 7);

    public RetryPolicy {
        if (initialTimeoutMillis < 1 || maxTimeoutMillis < initialTimeoutMillis || maxTries < 1) {
            throw new IllegalArgumentException("bad retry policy");
        }
    }

    /** The longest a request waits through all its tries. */
    public long totalMillis() {
        long total = 0;
        for (int t = 1; t <= maxTries; t++) {
            total += timeoutForTry(t);
        }
        return total;
    }

    public long timeoutForTry(int tryNumber) {
        long t = initialTimeoutMillis;
        for (int i = 1; i < tryNumber && t < maxTimeoutMillis; i++) {
            t *= 2;
        }
        return Math.min(t, maxTimeoutMillis);
    }
}
