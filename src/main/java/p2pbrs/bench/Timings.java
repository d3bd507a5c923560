package p2pbrs.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The seconds one kind of measurement took, run by run, and their median. */
final class Timings {
    private final List<Double> seconds = new ArrayList<>();

    /** Records one run that began at {@code startNanos} (System.nanoTime) and ended now; returns its seconds. */
    double since(long startNanos) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        add(s);
        return s;
    }

    /** Records one run's seconds. */
    void add(double runSeconds) {
        seconds.add(runSeconds);
    }

    /** The seconds of each run, in order. */
    List<Double> runs() {
        return List.copyOf(seconds);
    }

    /** The middle of the sorted runs; with an even number of them, the mean of the two in the middle. */
    double median() {
        if (seconds.isEmpty()) {
            throw new IllegalStateException("nothing measured");
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
