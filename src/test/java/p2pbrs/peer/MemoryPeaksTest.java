package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    void aLineReadsBackAsTheSamePeaks() {
        for (MemoryPeaks peaks : List.of(new MemoryPeaks(1000, 2000L), new MemoryPeaks(1000, null))) {
            assertEquals(peaks, MemoryPeaks.parse(peaks.line()));
        }
        for (String bad : List.of("memory: heap_peak=", "memory: heap_peak=12 rss_peak=x",
                "memory: heap_peak=99999999999999999999", "scrub: never")) {
            assertThrows(IllegalArgumentException.class, () -> MemoryPeaks.parse(bad), bad);
        }
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
        held[0] = 1;
    }

    @Test
    void theHeapPeakOutlivesACollection() throws Exception {
        HeapPeak.watch();
        long size = 128L << 20;
        byte[] garbage = new byte[(int) size];
        garbage[garbage.length - 1] = 1;
        garbage = null;
        // The collection frees it; what the heap held before it is the peak that stays.
        System.gc();
        // Listeners hear of a collection on a thread of their own, soon after it.
        LocalCluster.poll(Duration.ofMillis(10), Duration.ofSeconds(10), () -> HeapPeak.peak() >= size ? true : null);
    }
}
