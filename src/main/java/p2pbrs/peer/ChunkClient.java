package p2pbrs.peer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Sha256;
import p2pbrs.transport.LineIO;
import p2pbrs.transport.WireTap;

/**
 * The owner's connection to one storage peer, reused for many chunks. After a refusal or
 * an error the connection is dropped (the peer may have closed it) and the next use
 * connects again.
 */
final class ChunkClient implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final String who;
    private final PlanPeer peer;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    ChunkClient(String who, PlanPeer peer, int timeoutMillis) {
        this.who = who;
        this.peer = peer;
        this.timeoutMillis = timeoutMillis;
    }

    PlanPeer peer() {
        return peer;
    }

    /** Sends SEND_CHUNK and the bytes; returns the peer's CHUNK_OK or CHUNK_ERROR. */
    Message send(Message header, byte[] data, int length) throws IOException {
        connect();
        try {
            writeHeader(header);
            out.write(data, 0, length);
            out.flush();
            Message reply = readReply();
            if (reply.command() != Command.CHUNK_OK) {
                close();
            }
            return reply;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** What a GET_CHUNK came to: the peer's header, and the SHA-256 of what was written. */
    record Fetched(Message header, String checksum) {
    }

    /**
     * Sends GET_CHUNK and writes the chunk's bytes into the file at offset, hashing them as
     * they pass. A reply announcing another size than expected is refused unread.
     */
    Fetched fetch(Message header, FileChannel file, long offset, long expectedSize) throws IOException {
        connect();
        try {
            writeHeader(header);
            out.flush();
            Message reply = readReply();
            if (reply.command() != Command.CHUNK_DATA) {
                close();
                return new Fetched(reply, null);
            }
            long size = Numbers.parseLong(reply.field(2), reply.rq());
            if (size != expectedSize) {
                close();
                throw new IOException("peer " + peer.name() + " announced " + size + " bytes, expected " + expectedSize);
            }
            MessageDigest digest = Sha256.newDigest();
            byte[] buf = new byte[BUFFER];
            long left = size;
            long position = offset;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    throw new IOException("peer " + peer.name() + " closed the connection " + left + " bytes short");
                }
                digest.update(buf, 0, r);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, r);
                while (bb.hasRemaining()) {
                    position += file.write(bb, position);
                }
                left -= r;
            }
            return new Fetched(reply, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException | MalformedMessageException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("bad reply from " + peer.name(), e);
        }
    }

    private void writeHeader(Message header) throws IOException {
        String line = Codec.format(header);
        WireTap.sent(who, line);
        LineIO.writeLine(out, line);
    }

    private Message readReply() throws IOException {
        String line = LineIO.readLine(in);
        if (line == null) {
            throw new IOException("peer " + peer.name() + " closed the connection");
        }
        try {
            return Codec.parse(line);
        } catch (MalformedMessageException e) {
            throw new IOException("peer " + peer.name() + " sent a malformed reply: " + e.getMessage(), e);
        }
    }

    private void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(peer.ip(), peer.tcpPort()), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.setTcpNoDelay(true);
            in = new BufferedInputStream(s.getInputStream(), BUFFER);
            out = new BufferedOutputStream(s.getOutputStream(), BUFFER);
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
            socket = null;
        }
    }
}
