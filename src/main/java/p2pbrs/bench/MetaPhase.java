package p2pbrs.bench;

/**
 * One request kind measured: how many were answered (denials fail the run, so none are
 * here), in how many seconds (from the first sent to the last answered), the latency
 * percentiles (from the first sending to the answer, retransmissions included), how many
 * datagrams were sent again, and the server's CPU time meanwhile (NaN when unknown) and
 * what it wrote.
 */
record MetaPhase(String kind, long count, double seconds, double p50Millis, double p99Millis, long retransmitted,
                 double serverCpuSeconds, ServerWrites serverWrites) {
    double perSecond() {
        return count / seconds;
    }
}
