package p2pbrs.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tokens;
import p2pbrs.transport.NoReplyException;
import p2pbrs.transport.RetryPolicy;

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
        ServerKeys keys = OperatorLink.keys(db);
        InetSocketAddress server = ServerAccess.udp(db);
        String code = Tokens.newInvite();
        long expires = System.currentTimeMillis() / 1000 + validFor.toSeconds();
        // The RQ# is the link's own: this one is replaced.
        Message unsigned = Message.of(Command.INVITE, "1", role.name(), Long.toString(expires))
                .withOption("code_hash", Tokens.hash(code));
        try {
            Message reply = OperatorLink.call(keys, server, unsigned, retry);
            if (reply.command() != Command.INVITED) {
                throw new IOException("the server refused the invitation: " + Codec.format(reply));
            }
            return code;
        } catch (NoReplyException e) {
            throw new IOException("the server at " + server + " does not answer; is it running? (" + e.getMessage()
                    + ")", e);
        }
    }
}
