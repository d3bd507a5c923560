package p2pbrs.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tokens;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.NoReplyException;
import p2pbrs.transport.RequestClient;
import p2pbrs.transport.RetryPolicy;
import p2pbrs.transport.UdpEndpoint;

/**
 * The operator's side of invitations: makes a code, and has the running server record
 * its hash with an INVITE request signed with the admin key from {@code <db>.keys}. Only
 * someone who can read that file (the server's user, on its machine) can invite. The
 * code itself never crosses the network and the server never stores it.
 */
public final class Invites {
    private Invites() {
    }

    /** Makes an invitation valid for this long; returns its code. */
    public static String request(Path db, Role role, Duration validFor) throws IOException {
        return request(db, role, validFor, RetryPolicy.DEFAULT);
    }

    /** The same, retransmitting as the policy says. */
    public static String request(Path db, Role role, Duration validFor, RetryPolicy retry) throws IOException {
        ServerKeys keys;
        try {
            keys = ServerKeys.load(db);
        } catch (IOException e) {
            throw new IOException("cannot read the server's key file " + ServerKeys.file(db)
                    + " (run this on the server's machine, as the server's user, with the server's --db): "
                    + e.getMessage(), e);
        }
        InetSocketAddress server = ServerAccess.udp(db);
        String code = Tokens.newInvite();
        long expires = System.currentTimeMillis() / 1000 + validFor.toSeconds();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("invite"));
        AtomicReference<RequestClient> client = new AtomicReference<>();
        try (UdpEndpoint endpoint = new UdpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "invite", 1, 16, (data, from) -> {
                    try {
                        client.get().onReply(Codec.decode(data), from);
                    } catch (p2pbrs.protocol.MalformedMessageException e) {
                        // Not an answer we can read; the request is retransmitted.
                    }
                })) {
            client.set(new RequestClient(endpoint, timer, retry));
            endpoint.start();
            Message unsigned = Message.of(Command.INVITE, client.get().nextRq(), role.name(), Long.toString(expires))
                    .withOption("code_hash", Tokens.hash(code));
            Message reply = client.get().call(keys.sign(unsigned), server);
            if (reply.command() != Command.INVITED) {
                throw new IOException("the server refused the invitation: " + Codec.format(reply));
            }
            return code;
        } catch (NoReplyException e) {
            throw new IOException("the server at " + server + " does not answer; is it running? (" + e.getMessage()
                    + ")", e);
        } finally {
            timer.shutdownNow();
        }
    }
}
