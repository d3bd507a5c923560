package p2pbrs.peer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits that end. A job waiting on its workers gives up once they stop making progress
 * for a bound derived from the transfer limits, rather than on a total that would have
 * to guess how large a file, and how slow a link, is acceptable.
 */
final class Waits {
    // How often the count is looked at for progress; the bounds themselves are far longer.
    private static final long LOOK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private Waits() {
    }

    /**
     * Waits until the latch reaches zero (true), or until its count has not fallen for
     * stallMillis (false).
     */
    static boolean untilDoneOrStalled(CountDownLatch latch, long stallMillis) throws InterruptedException {
        long stall = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        long count = latch.getCount();
        long deadline = System.nanoTime() + stall;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (latch.await(Math.min(left, LOOK_NANOS), TimeUnit.NANOSECONDS)) {
                return true;
            }
            long now = latch.getCount();
            if (now < count) {
                count = now;
                deadline = System.nanoTime() + stall;
            }
        }
    }
}
