package p2pbrs.peer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import p2pbrs.protocol.Fields;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Role;
import p2pbrs.crypto.RecoveryKey;
import p2pbrs.protocol.Tokens;
import p2pbrs.transport.RetryPolicy;

/**
 * Everything a peer is started with, checked once here.
 *
 * @param token            a recovery key (or a token from before data keys) to take the identity back with,
 *                         or null to use the stored one
 * @param invite           an invitation code for the first registration, or null
 * @param restoreDir       where restores are written
 * @param quiet            no progress bars
 * @param tcpTimeoutMillis how long a chunk connection may stall before it is dropped
 * @param maxConnections   chunk connections a storage peer serves at once
 * @param heartbeatInterval how often the peer tells the server it is alive
 * @param scrubRate        how fast a storage peer's scrub may read its chunk files, in bytes per second
 * @param scrubInterval    how long a storage peer waits after one scrub before the next
 */
public record PeerConfig(String name, Role role, InetSocketAddress server, String ip, int udpPort, int tcpPort,
                         long capacity, Path storageDir, Path db, String token, String invite, RetryPolicy retry,
                         Path restoreDir, boolean quiet, int tcpTimeoutMillis, int maxConnections,
                         java.time.Duration heartbeatInterval, long scrubRate, java.time.Duration scrubInterval) {
    /** The default of --heartbeat-interval. */
    public static final java.time.Duration DEFAULT_HEARTBEAT_INTERVAL = java.time.Duration.ofSeconds(5);
    /** The default of --scrub-rate: 20MB a second, a small share of any disk's bandwidth. */
    public static final long DEFAULT_SCRUB_RATE = 20L << 20;
    /** The default of --scrub-interval. */
    public static final java.time.Duration DEFAULT_SCRUB_INTERVAL = java.time.Duration.ofHours(24);

    public PeerConfig {
        if (!PeerNames.isValid(name)) {
            throw new IllegalArgumentException("bad peer name '" + name
                    + "': 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve server host " + server.getHostString());
        }
        try {
            // What the server would refuse at REGISTER (Bad-address) is refused here, before
            // anything is opened: a host name, broadcast, multicast, the unspecified address.
            Fields.ipLiteral(ip, "0");
        } catch (MalformedMessageException e) {
            throw new IllegalArgumentException("--ip " + ip + " is not an address other peers can reach this peer at"
                    + " (an IPv4 or IPv6 literal, not broadcast, multicast, 0.0.0.0 or ::)");
        }
        if (udpPort < 0 || udpPort > 65535 || tcpPort < 0 || tcpPort > 65535) {
            throw new IllegalArgumentException("ports are 0 to 65535 (0: any free port)");
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        if (tcpTimeoutMillis < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("--tcp-timeout-ms and --max-connections must be at least 1");
        }
        if (token != null) {
            // A recovery key, or a token of an identity from before data keys: refused here
            // with what is wrong with it, before anything is opened.
            RecoveryKey.parse(token);
        }
        if (invite != null && !Tokens.wellFormedInvite(invite)) {
            throw new IllegalArgumentException("an invitation code is 32 lowercase hex digits, as `invite` printed it");
        }
        if (heartbeatInterval.toMillis() < 10) {
            throw new IllegalArgumentException("--heartbeat-interval must be at least 10ms");
        }
        if (scrubRate < 1) {
            throw new IllegalArgumentException("--scrub-rate must be at least 1B (a second)");
        }
        if (scrubInterval.toMillis() < 10) {
            throw new IllegalArgumentException("--scrub-interval must be at least 10ms");
        }
        restoreDir = restoreDir.toAbsolutePath().normalize();
    }
}
