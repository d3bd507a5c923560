package p2pbrs.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a server is started with, checked once here.
 *
 * @param requestLogRetention how long acknowledged replies are kept for retransmissions;
 *                            longer than any peer retries
 */
public record ServerConfig(String bindAddress, int udpPort, Path db, int workers, int queueCapacity,
                           Duration requestLogRetention) {
    public ServerConfig {
        if (udpPort < 0 || udpPort > 65535) {
            throw new IllegalArgumentException("--udp-port must be 0 to 65535");
        }
        if (workers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("--workers and --queue must be at least 1");
        }
        if (requestLogRetention.isNegative() || requestLogRetention.isZero()) {
            throw new IllegalArgumentException("the request log retention must be positive");
        }
    }

    public static ServerConfig defaults(Path db) {
        return new ServerConfig("0.0.0.0", 5000, db, 8, 1024, Duration.ofHours(1));
    }

    public ServerConfig withUdpPort(int port) {
        return new ServerConfig(bindAddress, port, db, workers, queueCapacity, requestLogRetention);
    }
}
