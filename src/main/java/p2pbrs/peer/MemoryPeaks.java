package p2pbrs.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The most memory this process has used since it started: the heap (see {@link HeapPeak})
 * and the resident set (the kernel's high-water mark, where the system keeps one: null
 * elsewhere). The shell's {@code status} shows them, and the benchmark reads them there
 * from the owner it runs.
 */
public record MemoryPeaks(long heapPeak, Long rssPeak) {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static final Pattern LINE = Pattern.compile("memory: heap_peak=([0-9]{1,19})( rss_peak=([0-9]{1,19}))?");

    /** This process's peaks now. */
    public static MemoryPeaks ofThisProcess() {
        return new MemoryPeaks(HeapPeak.peak(), residentPeak(PROC_STATUS));
    }

    /** VmHWM from a Linux /proc status file, in bytes; null when there is none or it cannot be read. */
    static Long residentPeak(Path procStatus) {
        if (!Files.isReadable(procStatus)) {
            return null;
        }
        try {
            return vmHwm(Files.readString(procStatus, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    /** The {@code VmHWM:  1234 kB} line of a /proc status text, in bytes, or null without one. */
    static Long vmHwm(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                // The kernel writes kB and means KiB.
                if (parts.length == 2 && parts[1].equals("kB") && parts[0].matches("[0-9]{1,15}")) {
                    return Long.parseLong(parts[0]) * 1024;
                }
                return null;
            }
        }
        return null;
    }

    /** The peaks a status line shows; IllegalArgumentException for any other text. */
    public static MemoryPeaks parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory line: " + line);
        }
        try {
            return new MemoryPeaks(Long.parseLong(m.group(1)), m.group(3) == null ? null : Long.valueOf(m.group(3)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a number out of range in: " + line);
        }
    }

    /** The status line: {@code memory: heap_peak=<bytes> rss_peak=<bytes>}, the second only when known. */
    public String line() {
        return "memory: heap_peak=" + heapPeak + (rssPeak == null ? "" : " rss_peak=" + rssPeak);
    }
}
