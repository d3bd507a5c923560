package p2pbrs.bench;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * What bench-meta measured: a line per request kind (answered requests, seconds, requests a
 * second, latency percentiles in ms, retransmissions, the server's CPU seconds meanwhile),
 * as plain lines or one JSON object.
 */
public final class MetaReport {
    private final MetaBench.Settings settings;
    private final int storage;
    private final int owners;
    private final List<MetaPhase> phases;
    private final Double serverRssPeakMib;

    MetaReport(MetaBench.Settings settings, int storage, int owners, List<MetaPhase> phases,
               Double serverRssPeakMib) {
        this.settings = settings;
        this.storage = storage;
        this.owners = owners;
        this.phases = List.copyOf(phases);
        this.serverRssPeakMib = serverRssPeakMib;
    }

    /** The header line, then one line per request kind, then the server's memory. */
    public String plain() {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder("bench-meta peers=" + settings.peers() + " owners=" + owners
                + " storage=" + storage + " seconds=" + settings.seconds() + " sockets=" + settings.sockets()
                + " window=" + settings.window() + " cores=" + Machine.cores() + " java=" + Machine.java()
                + " (answered requests; latency from first sending to answer, retransmissions included; "
                + "server_cpu_s: the server's CPU seconds during the phase; server_writes, server_written_kb: "
                + "its write calls and what they carried, per request)" + nl);
        for (MetaPhase p : phases) {
            sb.append(line(p)).append(nl);
        }
        sb.append("server rss_peak_mb=").append(serverRssPeakMib == null ? "unknown" : mib(serverRssPeakMib))
                .append(nl);
        return sb.toString();
    }

    static String line(MetaPhase p) {
        return p.kind() + " count=" + p.count() + " seconds=" + fixed(p.seconds(), 3) + " per_s="
                + fixed(p.perSecond(), 1) + " p50_ms=" + fixed(p.p50Millis(), 2) + " p99_ms="
                + fixed(p.p99Millis(), 2) + " retransmitted=" + p.retransmitted() + " server_cpu_s="
                + cpu(p.serverCpuSeconds()) + " server_writes=" + perRequest(p, p.serverWrites().calls(), 1)
                + " server_written_kb=" + perRequest(p, p.serverWrites().bytes(), 1024);
    }

    /** One JSON object, keys in lower case, request kinds by their wire names. */
    public String json() {
        StringJoiner requests = new StringJoiner(",", "{", "}");
        for (MetaPhase p : phases) {
            requests.add(Machine.quote(p.kind()) + ":{\"count\":" + p.count() + ",\"seconds\":" + fixed(p.seconds(), 3)
                    + ",\"per_second\":" + fixed(p.perSecond(), 1) + ",\"p50_ms\":" + fixed(p.p50Millis(), 2)
                    + ",\"p99_ms\":" + fixed(p.p99Millis(), 2) + ",\"denied\":0,\"retransmitted\":"
                    + p.retransmitted() + ",\"server_cpu_seconds\":"
                    + (Double.isNaN(p.serverCpuSeconds()) ? "null" : cpu(p.serverCpuSeconds()))
                    + ",\"server_writes\":" + jsonPerRequest(p, p.serverWrites().calls(), 1)
                    + ",\"server_written_kb\":" + jsonPerRequest(p, p.serverWrites().bytes(), 1024) + "}");
        }
        return "{\"peers\":" + settings.peers() + ",\"owners\":" + owners + ",\"storage\":" + storage
                + ",\"seconds\":" + settings.seconds() + ",\"sockets\":" + settings.sockets() + ",\"window\":"
                + settings.window() + ",\"requests\":" + requests + ",\"server\":{\"rss_peak_mb\":"
                + (serverRssPeakMib == null ? "null" : mib(serverRssPeakMib)) + "}"
                + ",\"machine\":" + Machine.json() + "}";
    }

    // Per answered request, in the given unit; "unknown" where the system does not say.
    private static String perRequest(MetaPhase p, long total, int unit) {
        return p.serverWrites().known() ? fixed((double) total / unit / p.count(), 2) : "unknown";
    }

    private static String jsonPerRequest(MetaPhase p, long total, int unit) {
        return p.serverWrites().known() ? fixed((double) total / unit / p.count(), 2) : "null";
    }

    private static String cpu(double seconds) {
        return Double.isNaN(seconds) ? "unknown" : fixed(seconds, 2);
    }

    private static String mib(double mib) {
        return fixed(mib, 1);
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
