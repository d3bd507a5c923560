package p2pbrs.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often one key (a source address, an identity) may do something: a bucket per key
 * that holds a minute's worth and refills at the configured pace. Only keys seen lately
 * are remembered, so the limiter's own memory is bounded whatever arrives.
 */
final class PerKeyLimiter {
    private static final int MAX_KEYS = 10_000;
    private static final double NANOS_PER_MINUTE = 60e9;

    private final double perMinute;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_KEYS;
        }
    };

    PerKeyLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Takes one from this key's bucket; false when it is empty. */
    synchronized boolean tryAcquire(String key, long nowNanos) {
        double[] bucket = buckets.computeIfAbsent(key, a -> new double[] {perMinute, nowNanos});
        double refilled = Math.min(perMinute, bucket[0] + (nowNanos - bucket[1]) / NANOS_PER_MINUTE * perMinute);
        bucket[1] = nowNanos;
        if (refilled < 1) {
            bucket[0] = refilled;
            return false;
        }
        bucket[0] = refilled - 1;
        return true;
    }
}
