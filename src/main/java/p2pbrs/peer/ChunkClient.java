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
import p2pbrs.crypto.BadChunkException;
import p2pbrs.crypto.ChunkOpening;
import p2pbrs.crypto.ChunkSeal;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Sha256;
import p2pbrs.transport.LineIO;
import p2pbrs.transport.PacedInput;
import p2pbrs.transport.PacedOutput;
import p2pbrs.transport.TransferLimits;
import p2pbrs.transport.WireTap;

/**
 * The owner's connection to one storage peer, reused for many chunks. After a refusal or
 * an error the connection is dropped (the peer may have closed it) and the next use
 * connects again. A reply is untrusted input: anything but the answer the request expects,
 * echoing its RQ#, file and chunk, is an error for that copy, never taken at its word;
 * and it is held to the same {@link TransferLimits} as the storage peer holds the owner.
 */
final class ChunkClient implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    // An error quotes this much of an unexpected reply: enough to recognise it, not a flood.
    private static final int QUOTED_REPLY_CHARS = 120;

    private final String who;
    private final PlanPeer peer;
    private final TransferLimits limits;
    private Socket socket;
    private PacedInput reading;
    private PacedOutput writing;
    private InputStream in;
    private OutputStream out;

    ChunkClient(String who, PlanPeer peer, TransferLimits limits) {
        this.who = who;
        this.peer = peer;
        this.limits = limits;
    }

    PlanPeer peer() {
        return peer;
    }

    /**
     * Sends SEND_CHUNK and the bytes; returns the peer's CHUNK_OK or CHUNK_ERROR, checked
     * to answer this request. Any other reply is an IOException.
     */
    Message send(Message header, byte[] data, int length) throws IOException {
        connect();
        try {
            writing.expectBody();
            writeHeader(header);
            out.write(data, 0, length);
            out.flush();
            // The peer answers once the chunk is on its disk: the wait may take the idle timeout.
            reading.expectLine();
            Message reply = readReply(header, Command.CHUNK_OK);
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
     * they pass. A reply announcing another size than expected is refused unread. The peer
     * failing is an IOException; the file failing, a LocalWriteException.
     */
    Fetched fetch(Message header, FileChannel file, long offset, long expectedSize)
            throws IOException, LocalWriteException {
        try {
            Message reply = ask(header, expectedSize);
            if (reply.command() != Command.CHUNK_DATA) {
                return new Fetched(reply, null);
            }
            long size = expectedSize;
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
                position += writeAt(file, ByteBuffer.wrap(buf, 0, r), position);
                left -= r;
            }
            return new Fetched(reply, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException | LocalWriteException e) {
            // The body was not read to its end: the connection is out of step.
            close();
            throw e;
        }
    }

    /**
     * A sealed chunk fetched: the peer's header (CHUNK_DATA, or CHUNK_ERROR and nothing
     * else), the checksum of what was received when it was hashed, and whether it opened.
     */
    record FetchedSealed(Message header, String checksum, boolean opened) {
        boolean arrived() {
            return header.command() == Command.CHUNK_DATA;
        }
    }

    /**
     * Fetches a sealed chunk (GET_CHUNK) of storedSize bytes and opens it as it arrives:
     * each piece decrypted into the writer's batch (and hashed, if asked), which goes to its
     * place in the file (the chunk starting at offset) each time it fills, the tag checked
     * at the end. What was written stands only if the chunk opened (and had the checksum
     * expected, when hashed); otherwise another copy is to be written over it.
     */
    FetchedSealed fetchSealed(Message header, FileChannel file, PartWriter writer, long offset, int storedSize,
                              ChunkOpening opening, boolean hashing) throws IOException, LocalWriteException {
        try {
            Message reply = ask(header, storedSize);
            if (reply.command() != Command.CHUNK_DATA) {
                return new FetchedSealed(reply, null, false);
            }
            MessageDigest digest = hashing ? Sha256.newDigest() : null;
            byte[] buf = new byte[BUFFER];
            readFully(buf, ChunkSeal.HEADER_BYTES, digest);
            boolean opens = true;
            try {
                opening.begin(buf, 0);
            } catch (BadChunkException e) {
                opens = false;
            }
            writer.start(file, offset);
            long left = storedSize - ChunkSeal.OVERHEAD;
            int piece = Math.min(buf.length, writer.largestPiece());
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(piece, left));
                if (r < 0) {
                    throw new IOException("peer " + peer.name() + " closed the connection " + left + " bytes short");
                }
                if (digest != null) {
                    digest.update(buf, 0, r);
                }
                left -= r;
                if (opens) {
                    opening.update(buf, 0, r, writer.batch(), writer.room(r));
                    writer.added(r);
                }
            }
            if (opens) {
                writer.finish();
            }
            readFully(buf, ChunkSeal.TAG_BYTES, digest);
            opens = opens && opening.finish(buf, 0);
            return new FetchedSealed(reply, digest == null ? null : HexFormat.of().formatHex(digest.digest()), opens);
        } catch (IOException | LocalWriteException e) {
            close();
            throw e;
        }
    }

    // Reads length bytes into buf, hashing them unless digest is null.
    private void readFully(byte[] buf, int length, MessageDigest digest) throws IOException {
        int done = 0;
        while (done < length) {
            int r = in.read(buf, done, length - done);
            if (r < 0) {
                throw new IOException("peer " + peer.name() + " closed the connection " + (length - done)
                        + " bytes short");
            }
            done += r;
        }
        if (digest != null) {
            digest.update(buf, 0, length);
        }
    }

    /**
     * Sends GET_CHUNK and reads the reply line: CHUNK_DATA announcing the size expected,
     * with its body next on the stream, or CHUNK_ERROR (the connection then closed).
     */
    private Message ask(Message header, long expectedSize) throws IOException {
        connect();
        writing.expectControl();
        writeHeader(header);
        out.flush();
        reading.expectLine();
        Message reply = readReply(header, Command.CHUNK_DATA);
        if (reply.command() != Command.CHUNK_DATA) {
            close();
            return reply;
        }
        long size = Long.parseLong(reply.field(2));
        if (size != expectedSize) {
            close();
            throw new IOException("peer " + peer.name() + " announced " + size + " bytes, expected " + expectedSize);
        }
        reading.expectBody();
        return reply;
    }

    /** Writes all the bytes at the position; a failure is this machine's, not the peer's. */
    private static int writeAt(FileChannel file, ByteBuffer bytes, long position) throws LocalWriteException {
        int written = 0;
        try {
            while (bytes.hasRemaining()) {
                written += file.write(bytes, position + written);
            }
        } catch (IOException e) {
            throw new LocalWriteException(e);
        }
        return written;
    }

    private void writeHeader(Message header) throws IOException {
        String line = Codec.format(header);
        WireTap.sent(who, line);
        LineIO.writeLine(out, line);
    }

    /**
     * The reply to request: the expected command or CHUNK_ERROR, with the request's RQ#,
     * file and chunk, and for CHUNK_DATA a size and a checksum that parse.
     */
    private Message readReply(Message request, Command expected) throws IOException {
        String line = LineIO.readLine(in);
        if (line == null) {
            throw new IOException("peer " + peer.name() + " closed the connection");
        }
        Message reply;
        try {
            reply = Codec.parse(line);
        } catch (MalformedMessageException e) {
            throw unexpected(request, line, "malformed: " + e.getMessage());
        }
        if (reply.command() != expected && reply.command() != Command.CHUNK_ERROR) {
            throw unexpected(request, line, "expected " + expected.wireName() + " or CHUNK_ERROR");
        }
        if (!reply.rq().equals(request.rq()) || !reply.field(0).equals(request.field(0))
                || !reply.field(1).equals(request.field(1))) {
            throw unexpected(request, line, "it does not echo the request's RQ#, file and chunk");
        }
        if (reply.command() == Command.CHUNK_DATA) {
            try {
                Numbers.parseLong(reply.field(2), reply.rq());
                Numbers.checksum(reply.field(3), reply.rq());
            } catch (MalformedMessageException e) {
                throw unexpected(request, line, e.getMessage());
            }
        }
        return reply;
    }

    private IOException unexpected(Message request, String line, String why) {
        String quoted = line.length() <= QUOTED_REPLY_CHARS ? line : line.substring(0, QUOTED_REPLY_CHARS) + "...";
        return new IOException("peer " + peer.name() + " answered " + request.command().wireName() + " "
                + request.rq() + " with '" + quoted + "': " + why);
    }

    private void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(peer.ip(), peer.tcpPort()), limits.idleMillis());
            s.setTcpNoDelay(true);
            reading = new PacedInput(s, limits);
            writing = new PacedOutput(s, limits);
            in = new BufferedInputStream(reading, BUFFER);
            out = new BufferedOutputStream(writing, BUFFER);
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
