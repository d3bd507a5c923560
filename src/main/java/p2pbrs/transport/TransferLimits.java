package p2pbrs.transport;

/**
 * How long one side of a chunk connection may keep the other waiting. A per-read timeout
 * alone lets a client that trickles a byte now and then hold a connection for ever; these
 * bound what each thing may take as a whole. docs/protocol.md, "Chunk transfer", gives the
 * numbers and their reasons.
 *
 * @param idleMillis        the longest wait for the next byte, or for the next message on a kept connection
 * @param headerMillis      a header line is due whole this long after its first byte (on a new connection,
 *                          after the connection opened)
 * @param graceMillis       the start of a body during which it is not held to the minimum rate
 * @param minBytesPerSecond after the grace, the least average rate of a body since it began
 */
public record TransferLimits(int idleMillis, int headerMillis, int graceMillis, int minBytesPerSecond) {
    // A header is at most 4 KiB, sent in one write: any link carries it in far less.
    static final int MAX_HEADER_MILLIS = 10_000;
    // Lets a transfer get going (TCP slow start, a busy link) before its rate is judged.
    static final int BODY_GRACE_MILLIS = 10_000;
    // 8 kbit/s: even an owner sending to 32 peers at once, two connections each, needs
    // only a 512 kbit/s uplink to keep every body at it; a body then holds a connection
    // for at most about 2 h 17 min per 8 MiB, instead of for ever.
    static final int MIN_BODY_BYTES_PER_SECOND = 1024;

    public TransferLimits {
        if (idleMillis < 1 || headerMillis < 1 || graceMillis < 0 || minBytesPerSecond < 1) {
            throw new IllegalArgumentException("transfer limits must be positive");
        }
    }

    /** The limits of a peer started with this idle timeout (--tcp-timeout-ms). */
    public static TransferLimits forIdleTimeout(int idleMillis) {
        return new TransferLimits(idleMillis, Math.min(idleMillis, MAX_HEADER_MILLIS), BODY_GRACE_MILLIS,
                MIN_BODY_BYTES_PER_SECOND);
    }

    /** The longest a body of this many bytes may take: the grace, then the minimum rate. */
    public long bodyMillis(long bytes) {
        return graceMillis + (bytes * 1000 + minBytesPerSecond - 1) / minBytesPerSecond;
    }

    /**
     * The longest one chunk request and its answer may take under these limits, a body of
     * this many bytes included: connecting, the request, the wait for the answer, its
     * header line and the body.
     */
    public long exchangeMillis(long bodyBytes) {
        return 3L * idleMillis + 2L * headerMillis + bodyMillis(bodyBytes);
    }
}
