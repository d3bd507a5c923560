package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** Reading what a benchmark command printed: its JSON report's fields, and its logs for a failure's message. */
final class BenchOutput {
    private BenchOutput() {
    }

    static double number(Map<String, Object> object, String key) {
        Object value = object.get(key);
        assertNotNull(value, "no " + key + " in " + object);
        return ((BigDecimal) value).doubleValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        assertTrue(value instanceof Map, "an object expected: " + value);
        return (Map<String, Object>) value;
    }

    /** Every .log file in the folder, under a heading: standard error of the processes run there. */
    static String stderr(Path work) throws IOException {
        StringBuilder sb = new StringBuilder("\n--- standard error ---\n");
        try (Stream<Path> files = Files.list(work)) {
            for (Path log : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                sb.append(Files.readString(log));
            }
        }
        return sb.toString();
    }
}
