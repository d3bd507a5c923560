package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p2pbrs.protocol.Role;
import p2pbrs.transport.RetryPolicy;

/** A peer refuses, before opening anything, an --ip the server would refuse at REGISTER, or a scrub that cannot run. */
class PeerConfigTest {
    private static PeerConfig withIp(String ip) {
        return config(ip, PeerConfig.DEFAULT_SCRUB_RATE, PeerConfig.DEFAULT_SCRUB_INTERVAL);
    }

    private static PeerConfig config(String ip, long scrubRate, Duration scrubInterval) {
        return new PeerConfig("P", Role.BOTH, new InetSocketAddress("127.0.0.1", 5000), ip, 0, 0, 0,
                Path.of("storage"), Path.of("db"), null, null, new RetryPolicy(100, 1000, 3), Path.of("restored"), true,
                1000, 1, PeerConfig.DEFAULT_HEARTBEAT_INTERVAL, scrubRate, scrubInterval);
    }

    @ParameterizedTest
    @ValueSource(strings = {"255.255.255.255", "224.0.0.1", "ff02::1", "0.0.0.0", "::", "[::]", "localhost", ".:"})
    void anAddressNoPeerCanHaveIsAClearError(String ip) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withIp(ip));
        assertTrue(e.getMessage().startsWith("--ip " + ip + " is not an address"), e.getMessage());
    }

    @Test
    void theScrubDefaultsToTwentyMegabytesASecondOnceADay() {
        assertEquals(20L * 1024 * 1024, PeerConfig.DEFAULT_SCRUB_RATE);
        assertEquals(Duration.ofHours(24), PeerConfig.DEFAULT_SCRUB_INTERVAL);
    }

    @Test
    void aScrubThatCouldNeverReadOrNeverRestIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> config("::1", 0, Duration.ofHours(1)))
                .getMessage().startsWith("--scrub-rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> config("::1", 1, Duration.ZERO))
                .getMessage().startsWith("--scrub-interval"));
        assertEquals(1, config("::1", 1, Duration.ofMillis(10)).scrubRate());
    }

    @Test
    void literalsOfOneMachineAreAccepted() {
        assertEquals("10.0.0.2", withIp("10.0.0.2").ip());
        assertEquals("::1", withIp("::1").ip());
    }
}
