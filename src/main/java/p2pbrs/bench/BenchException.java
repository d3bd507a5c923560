package p2pbrs.bench;

/** The benchmark cannot go on: a program it started failed, was too slow to answer, or a restore differed. */
public final class BenchException extends Exception {
    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
