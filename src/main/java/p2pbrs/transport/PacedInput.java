package p2pbrs.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The reading side of a chunk connection, held to {@link TransferLimits}: each read waits
 * only until the bytes it reads are due, by setting the socket's timeout to what is left,
 * and fails with a SocketTimeoutException saying which limit passed. Sits under any
 * buffering, where the socket is read.
 */
public final class PacedInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final Pace pace;

    public PacedInput(Socket socket, TransferLimits limits) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.pace = new Pace(limits);
    }

    /** A new connection: its first header line is due whole within the header time. */
    public void expectFirstLine() {
        pace.firstLine();
    }

    /** Between messages: the next may keep us waiting the idle timeout, then its line is due within the header time. */
    public void expectLine() {
        pace.nextLine();
    }

    /** A body: it must keep to the minimum rate. */
    public void expectBody() {
        pace.body();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long left = pace.deadline(1) - System.nanoTime();
        if (left <= 0) {
            throw pace.overdue();
        }
        // A timeout of 0 would mean none at all: wait at least a millisecond.
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
        int r;
        try {
            r = in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw pace.overdue();
        }
        pace.moved(r);
        return r;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
