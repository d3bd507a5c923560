package p2pbrs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UdpEndpointTest {
    /** A handler stuck on a slow database call does not stop the socket from being read. */
    @Test
    void aSlowHandlerDoesNotStopTheReceiver() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<String> handled = new LinkedBlockingQueue<>();
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UdpEndpoint endpoint = new UdpEndpoint(bind, "test", 1, 1, (data, from) -> {
                 String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
                 handled.add(text);
                 if (text.equals("slow")) {
                     try {
                         release.await(30, TimeUnit.SECONDS);
                     } catch (InterruptedException e) {
                         Thread.currentThread().interrupt();
                     }
                 }
             }).start();
             DatagramSocket client = new DatagramSocket(bind)) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), endpoint.port());
            send(client, "slow", to);
            assertEquals("slow", handled.poll(10, TimeUnit.SECONDS));
            // One worker is stuck and the queue holds one: the receiver keeps reading and drops the rest.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int sent = 0;
            while (endpoint.dropped() < 5) {
                assertTrue(System.nanoTime() < deadline, "the receiver stopped reading");
                send(client, "flood-" + sent++, to);
            }
            release.countDown();
            // As a peer would, resend until served: the queue may still be full a moment.
            long again = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean served = false;
            while (!served && System.nanoTime() < again) {
                send(client, "after", to);
                String next;
                while ((next = handled.poll(50, TimeUnit.MILLISECONDS)) != null) {
                    served |= next.equals("after");
                }
            }
            assertTrue(served, "served again once the slow call returned");
        }
    }

    private static void send(DatagramSocket socket, String text, InetSocketAddress to) throws Exception {
        byte[] data = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(data, data.length, to));
    }
}
