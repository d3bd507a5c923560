package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A throttle keeps a reader to its rate on whatever time it is given, and saves no unused time up. */
class ThrottleTest {
    /** Time that passes only when someone waits on it, or when the test moves it on. */
    static final class FakeTime implements Throttle.Time {
        long now = 1_000_000_000L;
        long slept;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
            slept += nanos;
        }
    }

    @Test
    void bytesTakenAreWaitedForAtTheRate() throws Exception {
        FakeTime time = new FakeTime();
        Throttle throttle = new Throttle(1000, time);
        long start = time.now;
        for (int i = 0; i < 10; i++) {
            throttle.take(250);
        }
        // 2,500 bytes at 1,000 bytes a second: two and a half seconds, not a nanosecond less.
        assertEquals(2_500_000_000L, time.now - start);
    }

    @Test
    void aSlowReaderIsNotHeldBack() throws Exception {
        FakeTime time = new FakeTime();
        Throttle throttle = new Throttle(1000, time);
        time.now += 2_000_000_000L;
        throttle.take(1000);
        // Two seconds passed reading 1,000 bytes: well under the rate, no wait...
        assertEquals(0, time.slept);
        // ...and the time left over buys no burst: the next 1,000 bytes take their second.
        throttle.take(1000);
        assertEquals(1_000_000_000L, time.slept);
    }

    @Test
    void partsOfANanosecondAreRoundedUp() throws Exception {
        FakeTime time = new FakeTime();
        Throttle throttle = new Throttle(3, time);
        throttle.take(1);
        assertEquals(333_333_334L, time.slept);
    }

    @Test
    void aRateIsAtLeastOneBytePerSecond() {
        assertThrows(IllegalArgumentException.class, () -> new Throttle(0, new FakeTime()));
    }
}
