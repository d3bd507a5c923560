package p2pbrs.bench;

/**
 * The machine a benchmark ran on, as its reports give it (figures from two machines are
 * compared through their ratios to baselines, and read beside these), and the JSON
 * quoting both reports use.
 */
final class Machine {
    private Machine() {
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String java() {
        return System.getProperty("java.version");
    }

    /** The "machine" object of a JSON report: cores, Java version, system. */
    static String json() {
        return "{\"cores\":" + cores() + ",\"java\":" + quote(java()) + ",\"os\":"
                + quote(System.getProperty("os.name") + " " + System.getProperty("os.arch")) + "}";
    }

    // The values quoted are wire names and the JVM's own: no control characters, but a
    // quote or a backslash is escaped all the same.
    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
