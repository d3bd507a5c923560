package p2pbrs.transport;

import java.util.SplittableRandom;

/**
 * A test hook: makes endpoints lose a share of the datagrams they send, as a lossy network
 * would, so that tests can show that retransmission, heartbeats and the protocol's other
 * retries converge anyway. Off (no loss) unless the system property
 * {@code p2pbrs.test.datagram-loss} (a share from 0 to 0.9) is set when an endpoint is made.
 */
final class DatagramLoss {
    static final String PROPERTY = "p2pbrs.test.datagram-loss";
    private static final double MAX_SHARE = 0.9;

    private final double share;
    private final SplittableRandom random = new SplittableRandom();

    private DatagramLoss(double share) {
        this.share = share;
    }

    /** The loss the system property asks for, or none. */
    static DatagramLoss fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return new DatagramLoss(0);
        }
        double share = Double.parseDouble(value);
        if (!(share >= 0 && share <= MAX_SHARE)) {
            throw new IllegalArgumentException(PROPERTY + " is a share from 0 to " + MAX_SHARE + ": " + value);
        }
        return new DatagramLoss(share);
    }

    /** Whether this datagram is lost. */
    synchronized boolean lose() {
        return share > 0 && random.nextDouble() < share;
    }
}
