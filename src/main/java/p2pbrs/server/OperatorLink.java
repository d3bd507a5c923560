package p2pbrs.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.NoReplyException;
import p2pbrs.transport.RequestClient;
import p2pbrs.transport.RetryPolicy;
import p2pbrs.transport.UdpEndpoint;

/**
 * The door the operator's commands (invite, fsck) use on the server's machine: a request
 * signed with the admin key from {@code <db>.keys}, which only the server's user can read,
 * sent to where {@code <db>.access} says the server listens.
 */
final class OperatorLink {
    private OperatorLink() {
    }

    /** The server's keys, or a clear error saying who may run the command. */
    static ServerKeys keys(Path db) throws IOException {
        try {
            return ServerKeys.load(db);
        } catch (IOException e) {
            throw new IOException("cannot read the server's key file " + ServerKeys.file(db)
                    + " (run this on the server's machine, as the server's user, with the server's --db): "
                    + e.getMessage(), e);
        }
    }

    /** Sends the request, signed, and waits for its reply; NoReplyException when nothing answers. */
    static Message call(ServerKeys keys, InetSocketAddress server, Message unsigned, RetryPolicy retry)
            throws IOException, NoReplyException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("operator"));
        AtomicReference<RequestClient> client = new AtomicReference<>();
        try (UdpEndpoint endpoint = new UdpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "operator", 1, 16, (data, from) -> {
                    try {
                        client.get().onReply(Codec.decode(data), from);
                    } catch (MalformedMessageException e) {
                        // Not an answer we can read; the request is retransmitted.
                    }
                })) {
            client.set(new RequestClient(endpoint, timer, retry));
            endpoint.start();
            Message request = new Message(unsigned.command(), client.get().nextRq(), unsigned.fields(),
                    unsigned.options());
            return client.get().call(keys.sign(request), server);
        } finally {
            timer.shutdownNow();
        }
    }
}
