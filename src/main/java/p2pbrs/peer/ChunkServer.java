package p2pbrs.peer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.PeerRequests;
import p2pbrs.protocol.Placement;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Tickets;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.LineIO;
import p2pbrs.transport.PacedInput;
import p2pbrs.transport.PacedOutput;
import p2pbrs.transport.RateLimitedLog;
import p2pbrs.transport.TransferLimits;
import p2pbrs.transport.WireTap;

/**
 * The storage side of chunk transfer over TCP: SEND_CHUNK (store a chunk the server
 * planned here, from its owner) and GET_CHUNK (hand a chunk back to its owner). Each
 * connection has its own thread, from a bounded pool, and holds it only while it keeps to
 * the {@link TransferLimits}: a header line is due whole within a bounded time, a body
 * must keep a minimum rate, and a connection idle past the idle timeout is closed. A
 * header never makes the peer allocate what it announces.
 */
final class ChunkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkServer.class);
    // The largest chunk size plus what a chunk format may add to it.
    private static final long MAX_CHUNK_BYTES = (64L << 20) + PeerRequests.MAX_OVERHEAD;

    /** Told of every chunk stored, to report it to the server (off the data path). */
    interface StoredListener {
        void stored(String wireName, int idx, String owner, int version, long size, String checksum);
    }

    private final ServerSocket socket;
    private final String peerName;
    private final boolean stores;
    private final ChunkStore store;
    private final ChunkIndex index;
    private final Supplier<String> ticketKey;
    private final StoredListener listener;
    private final TransferLimits limits;
    private final ThreadPoolExecutor connections;
    private final Thread acceptor;
    private final RateLimitedLog badInput = new RateLimitedLog(LOG, 5, 10_000);
    private volatile boolean closed;

    ChunkServer(ServerSocket socket, String peerName, boolean stores, ChunkStore store, ChunkIndex index,
                Supplier<String> ticketKey, StoredListener listener, int maxConnections, TransferLimits limits) {
        this.socket = socket;
        this.peerName = peerName;
        this.stores = stores;
        this.store = store;
        this.index = index;
        this.ticketKey = ticketKey;
        this.listener = listener;
        this.limits = limits;
        this.connections = new ThreadPoolExecutor(0, maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered("peer-" + peerName + "-tcp"));
        this.acceptor = DaemonThreads.named(this::acceptLoop, "peer-" + peerName + "-tcp-acceptor");
    }

    void start() {
        acceptor.start();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    badInput.warn("accept failed: {}", e.toString());
                }
                continue;
            }
            try {
                connections.execute(() -> serve(s));
            } catch (RejectedExecutionException e) {
                // Every connection thread is busy: refuse this one rather than queue it unboundedly.
                badInput.warn("too many chunk connections; refused one from {}", s.getRemoteSocketAddress());
                closeQuietly(s);
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            PacedInput reading = new PacedInput(s, limits);
            PacedOutput writing = new PacedOutput(s, limits);
            InputStream in = new BufferedInputStream(reading, 64 * 1024);
            OutputStream out = new BufferedOutputStream(writing, 64 * 1024);
            // A client that connects has a request ready: it gets no idle wait before it.
            reading.expectFirstLine();
            String line;
            while ((line = LineIO.readLine(in)) != null) {
                Message request;
                try {
                    request = Codec.parse(line);
                } catch (MalformedMessageException e) {
                    reply(out, Message.of(Command.CHUNK_ERROR, e.rq(), "-", "0", e.reason()));
                    return;
                }
                // What follows a request header is its body, read or written at the minimum rate.
                boolean keepOpen = switch (request.command()) {
                    case SEND_CHUNK -> {
                        reading.expectBody();
                        yield receive(request, in, out);
                    }
                    case GET_CHUNK -> {
                        writing.expectBody();
                        yield send(request, out);
                    }
                    default -> {
                        reply(out, Message.of(Command.CHUNK_ERROR, request.rq(), "-", "0", Reason.NOT_SERVED));
                        yield false;
                    }
                };
                if (!keepOpen) {
                    return;
                }
                writing.expectControl();
                reading.expectLine();
            }
        } catch (SocketTimeoutException e) {
            badInput.warn("closed the chunk connection from {}: {}", s.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException e) {
            if (!closed) {
                badInput.warn("chunk connection from {} failed: {}", s.getRemoteSocketAddress(), e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("chunk connection from {} failed", s.getRemoteSocketAddress(), e);
        }
    }

    /** SEND_CHUNK: returns whether the connection can carry more (the body was consumed). */
    private boolean receive(Message request, InputStream in, OutputStream out) throws IOException {
        String rq = request.rq();
        String wireName = request.field(0);
        String idxText = request.field(1);
        IndexedChunk chunk;
        try {
            chunk = checkSend(request);
        } catch (Refusal r) {
            reply(out, Message.of(Command.CHUNK_ERROR, rq, wireName, idxText, r.reason));
            return false;
        } catch (MalformedMessageException e) {
            reply(out, Message.of(Command.CHUNK_ERROR, rq, wireName, idxText, e.reason()));
            return false;
        }
        Lock lock = store.lockOf(chunk.checksum());
        lock.lock();
        try {
            store.receive(in, chunk.size(), chunk.checksum());
            index.put(chunk);
            // Before CHUNK_OK: the listener records the STORE_ACK it owes durably, so a peer
            // stopped right after the CHUNK_OK still reports the chunk.
            listener.stored(wireName, chunk.idx(), chunk.owner(), chunk.version(), chunk.size(), chunk.checksum());
        } catch (ChunkStore.ChunkException e) {
            badInput.warn("refused chunk {} of {}: {}", idxText, wireName, e.getMessage());
            reply(out, Message.of(Command.CHUNK_ERROR, rq, wireName, idxText, e.reason()));
            // A refused or short body leaves the stream where it cannot be trusted.
            return Reason.CHECKSUM_MISMATCH.equals(e.reason());
        } catch (IOException | RuntimeException e) {
            LOG.error("storing chunk {} of {} failed", idxText, wireName, e);
            reply(out, Message.of(Command.CHUNK_ERROR, rq, wireName, idxText, Reason.STORAGE_FAILED));
            return false;
        } finally {
            lock.unlock();
        }
        reply(out, Message.of(Command.CHUNK_OK, rq, wireName, idxText));
        return true;
    }

    private IndexedChunk checkSend(Message m) throws MalformedMessageException, Refusal {
        if (!stores) {
            throw new Refusal(Reason.NOT_STORAGE);
        }
        if ("1".equals(m.option("repair"))) {
            return checkRepair(PeerRequests.repairChunk(m));
        }
        PeerRequest.SendChunk req = PeerRequests.sendChunk(m);
        String wireName = req.file().wire();
        int idx = req.chunk();
        long size = req.size();
        String checksum = req.checksum();
        String owner = req.owner();
        int version = req.version();
        long fileSize = req.fileSize();
        long chunkSize = req.chunkSize();
        int slot = req.slot();
        long expires = req.expires();
        if (chunkSize > MAX_CHUNK_BYTES || size > MAX_CHUNK_BYTES) {
            throw new Refusal(Reason.TOO_LARGE);
        }
        Placement placement;
        try {
            placement = new Placement(fileSize, chunkSize, req.peers(), req.replicas(), req.overhead());
        } catch (IllegalArgumentException e) {
            throw new Refusal(Reason.BAD_TICKET);
        }
        String key = ticketKey.get();
        if (key == null || !Tickets.same(Tickets.store(key, owner, wireName, version, placement, slot, expires),
                req.ticket())) {
            throw new Refusal(Reason.BAD_TICKET);
        }
        if (expires + Tickets.GRACE_SECONDS < System.currentTimeMillis() / 1000) {
            throw new Refusal(Reason.TICKET_EXPIRED);
        }
        if (idx >= placement.chunkCount() || !placement.assigned(idx, slot)) {
            throw new Refusal(Reason.NOT_PLANNED);
        }
        if (placement.sizeOf(idx) != size) {
            throw new Refusal(Reason.INCOMPLETE_DATA);
        }
        return new IndexedChunk(owner, req.file().name(), version, idx, size, checksum, fileSize,
                placement.chunkCount(), ChunkStore.relativePath(checksum));
    }

    /** A repair's SEND_CHUNK: one chunk, allowed by a repair ticket the server signed for this peer. */
    private IndexedChunk checkRepair(PeerRequest.RepairChunk req) throws Refusal {
        if (req.chunkSize() > MAX_CHUNK_BYTES || req.size() > MAX_CHUNK_BYTES) {
            throw new Refusal(Reason.TOO_LARGE);
        }
        String key = ticketKey.get();
        if (key == null || !Tickets.same(Tickets.repair(key, req.owner(), req.file().wire(), req.version(), req.chunk(),
                req.size(), req.checksum(), req.fileSize(), req.chunkSize(), req.expires()), req.ticket())) {
            throw new Refusal(Reason.BAD_TICKET);
        }
        if (req.expires() + Tickets.GRACE_SECONDS < System.currentTimeMillis() / 1000) {
            throw new Refusal(Reason.TICKET_EXPIRED);
        }
        int chunks;
        try {
            chunks = Placement.chunkCount(req.fileSize(), req.chunkSize());
        } catch (IllegalArgumentException e) {
            throw new Refusal(Reason.BAD_TICKET);
        }
        return new IndexedChunk(req.owner(), req.file().name(), req.version(), req.chunk(), req.size(),
                req.checksum(), req.fileSize(), chunks, ChunkStore.relativePath(req.checksum()));
    }

    /** GET_CHUNK: returns whether the connection can carry more. */
    private boolean send(Message m, OutputStream out) throws IOException {
        String rq = m.rq();
        String wireName = m.field(0);
        String idxText = m.field(1);
        IndexedChunk chunk;
        try {
            PeerRequest.GetChunk req = PeerRequests.getChunk(m);
            String key = ticketKey.get();
            if (key == null || !Tickets.same(Tickets.fetch(key, req.owner(), wireName, req.version(), req.expires()),
                    req.ticket())) {
                throw new Refusal(Reason.BAD_TICKET);
            }
            if (req.expires() + Tickets.GRACE_SECONDS < System.currentTimeMillis() / 1000) {
                throw new Refusal(Reason.TICKET_EXPIRED);
            }
            chunk = index.find(req.owner(), req.file().name(), req.version(), req.chunk()).orElseThrow(() -> new Refusal(Reason.NOT_FOUND));
            if (!store.has(chunk.checksum(), chunk.size())) {
                throw new Refusal(Reason.NOT_FOUND);
            }
        } catch (Refusal r) {
            reply(out, Message.of(Command.CHUNK_ERROR, rq, wireName, idxText, r.reason));
            // A chunk this owner's copy lacks keeps the connection; a bad ticket does not, so
            // that nobody holds a connection slot with requests no ticket covers.
            return Reason.NOT_FOUND.equals(r.reason);
        } catch (MalformedMessageException e) {
            reply(out, Message.of(Command.CHUNK_ERROR, rq, wireName, idxText, e.reason()));
            return false;
        }
        Message header = Message.of(Command.CHUNK_DATA, rq, wireName, idxText, Long.toString(chunk.size()),
                chunk.checksum());
        WireTap.sent(peerName, Codec.format(header));
        LineIO.writeLine(out, Codec.format(header));
        store.copyTo(chunk.checksum(), out);
        out.flush();
        return true;
    }

    private void reply(OutputStream out, Message reply) throws IOException {
        String line = Codec.format(reply);
        WireTap.sent(peerName, line);
        LineIO.writeLine(out, line);
        out.flush();
    }

    /** A request refused with a Reason, the connection still sound. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Refusal(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
        connections.shutdownNow();
    }
}
