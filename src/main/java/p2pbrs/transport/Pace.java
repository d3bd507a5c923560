package p2pbrs.transport;

import java.net.SocketTimeoutException;

/**
 * Where one direction of a chunk connection stands (a header line, a wait between
 * messages, a body) and so by when its next bytes are due. Used by one thread at a time.
 */
final class Pace {
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private enum Phase {
        /** The first header line of a new connection: due whole within the header time. */
        FIRST_LINE,
        /** Between messages: nothing is due before the idle timeout. */
        WAITING,
        /** A header line under way: due whole within the header time of its first byte. */
        LINE,
        /** Short writes (replies, requests): each within the idle timeout. */
        CONTROL,
        /** A body: at the minimum rate after the grace, and never idle for the idle timeout. */
        BODY
    }

    private final TransferLimits limits;
    private Phase phase = Phase.FIRST_LINE;
    private long since = System.nanoTime();
    private long moved;
    private boolean rateBound;

    Pace(TransferLimits limits) {
        this.limits = limits;
    }

    void firstLine() {
        begin(Phase.FIRST_LINE);
    }

    void nextLine() {
        begin(Phase.WAITING);
    }

    void control() {
        begin(Phase.CONTROL);
    }

    void body() {
        begin(Phase.BODY);
    }

    private void begin(Phase next) {
        phase = next;
        since = System.nanoTime();
        moved = 0;
    }

    /** When (in System.nanoTime()) this many more bytes must have moved. */
    long deadline(long bytes) {
        long now = System.nanoTime();
        long idle = now + limits.idleMillis() * NANOS_PER_MILLI;
        rateBound = false;
        switch (phase) {
            case FIRST_LINE, LINE:
                return since + limits.headerMillis() * NANOS_PER_MILLI;
            case BODY:
                long byRate = since + limits.graceMillis() * NANOS_PER_MILLI
                        + (moved + bytes) * NANOS_PER_SECOND / limits.minBytesPerSecond();
                rateBound = byRate < idle;
                return Math.min(idle, byRate);
            default:
                return idle;
        }
    }

    void moved(long bytes) {
        if (bytes <= 0) {
            return;
        }
        if (phase == Phase.WAITING) {
            phase = Phase.LINE;
            since = System.nanoTime();
        }
        moved += bytes;
    }

    /** What the last deadline given was for, as the reason a connection is given up. */
    SocketTimeoutException overdue() {
        return new SocketTimeoutException(switch (phase) {
            case FIRST_LINE, LINE -> "no complete header line within " + limits.headerMillis() + " ms";
            case BODY -> rateBound ? "the body fell below " + limits.minBytesPerSecond() + " bytes/s"
                    : "the body stalled for " + limits.idleMillis() + " ms";
            default -> "idle for " + limits.idleMillis() + " ms";
        });
    }
}
