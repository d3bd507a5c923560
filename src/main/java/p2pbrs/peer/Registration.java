package p2pbrs.peer;

import java.io.PrintStream;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Sizes;
import p2pbrs.protocol.Tickets;
import p2pbrs.store.IdentityStore;

/**
 * The peer's identity at the server: registers (with its stored or given token, so that
 * a restart or a new machine keeps the name), de-registers, and signs requests.
 */
final class Registration {
    private final PeerConfig config;
    private final ServerLink link;
    private final IdentityStore identity;
    private final PrintStream out;
    private volatile String token;
    private volatile boolean registered;

    Registration(PeerConfig config, ServerLink link, IdentityStore identity, PrintStream out) {
        this.config = config;
        this.link = link;
        this.identity = identity;
        this.out = out;
        this.token = config.token() != null ? config.token() : identity.token(config.name()).orElse(null);
    }

    void register(String ip, int udpPort, int tcpPort) throws PeerException {
        Message request = Message.of(Command.REGISTER, link.nextRq(), config.name(), config.role().name(), ip,
                Integer.toString(udpPort), Integer.toString(tcpPort), config.capacity() + "B");
        if (token != null) {
            request = request.withOption("token", token);
        }
        Message reply = link.call(request);
        if (reply.command() != Command.REGISTERED) {
            throw new PeerException("registration of " + config.name() + " refused: " + reason(reply));
        }
        String granted = reply.option("token");
        if (granted == null) {
            throw new PeerException("the server registered " + config.name() + " but sent no token");
        }
        // Store before anything else: the token is the only key to this name.
        identity.save(config.name(), granted, link.describe());
        if (!granted.equals(token)) {
            out.println("TOKEN " + granted);
            out.println("Keep this token safe: it is the recovery key of peer " + config.name()
                    + " (start a peer with --token to take the name and its backups back on a new machine).");
        }
        token = granted;
        registered = true;
        out.println("REGISTERED name=" + config.name() + " role=" + config.role() + " capacity="
                + Sizes.human(config.capacity()));
    }

    void deRegister() throws PeerException {
        requireRegistered();
        Message reply = link.call(signed(Message.of(Command.DE_REGISTER, link.nextRq(), config.name())));
        if (reply.command() != Command.DE_REGISTERED) {
            throw new PeerException("de-registration refused: " + reason(reply));
        }
        registered = false;
    }

    /** The request with this peer's token attached. */
    Message signed(Message request) throws PeerException {
        requireRegistered();
        return request.withOption("token", token);
    }

    /** The key of the tickets the server issues for this peer, or null before registration. */
    String ticketKey() {
        String t = token;
        return registered && t != null ? Tickets.keyFor(t) : null;
    }

    ServerLink link() {
        return link;
    }

    private void requireRegistered() throws PeerException {
        if (!registered) {
            throw new PeerException("this peer is not registered");
        }
    }

    static String reason(Message reply) {
        return reply.fields().isEmpty() ? reply.command().wireName()
                : reply.command().wireName() + " " + String.join(" ", reply.fields());
    }
}
