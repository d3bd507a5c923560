package p2pbrs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** bench-seal, small: it backs up and restores both ways, verifies, and prints its lines and ratios. */
class BenchSealTest {
    private static final Pattern LINE = Pattern.compile(
            "(backup|restore) (sealed|unsealed) median_s=\\d+\\.\\d{3} mb_s=\\d+\\.\\d{3}");
    private static final Pattern RATIO = Pattern.compile("ratio backup=(\\d+\\.\\d{3}) restore=(\\d+\\.\\d{3})");

    @Test
    void measuresBothWaysAndPrintsTheRatios() {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run("bench-seal", "--size", "3MiB", "--runs", "1", "--chunk-size", "1MiB"));
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        Matcher lines = LINE.matcher(out);
        int found = 0;
        while (lines.find()) {
            found++;
        }
        assertEquals(4, found, out);
        Matcher ratio = RATIO.matcher(out);
        assertTrue(ratio.find(), out);
        assertTrue(Double.parseDouble(ratio.group(1)) > 0 && Double.parseDouble(ratio.group(2)) > 0, out);
        assertEquals(2, Main.run("bench-seal", "--replicas", "4", "--peers", "3"), "more copies than peers");
    }
}
