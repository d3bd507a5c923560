package p2pbrs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What one socket saw in one phase: answers and their latencies, retransmissions, denials, failures. */
final class MetaLaneResult {
    // Only the first few reasons are kept: one is enough to tell what went wrong.
    private static final int KEPT = 5;

    private long[] latencies = new long[1024];
    private int answered;
    private long retransmitted;
    private long denied;
    private long failed;
    private final List<String> reasons = new ArrayList<>();

    void answered(long latencyNanos) {
        if (answered == latencies.length) {
            latencies = Arrays.copyOf(latencies, answered * 2);
        }
        latencies[answered++] = latencyNanos;
    }

    void retransmitted() {
        retransmitted++;
    }

    void denied(String what) {
        denied++;
        keep(what);
    }

    void fail(String what) {
        failed++;
        keep(what);
    }

    private void keep(String what) {
        if (reasons.size() < KEPT) {
            reasons.add(what);
        }
    }

    long[] latencies() {
        return Arrays.copyOf(latencies, answered);
    }

    int answeredCount() {
        return answered;
    }

    long retransmittedCount() {
        return retransmitted;
    }

    long deniedCount() {
        return denied;
    }

    long failedCount() {
        return failed;
    }

    List<String> reasons() {
        return reasons;
    }
}
