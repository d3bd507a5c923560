package p2pbrs.bench;

import java.util.Locale;
import java.util.StringJoiner;
import p2pbrs.peer.MemoryPeaks;

/**
 * What a benchmark measured, as plain lines for people or one JSON object for scripts.
 * Every figure is a median over the runs; a ratio is the baseline's seconds over the
 * operation's (above 1, the operation was faster than the baseline). Memory is the owner
 * process's peak over every run, in MiB (as -Xmx counts); throughput in MB (10^6 bytes) a
 * second.
 */
public final class BenchReport {
    private final Bench.Settings settings;
    private final Timings backup;
    private final Timings restore;
    private final Timings sha256;
    private final Timings copy;
    private final MemoryPeaks owner;
    private final CpuTimings backupCpu;
    private final CpuTimings restoreCpu;

    BenchReport(Bench.Settings settings, Timings backup, Timings restore, Timings sha256, Timings copy,
                MemoryPeaks owner, CpuTimings backupCpu, CpuTimings restoreCpu) {
        this.backupCpu = backupCpu;
        this.restoreCpu = restoreCpu;
        this.settings = settings;
        this.backup = backup;
        this.restore = restore;
        this.sha256 = sha256;
        this.copy = copy;
        this.owner = owner;
    }

    /** The header line, then one line each for backup, restore and the two baselines. */
    public String plain() {
        int runs = settings.runs();
        String nl = System.lineSeparator();
        return "bench size=" + settings.size() + " runs=" + runs + " warm_ups=" + settings.warmUps() + " peers="
                + settings.peers() + " replicas="
                + settings.replicas() + " peer_heap_max_mb=" + BenchCluster.PEER_HEAP_MB + " cores=" + Machine.cores()
                + " java=" + Machine.java() + " (median of " + runs + (runs == 1 ? " run" : " runs")
                + "; vs_<baseline> = baseline seconds / operation seconds; memory: the owner's peaks over all runs, "
                + "MiB; cpu_<role>_s: CPU seconds its processes used during the operation)" + nl
                + "backup " + operationFields(backup, backupCpu) + nl
                + "restore " + operationFields(restore, restoreCpu) + nl
                + "baseline sha256 " + baselineFields(sha256) + nl
                + "baseline copy " + baselineFields(copy) + nl;
    }

    private String operationFields(Timings t, CpuTimings cpu) {
        return baselineFields(t) + " vs_sha256=" + ratio(sha256, t) + " vs_copy=" + ratio(copy, t) + " heap_peak_mb="
                + mib(owner.heapPeak()) + (owner.rssPeak() == null ? "" : " rss_peak_mb=" + mib(owner.rssPeak()))
                + " cpu_owner_s=" + cpuSeconds(cpu.owner()) + " cpu_storage_s=" + cpuSeconds(cpu.storage())
                + " cpu_server_s=" + cpuSeconds(cpu.server());
    }

    private String baselineFields(Timings t) {
        return "seconds=" + seconds(t.median()) + " mb_s=" + mbPerSecond(t);
    }

    /** One JSON object, keys in lower case. */
    public String json() {
        return "{\"size\":" + settings.size() + ",\"runs\":" + settings.runs() + ",\"warm_ups\":"
                + settings.warmUps() + ",\"peers\":" + settings.peers()
                + ",\"replicas\":" + settings.replicas()
                + ",\"backup\":" + operationJson(backup, backupCpu)
                + ",\"restore\":" + operationJson(restore, restoreCpu)
                + ",\"baselines\":{\"sha256\":" + timingsJson(sha256) + ",\"copy\":" + timingsJson(copy) + "}"
                + ",\"heap_max_mb\":{\"owner\":" + BenchCluster.PEER_HEAP_MB + ",\"storage\":"
                + BenchCluster.PEER_HEAP_MB + "}"
                + ",\"machine\":" + Machine.json() + "}";
    }

    private String operationJson(Timings t, CpuTimings cpu) {
        String fields = timingsJson(t);
        return fields.substring(0, fields.length() - 1) + ",\"vs_sha256\":" + ratio(sha256, t) + ",\"vs_copy\":"
                + ratio(copy, t) + ",\"heap_peak_mb\":" + mib(owner.heapPeak()) + ",\"rss_peak_mb\":"
                + (owner.rssPeak() == null ? "null" : mib(owner.rssPeak())) + ",\"cpu_seconds\":{\"owner\":"
                + cpuJson(cpu.owner()) + ",\"storage\":" + cpuJson(cpu.storage()) + ",\"server\":"
                + cpuJson(cpu.server()) + "}}";
    }

    private static String cpuSeconds(Timings t) {
        return cpu(t, "unknown");
    }

    private static String cpuJson(Timings t) {
        return cpu(t, "null");
    }

    // The median CPU seconds, or what stands for unknown where the system does not tell them.
    private static String cpu(Timings t, String unknown) {
        double s = t.median();
        return Double.isNaN(s) ? unknown : String.format(Locale.ROOT, "%.2f", s);
    }

    private String timingsJson(Timings t) {
        StringJoiner each = new StringJoiner(",", "[", "]");
        for (double s : t.runs()) {
            each.add(seconds(s));
        }
        return "{\"seconds\":" + seconds(t.median()) + ",\"mb_s\":" + mbPerSecond(t) + ",\"runs_seconds\":" + each
                + "}";
    }

    private String mbPerSecond(Timings t) {
        return String.format(Locale.ROOT, "%.1f", settings.size() / 1e6 / t.median());
    }

    private static String ratio(Timings baseline, Timings operation) {
        return String.format(Locale.ROOT, "%.3f", baseline.median() / operation.median());
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.4f", s);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1 << 20));
    }
}
