package p2pbrs.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;

/**
 * One UDP socket carrying the requests of many simulated peers, with up to a window of
 * them unanswered at once. The window adapts as TCP's does: it grows while answers come
 * on the first try and halves when one had to be sent again, so that the server is kept
 * busy without letting its queue grow past the retransmission timeout (which would only
 * make it answer the same requests twice). A request unanswered is sent again under the same RQ#, as a
 * real peer does (docs/protocol.md, "Reliability": 300 ms, doubling up to 3 s, 7 tries);
 * one never answered fails the run. RQ#s are numbered per socket, since the server tells
 * requests apart by source address and RQ#, not by identity.
 */
final class MetaLane implements AutoCloseable {
    static final long FIRST_TIMEOUT_NANOS = 300_000_000L;
    static final long MAX_TIMEOUT_NANOS = 3_000_000_000L;
    static final int TRIES = 7;
    private static final int MAX_RQ = 999_999_999;
    private static final int RECEIVE_BUFFER = 4 << 20;

    /** A request sent and not answered yet. */
    private static final class Pending {
        final MetaCall call;
        final byte[] datagram;
        final long firstSent;
        long timeout = FIRST_TIMEOUT_NANOS;
        long due;
        int tries = 1;

        Pending(MetaCall call, byte[] datagram, long now) {
            this.call = call;
            this.datagram = datagram;
            this.firstSent = now;
            this.due = now + timeout;
        }
    }

    private final DatagramChannel channel;
    private final Selector selector;
    private final InetSocketAddress server;
    private final ByteBuffer in = ByteBuffer.allocate(Codec.MAX_DATAGRAM_BYTES + 1);
    private int lastRq;
    private Congestion congestion;

    MetaLane(InetSocketAddress server) throws IOException {
        this.server = server;
        this.channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
        channel.bind(new InetSocketAddress(server.getAddress(), 0));
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    /** The port simulated peers on this socket give as theirs. */
    int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /**
     * Sends the source's requests, keeping up to window unanswered, until the source is
     * empty or the deadline has passed (and the source may stop), then waits for every
     * request sent to be answered.
     */
    MetaLaneResult run(MetaSource source, int window, long deadlineNanos) throws IOException {
        Map<String, Pending> unanswered = new HashMap<>();
        MetaLaneResult result = new MetaLaneResult();
        congestion = new Congestion(window);
        boolean open = true;
        while (true) {
            long now = System.nanoTime();
            if (open && now - deadlineNanos >= 0 && source.mayStop()) {
                open = false;
            }
            while (open && unanswered.size() < congestion.window()) {
                MetaCall call = source.next();
                if (call == null) {
                    open = false;
                    break;
                }
                String rq = nextRq();
                Pending p = new Pending(call, call.datagram(rq), System.nanoTime());
                unanswered.put(rq, p);
                send(p.datagram);
            }
            if (!open && unanswered.isEmpty()) {
                return result;
            }
            selector.select(Math.max(1, Math.min(50, (nextDue(unanswered) - System.nanoTime()) / 1_000_000)));
            selector.selectedKeys().clear();
            receive(unanswered, result);
            resendDue(unanswered, result);
        }
    }

    private String nextRq() {
        lastRq = lastRq >= MAX_RQ ? 1 : lastRq + 1;
        return Integer.toString(lastRq);
    }

    private void send(byte[] datagram) throws IOException {
        // A full socket buffer drops it here as the network would: the retry sends it again.
        channel.send(ByteBuffer.wrap(datagram), server);
    }

    private void receive(Map<String, Pending> unanswered, MetaLaneResult result) throws IOException {
        while (true) {
            in.clear();
            if (channel.receive(in) == null) {
                return;
            }
            long now = System.nanoTime();
            Message reply;
            try {
                reply = Codec.decode(in.array(), 0, in.position());
            } catch (MalformedMessageException e) {
                result.fail("a reply that does not parse: " + e.getMessage());
                continue;
            }
            // A late answer to a request already answered (it was sent twice) is dropped.
            Pending p = unanswered.remove(reply.rq());
            if (p == null) {
                continue;
            }
            if (reply.command() != p.call.answer()) {
                result.denied(p.call.kind().wireName() + " answered " + Codec.format(reply));
                continue;
            }
            if (p.tries == 1) {
                congestion.answered();
            }
            try {
                p.call.answered(reply);
                result.answered(now - p.firstSent);
            } catch (BenchException e) {
                result.fail(e.getMessage());
            }
        }
    }

    private void resendDue(Map<String, Pending> unanswered, MetaLaneResult result) throws IOException {
        long now = System.nanoTime();
        List<String> lost = new ArrayList<>();
        for (Iterator<Map.Entry<String, Pending>> it = unanswered.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pending> e = it.next();
            Pending p = e.getValue();
            if (now - p.due < 0) {
                continue;
            }
            if (p.tries >= TRIES) {
                lost.add(p.call.kind().wireName() + " " + e.getKey());
                it.remove();
                continue;
            }
            p.tries++;
            congestion.timedOut(now);
            p.timeout = Math.min(MAX_TIMEOUT_NANOS, p.timeout * 2);
            p.due = now + p.timeout;
            result.retransmitted();
            send(p.datagram);
        }
        for (String request : lost) {
            result.fail(request + " was never answered (" + TRIES + " tries)");
        }
    }

    private static long nextDue(Map<String, Pending> unanswered) {
        long next = System.nanoTime() + 50_000_000L;
        for (Pending p : unanswered.values()) {
            if (p.due - next < 0) {
                next = p.due;
            }
        }
        return next;
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
