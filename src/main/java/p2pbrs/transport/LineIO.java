package p2pbrs.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Chunk transfer framing over TCP: a header line of UTF-8 text ending in '\n' (at most
 * {@link #MAX_HEADER_BYTES}), then exactly as many raw bytes as the header announces.
 */
public final class LineIO {
    public static final int MAX_HEADER_BYTES = 4096;

    private LineIO() {
    }

    /** The next header line without its '\n', or null at a clean end of stream. */
    public static String readLine(InputStream in) throws IOException {
        byte[] buf = new byte[256];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (n == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a header line");
            }
            if (b == '\n') {
                return new String(buf, 0, n, StandardCharsets.UTF_8);
            }
            if (n == MAX_HEADER_BYTES) {
                throw new IOException("header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.min(MAX_HEADER_BYTES, buf.length * 2));
            }
            buf[n++] = (byte) b;
        }
    }

    public static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
