package p2pbrs.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The writing side of a chunk connection, held to {@link TransferLimits}. A socket write
 * has no timeout of its own and blocks as long as the other side does not read (a stopped
 * process, a peer that only pretends): each slice is written under a watchdog that closes
 * the socket when the slice is overdue ({@link WriteWatchdog}), and the write then fails
 * with a SocketTimeoutException saying which limit passed.
 */
public final class PacedOutput extends OutputStream {
    // Small enough that a slice at the minimum rate fits well within the idle timeout.
    private static final int SLICE = 8 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final Pace pace;
    private final WriteWatchdog.Watch watch = new WriteWatchdog.Watch(this::closeQuietly);

    public PacedOutput(Socket socket, TransferLimits limits) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.pace = new Pace(limits);
        pace.control();
    }

    /** Whether a write is under way, its deadline watched (for tests). */
    boolean writing() {
        return WriteWatchdog.INSTANCE.isArmed(watch);
    }

    /** Short writes (a header, a reply): each is due within the idle timeout. */
    public void expectControl() {
        pace.control();
    }

    /** A body: it must keep to the minimum rate. */
    public void expectBody() {
        pace.body();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        WriteWatchdog.INSTANCE.arm(watch, sliceDue(len));
        try {
            while (len > 0) {
                int n = Math.min(SLICE, len);
                writeSlice(b, off, n);
                off += n;
                len -= n;
            }
        } finally {
            WriteWatchdog.INSTANCE.disarm(watch);
        }
    }

    // The deadline of the next slice of len bytes, or, if it has passed already, the end.
    private long sliceDue(int len) throws IOException {
        long due = pace.deadline(Math.min(SLICE, len));
        if (due - System.nanoTime() <= 0) {
            socket.close();
            throw pace.overdue();
        }
        return due;
    }

    private void writeSlice(byte[] b, int off, int len) throws IOException {
        watch.due(sliceDue(len));
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            if (watch.fired()) {
                throw pace.overdue();
            }
            throw e;
        }
        if (watch.fired()) {
            throw pace.overdue();
        }
        pace.moved(len);
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // The write it unblocks reports the failure.
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
