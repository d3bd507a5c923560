package p2pbrs.bench;

/**
 * A socket's window of unanswered requests, kept as TCP keeps its congestion window: it
 * doubles each round trip at first, then grows by one a round trip, and halves (at most
 * once per first timeout) when a request had to be sent again. Never above the most
 * allowed, never below one.
 */
final class Congestion {
    private static final double FIRST = 4;

    private final int most;
    private double window = FIRST;
    private double threshold;
    private long calmUntil;

    Congestion(int most) {
        this.most = most;
        this.threshold = most;
    }

    int window() {
        return (int) Math.min(most, Math.max(1, window));
    }

    /** A request answered on its first try. */
    void answered() {
        window = Math.min(most, window + (window < threshold ? 1 : 1 / window));
    }

    /** A request went unanswered for its timeout. */
    void timedOut(long nowNanos) {
        if (nowNanos - calmUntil < 0) {
            return;
        }
        calmUntil = nowNanos + MetaLane.FIRST_TIMEOUT_NANOS;
        threshold = Math.max(1, window / 2);
        window = threshold;
    }
}
