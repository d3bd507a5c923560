package p2pbrs.peer;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;

/**
 * Plays a stopped server on its address: keeps every datagram a peer sends there, in the
 * order they came (its heartbeats, its STORE_ACKs, the replies to what the test asks it),
 * and answers none. How a test sees what a peer would have told its server.
 */
final class ServerStandIn implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<Message> heard = new CopyOnWriteArrayList<>();

    ServerStandIn(int port) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
        Thread listener = new Thread(this::listen, "server-stand-in");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
                heard.add(Codec.decode(packet.getData(), 0, packet.getLength()));
            } catch (MalformedMessageException e) {
                // Not a message: nothing a peer would send; the test sees it missing.
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Sends a request to a peer, from the server's address, and returns the peer's reply to it. */
    Message ask(InetSocketAddress peer, Message request) throws Exception {
        byte[] bytes = Codec.encode(request);
        socket.send(new DatagramPacket(bytes, bytes.length, peer));
        return LocalCluster.poll(Duration.ofMillis(10), Duration.ofSeconds(5), () -> heard.stream()
                .filter(m -> m.command().isReply() && m.rq().equals(request.rq())).findFirst().orElse(null));
    }

    /** How many datagrams have come so far: a mark to look at what comes after. */
    int mark() {
        return heard.size();
    }

    /** The STORE_ACKs for a chunk of this file (as it travels) that came after the mark. */
    long storeAcksSince(int mark, String wireName) {
        List<Message> all = List.copyOf(heard);
        return all.subList(mark, all.size()).stream()
                .filter(m -> m.command() == Command.STORE_ACK && m.field(0).equals(wireName))
                .count();
    }

    @Override
    public void close() {
        socket.close();
    }
}
