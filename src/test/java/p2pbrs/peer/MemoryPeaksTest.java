package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peak memory line of status: the heap pools' peaks added up, the resident peak from /proc. */
class MemoryPeaksTest {
    @TempDir
    Path dir;

    @Test
    void theResidentPeakIsVmHwmInBytes() {
        String status = "Name:\tjava\nVmPeak:\t 4000000 kB\nVmSize:\t 3900000 kB\nVmHWM:\t  123456 kB\n"
                + "VmRSS:\t  100000 kB\n";
        assertEquals(123456L * 1024, MemoryPeaks.vmHwm(status));
    }

    @Test
    void noResidentPeakWithoutAWellFormedVmHwmLine() throws Exception {
        assertNull(MemoryPeaks.vmHwm("Name:\tjava\nVmRSS:\t  100000 kB\n"));
        assertNull(MemoryPeaks.vmHwm("VmHWM:\t  lots kB\n"));
        assertNull(MemoryPeaks.vmHwm("VmHWM:\t  12 MB\n"));
        assertNull(MemoryPeaks.residentPeak(dir.resolve("no-such-status")));
        Path file = Files.writeString(dir.resolve("status"), "VmHWM:\t 2048 kB\n");
        assertEquals(2L * 1024 * 1024, MemoryPeaks.residentPeak(file));
    }

    @Test
    void theLineLeavesOutAnUnknownResidentPeak() {
        assertEquals("memory: heap_peak=1000 rss_peak=2000", new MemoryPeaks(1000, 2000L).line());
        assertEquals("memory: heap_peak=1000", new MemoryPeaks(1000, null).line());
    }

    @Test
    void theHeapPeakCoversWhatIsInUseNow() {
        // Held until after the peaks are read: the peak is at least what the heap holds then.
        byte[] held = new byte[48 << 20];
        MemoryPeaks peaks = MemoryPeaks.ofThisProcess();
        assertTrue(peaks.heapPeak() >= held.length, peaks.line());
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertTrue(peaks.rssPeak() != null && peaks.rssPeak() > held.length, peaks.line());
        }
    }
}
