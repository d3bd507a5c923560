package p2pbrs.peer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Sha256;
import p2pbrs.server.MetadataServer;
import p2pbrs.server.ServerConfig;
import p2pbrs.transport.RetryPolicy;

/**
 * A metadata server and peers in this JVM, on loopback, ports chosen by the system, all
 * their files under one folder; plus the raw UDP and TCP clients the refusal tests speak
 * through. Closing it closes everything it started.
 */
final class LocalCluster implements AutoCloseable {
    /** Small chunks keep the tests fast while files still span many chunks. */
    static final int CHUNK = 64 * 1024;
    /** A whole chunk as storage peers keep it: sealed, so its format's overhead longer. */
    static final int SEALED = CHUNK + p2pbrs.protocol.ChunkFormats.SEALED_V1_OVERHEAD;
    static final long GIB = 1L << 30;

    final Path dir;
    private final ServerConfig serverConfig;
    MetadataServer server;
    // Where the server listens, known even while it is stopped.
    private int serverPort;
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private final Map<String, ByteArrayOutputStream> outputs = new LinkedHashMap<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    // The data key of each peer that printed a recovery key: what its chunks are sealed with.
    private final Map<String, p2pbrs.crypto.DataKey> dataKeys = new LinkedHashMap<>();

    /** An owner's public id that no server issued: what a forger would put in owner=. */
    static final String FORGER = "f0".repeat(16);
    private static final Map<String, String> PUBLIC_IDS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The public id the server gave the identity of a token registered through {@link RawUdp}. */
    static String idOf(String token) {
        return PUBLIC_IDS.get(token);
    }

    LocalCluster(Path dir, UnaryOperator<ServerConfig> tweak) throws IOException {
        this.dir = dir;
        this.serverConfig = tweak.apply(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration()
                .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0).withChunkSize(CHUNK).withReplicas(2)
                // Released as soon as a plan expires: test peers share one clock.
                .withTicketGrace(java.time.Duration.ZERO).withReleaseGrace(java.time.Duration.ZERO));
        this.server = MetadataServer.start(serverConfig);
        this.serverPort = server.udpPort();
    }

    /** Starts the server again on its database and port, after {@code server.close()}. */
    void restartServer(int port) throws IOException {
        server = MetadataServer.start(serverConfig.withUdpPort(port));
    }

    LocalCluster(Path dir) throws IOException {
        this(dir, c -> c);
    }

    Peer start(String name, Role role, long capacity) throws Exception {
        return start(name, role, capacity, 5_000, null);
    }

    /** Starts a peer; with a token it takes back (or re-binds) the name that token owns. */
    Peer start(String name, Role role, long capacity, int tcpTimeoutMillis, String token) throws Exception {
        return start(name, role, capacity, tcpTimeoutMillis, token, 16);
    }

    /** Starts a peer serving at most maxConnections chunk connections at once. */
    Peer start(String name, Role role, long capacity, int tcpTimeoutMillis, String token, int maxConnections)
            throws Exception {
        return start(name, role, capacity, tcpTimeoutMillis, token, maxConnections,
                PeerConfig.DEFAULT_HEARTBEAT_INTERVAL);
    }

    /** Starts a peer with the usual limits that sends its heartbeats this often (short liveness tests). */
    Peer start(String name, Role role, long capacity, java.time.Duration heartbeat) throws Exception {
        return start(name, role, capacity, 5_000, null, 16, heartbeat);
    }

    /** Starts a peer that sends its heartbeats this often. */
    Peer start(String name, Role role, long capacity, int tcpTimeoutMillis, String token, int maxConnections,
               java.time.Duration heartbeat) throws Exception {
        return start(name, role, capacity, tcpTimeoutMillis, token, maxConnections, heartbeat,
                PeerConfig.DEFAULT_SCRUB_RATE, PeerConfig.DEFAULT_SCRUB_INTERVAL);
    }

    /** Starts a peer that scrubs its chunks at this rate (bytes a second), once at start and then every interval. */
    Peer start(String name, Role role, long capacity, java.time.Duration heartbeat, long scrubRate,
               java.time.Duration scrubInterval) throws Exception {
        return start(name, role, capacity, 5_000, null, 16, heartbeat, scrubRate, scrubInterval);
    }

    private Peer start(String name, Role role, long capacity, int tcpTimeoutMillis, String token, int maxConnections,
                       java.time.Duration heartbeat, long scrubRate, java.time.Duration scrubInterval)
            throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PeerConfig config = new PeerConfig(name, role, new InetSocketAddress("127.0.0.1", serverPort),
                "127.0.0.1", 0, 0, capacity, storage(name), dir.resolve("db-" + name), token, null,
                new RetryPolicy(100, 1000, 6), restoreDir(name), true, tcpTimeoutMillis, maxConnections,
                heartbeat, scrubRate, scrubInterval);
        Peer peer = Peer.start(config, new PrintStream(output, true, StandardCharsets.UTF_8));
        peers.put(name, peer);
        outputs.put(name, output);
        output.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RECOVERY-KEY "))
                .forEach(l -> dataKeys.put(name, p2pbrs.crypto.RecoveryKey.parse(l.substring(13)).dataKey()));
        return peer;
    }

    Peer peer(String name) {
        return peers.get(name);
    }

    Path storage(String name) {
        return dir.resolve("storage-" + name);
    }

    Path restoreDir(String name) {
        return dir.resolve("restored-" + name).toAbsolutePath().normalize();
    }

    /** What a peer printed (READY, RECOVERY-KEY, REGISTERED ...). */
    String output(String name) {
        return outputs.get(name).toString(StandardCharsets.UTF_8);
    }

    /** The recovery key a peer printed at its first registration: its token and its data key. */
    String recoveryKey(String name) {
        return output(name).lines().filter(l -> l.startsWith("RECOVERY-KEY ")).map(l -> l.substring(13))
                .findFirst().orElseThrow(() -> new AssertionError(name + " printed no recovery key: " + output(name)));
    }

    /**
     * The token of a peer, from the recovery key it printed: what its requests carry and its
     * ticket key comes from. Started again with it (not the whole recovery key), a peer keeps
     * the data key in its database.
     */
    String token(String name) {
        return p2pbrs.crypto.RecoveryKey.parse(recoveryKey(name)).token();
    }

    /** The chunk files on a storage peer's disk, sorted. */
    List<Path> chunkFiles(String name) throws IOException {
        Path chunks = storage(name).resolve("chunks");
        if (!Files.isDirectory(chunks)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(chunks)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Where a storage peer keeps the chunk with this checksum. */
    Path chunkFile(String name, String checksum) {
        return storage(name).resolve("chunks").resolve(checksum.substring(0, 2)).resolve(checksum);
    }

    /**
     * Where a storage peer keeps chunk i of data, as some owner here sealed it (sealing is
     * deterministic: the same chunk under the same key gives the same bytes), or as it is
     * for a version stored unsealed: the first of these on the peer's disk, else the chunk
     * as the first owner would seal it.
     */
    Path chunkFile(String name, byte[] data, int i) {
        byte[] plain = chunkOf(data, i);
        List<Path> candidates = new ArrayList<>();
        for (p2pbrs.crypto.DataKey key : dataKeys.values()) {
            candidates.add(chunkFile(name, sha256(sealed(key, plain))));
        }
        candidates.add(chunkFile(name, sha256(plain)));
        return candidates.stream().filter(Files::exists).findFirst().orElse(candidates.get(0));
    }

    /** A chunk as its owner's data key seals it. */
    static byte[] sealed(p2pbrs.crypto.DataKey key, byte[] plain) {
        byte[] out = new byte[plain.length + p2pbrs.crypto.ChunkSeal.OVERHEAD];
        new p2pbrs.crypto.ChunkSeal(key).seal(plain, 0, plain.length, out, 0);
        return out;
    }

    /** The data key a peer printed with its recovery key. */
    p2pbrs.crypto.DataKey dataKey(String name) {
        return java.util.Objects.requireNonNull(dataKeys.get(name), name + " printed no recovery key");
    }

    /** Flips one bit of a file in place: the same size, other bytes. */
    static void flipABit(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 3] ^= 0x10;
        Files.write(file, bytes);
    }

    /** Bytes of chunk files on a storage peer's disk. */
    long bytesOnDisk(String name) throws IOException {
        long sum = 0;
        for (Path p : chunkFiles(name)) {
            sum += Files.size(p);
        }
        return sum;
    }

    /** Writes a source file to back up, in its own folder, under exactly this name. */
    Path source(String name, byte[] data) throws IOException {
        Path file = dir.resolve("src").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, data);
    }

    RawUdp udp() throws IOException {
        RawUdp udp = new RawUdp(serverPort);
        clients.add(udp);
        return udp;
    }

    RawTcp tcp(Peer storagePeer) throws IOException {
        return tcp(storagePeer.tcpPort());
    }

    RawTcp tcp(int port) throws IOException {
        RawTcp tcp = new RawTcp(port);
        clients.add(tcp);
        return tcp;
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                // closing: nothing more to do
            }
        }
        for (Peer p : peers.values()) {
            p.close();
        }
        // Whatever the test did, the counters the reports read still agree with the copies.
        List<String> wrong;
        try (ServerRecords records = new ServerRecords(serverConfig.db())) {
            wrong = records.counterMismatches();
        } finally {
            server.close();
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError("counters out of step with the copies: " + wrong);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static String sha256(byte[] data) {
        return Sha256.hex(data);
    }

    /** The bytes of chunk i of data, under the cluster's chunk size. */
    static byte[] chunkOf(byte[] data, int i) {
        return java.util.Arrays.copyOfRange(data, i * CHUNK, Math.min(data.length, (i + 1) * CHUNK));
    }

    /**
     * Runs an attempt every so often until it returns non-null, and returns that; fails when
     * the deadline passes first. The waiting is a scheduler's, not a sleeping test thread's.
     */
    static <T> T poll(Duration every, Duration within, Callable<T> attempt) throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-poll");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicReference<Exception> last = new AtomicReference<>();
        timer.scheduleWithFixedDelay(() -> {
            if (result.isDone()) {
                return;
            }
            try {
                T value = attempt.call();
                if (value != null) {
                    result.complete(value);
                }
            } catch (Exception e) {
                last.set(e);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return result.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not so within " + within + "; last failure: " + last.get(), last.get());
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * A raw UDP client speaking to the server from one fixed socket, so that a repeated
     * request comes from the same sender. A datagram that is neither the reply it waits for
     * nor a copy of a reply an earlier call got (the answer to a resent copy) fails the
     * test: a reply under another RQ#, or an ERROR 0, is a fault to see, not noise.
     */
    static final class RawUdp implements AutoCloseable {
        private final DatagramSocket socket;
        private final InetSocketAddress server;
        private final Set<String> answered = new HashSet<>();

        RawUdp(int serverPort) throws IOException {
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        }

        /** Sends the text, resending it unchanged until the reply with its RQ# arrives; returns the reply text. */
        String call(String request) throws IOException {
            byte[] data = request.getBytes(StandardCharsets.UTF_8);
            String[] words = request.split(" ", 3);
            String rq = words.length > 1 && words[1].matches("[0-9]{1,9}") ? words[1] : "0";
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            byte[] buf = new byte[2048];
            drain(buf, request);
            while (System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(data, data.length, server));
                long resendAt = System.nanoTime() + Duration.ofMillis(500).toNanos();
                while (System.nanoTime() < resendAt) {
                    DatagramPacket packet = new DatagramPacket(buf, buf.length);
                    socket.setSoTimeout((int) Math.max(1, (resendAt - System.nanoTime()) / 1_000_000));
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    String reply = new String(buf, 0, packet.getLength(), StandardCharsets.UTF_8);
                    String[] replyWords = reply.split(" ", 3);
                    if (replyWords.length > 1 && replyWords[1].equals(rq)) {
                        answered.add(reply);
                        return reply;
                    }
                    expected(reply, request);
                }
            }
            throw new AssertionError("no reply to '" + request + "'");
        }

        // Late duplicates of earlier replies must not pass for the answer to a new request
        // (a test may reuse an RQ#); anything else waiting here is a stray reply.
        private void drain(byte[] buf, String request) throws IOException {
            socket.setSoTimeout(1);
            while (true) {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    return;
                }
                expected(new String(buf, 0, packet.getLength(), StandardCharsets.UTF_8), request);
            }
        }

        private void expected(String datagram, String request) {
            if (!answered.contains(datagram)) {
                throw new AssertionError("while asking '" + request + "', received what answers nothing asked: '"
                        + datagram + "'");
            }
        }

        Message message(String request) throws IOException {
            return parse(call(request));
        }

        /** Registers a new peer by hand, with a token of its own, and returns the token. */
        String register(String rq, String name, Role role, long capacity) throws IOException {
            String token = p2pbrs.protocol.Tokens.generate();
            Message reply = message("REGISTER " + rq + " " + name + " " + role + " 127.0.0.1 40000 40001 "
                    + capacity + "B token=" + token);
            if (reply.command() != p2pbrs.protocol.Command.REGISTERED || reply.option("id") == null) {
                throw new AssertionError("not registered: " + reply);
            }
            PUBLIC_IDS.put(token, reply.option("id"));
            return token;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** A raw TCP connection to a storage peer's chunk port. */
    static final class RawTcp implements AutoCloseable {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        RawTcp(int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** Sends a header line and a body, returns the reply line parsed. */
        Message exchange(String header, byte[] body) throws IOException {
            write((header + "\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                write(body);
            }
            return readMessage();
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        Message readMessage() throws IOException {
            String line = readLineOrNull();
            if (line == null) {
                throw new AssertionError("the peer closed the connection without a reply");
            }
            return parse(line);
        }

        /** The next reply line, or null when the peer closes (or resets) the connection first. */
        String readLineOrNull() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no reply within " + socket.getSoTimeout() + " ms", e);
                } catch (IOException reset) {
                    b = -1;
                }
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (b < 0) {
                    if (line.size() > 0) {
                        throw new AssertionError("connection closed inside a reply: '"
                                + line.toString(StandardCharsets.UTF_8) + "'");
                    }
                    return null;
                }
                line.write(b);
            }
        }

        /**
         * Whether the peer closed the connection within the deadline: read() gives -1 (or
         * the connection is reset) rather than timing out or delivering bytes.
         */
        boolean closedWithin(Duration deadline) throws IOException {
            socket.setSoTimeout((int) deadline.toMillis());
            try {
                return in.read() == -1;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The SEND_CHUNK header an honest owner writes for chunk idx of a BACKUP_PLAN, to the peer at slot. */
    static String sendChunk(Message plan, String owner, String rq, int idx, byte[] chunk, int slot)
            throws MalformedMessageException {
        List<String> peers = p2pbrs.protocol.WireList.parse(plan.field(1), plan.rq());
        return Codec.format(Message.of(p2pbrs.protocol.Command.SEND_CHUNK, rq, plan.option("chunk_name"),
                        Integer.toString(idx),
                        Integer.toString(chunk.length), sha256(chunk))
                .withOption("owner", owner)
                .withOption("version", plan.option("version"))
                .withOption("file_size", plan.option("size"))
                .withOption("chunk_size", plan.field(2))
                .withOption("peers", Integer.toString(peers.size()))
                .withOption("replicas", plan.option("replicas"))
                .withOption("slot", Integer.toString(slot))
                .withOption("expires", plan.option("expires"))
                .withOption("ticket", p2pbrs.protocol.PlanPeer.parse(peers.get(slot), plan.rq()).ticket()));
    }

    /**
     * Sends one datagram from this socket and returns the reply's text: how a test plays
     * the server (or a stranger) towards a peer.
     */
    static String ask(DatagramSocket socket, InetSocketAddress to, Message request) throws IOException {
        byte[] bytes = Codec.encode(request);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
        byte[] buf = new byte[2048];
        DatagramPacket reply = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout(5_000);
        try {
            socket.receive(reply);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no reply to " + Codec.format(request));
        }
        return new String(buf, 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    static Message parse(String text) {
        try {
            return Codec.parse(text);
        } catch (MalformedMessageException e) {
            throw new AssertionError("unparsable reply '" + text + "': " + e.getMessage(), e);
        }
    }
}
