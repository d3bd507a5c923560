package p2pbrs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import p2pbrs.peer.PeerConfig;
import picocli.CommandLine;

/** The peer's flags, read as the command line gives them. */
class PeerCommandTest {
    private static PeerConfig parse(String... args) {
        PeerCommand command = new PeerCommand();
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    @Test
    void theScrubFlagsReadLikeSizesAndDurations() {
        PeerConfig config = parse("--name", "Box", "--scrub-rate", "512KiB", "--scrub-interval", "30m");
        assertEquals(512L * 1024, config.scrubRate());
        assertEquals(Duration.ofMinutes(30), config.scrubInterval());
    }

    @Test
    void withoutThemAPeerScrubsTwentyMegabytesASecondOnceADay() {
        PeerConfig config = parse("--name", "Box");
        assertEquals(PeerConfig.DEFAULT_SCRUB_RATE, config.scrubRate());
        assertEquals(PeerConfig.DEFAULT_SCRUB_INTERVAL, config.scrubInterval());
    }

    @Test
    void aBadRateOrIntervalIsAUsageError() {
        assertThrows(CommandLine.ParameterException.class, () -> parse("--name", "Box", "--scrub-rate", "fast"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--name", "Box", "--scrub-interval", "1y"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--name", "Box", "--scrub-rate", "0"));
    }
}
