package p2pbrs.peer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PlanPeer;

/**
 * A storage peer played by the test: a chunk port on loopback that answers each connection
 * as the test's script says, optionally registered at the server like any storage peer so
 * that plans name it. It can acknowledge what it keeps (STORE_ACK) and so hold copies a
 * restore will ask it for.
 */
final class FakeStoragePeer implements AutoCloseable {
    /** What the fake does with one accepted connection; returning or throwing closes it. */
    interface Script {
        void run(Connection c) throws Exception;
    }

    final String name;
    private final ServerSocket socket;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger rq = new AtomicInteger(700);
    private LocalCluster.RawUdp udp;
    private String token;

    private FakeStoragePeer(String name, Script script) throws IOException {
        this.name = name;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptLoop(script), "fake-" + name + "-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A chunk port nobody knows of: tests speak to it through a ChunkClient. */
    static FakeStoragePeer unregistered(String name, Script script) throws IOException {
        return new FakeStoragePeer(name, script);
    }

    /** A storage peer the server knows: its plans may name it. */
    static FakeStoragePeer registered(LocalCluster cluster, String name, long capacity, Script script)
            throws IOException {
        FakeStoragePeer fake = new FakeStoragePeer(name, script);
        fake.udp = cluster.udp();
        int port = fake.port();
        String token = p2pbrs.protocol.Tokens.generate();
        Message reply = fake.udp.message("REGISTER " + fake.rq.incrementAndGet() + " " + name + " STORAGE 127.0.0.1 "
                + port + " " + port + " " + capacity + "B token=" + token);
        fake.token = reply.command() == p2pbrs.protocol.Command.REGISTERED ? token : null;
        if (fake.token == null) {
            fake.close();
            throw new AssertionError("the fake storage peer was not registered: " + reply);
        }
        return fake;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** How an owner would find this peer in a plan (any ticket: the fake checks none). */
    PlanPeer planPeer() {
        return new PlanPeer(name, "127.0.0.1", port(), "0".repeat(32));
    }

    /** Reports a stored chunk to the server, as a storage peer does after its CHUNK_OK. */
    synchronized void storeAck(Message sendChunk) throws IOException {
        String reply = udp.call("STORE_ACK " + rq.incrementAndGet() + " " + sendChunk.field(0) + " "
                + sendChunk.field(1) + " owner=" + sendChunk.option("owner") + " version="
                + sendChunk.option("version") + " size=" + sendChunk.field(2) + " checksum=" + sendChunk.field(3)
                + " token=" + token);
        if (!reply.startsWith("ACK ")) {
            throw new AssertionError("STORE_ACK refused: " + reply);
        }
    }

    private void acceptLoop(Script script) {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return;
            }
            open.add(s);
            Thread t = new Thread(() -> {
                try (s) {
                    script.run(new Connection(s));
                } catch (Exception e) {
                    // The script ended the connection its own way.
                } finally {
                    open.remove(s);
                }
            }, "fake-" + name + "-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing more to do
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
        }
    }

    /** One accepted connection, seen as an owner's requests. */
    static final class Connection {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** The next request header, or null when the owner closed the connection. */
        Message readHeader() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    return null;
                }
                line.write(b);
            }
            return LocalCluster.parse(line.toString(StandardCharsets.UTF_8));
        }

        /** The body a SEND_CHUNK announces. */
        byte[] readBody(Message sendChunk) throws IOException {
            int size = Integer.parseInt(sendChunk.field(2));
            byte[] body = in.readNBytes(size);
            if (body.length != size) {
                throw new IOException("body cut short");
            }
            return body;
        }

        void send(String line) throws IOException {
            send((line + "\n").getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The honest answer to a SEND_CHUNK whose body was read. */
        void chunkOk(Message sendChunk) throws IOException {
            send(Codec.format(Message.of(Command.CHUNK_OK, sendChunk.rq(), sendChunk.field(0), sendChunk.field(1))));
        }
    }
}
