package p2pbrs.peer;

import java.io.PrintStream;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.Sizes;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.Tokens;
import p2pbrs.store.IdentityStore;

/**
 * The peer's identity at the server. The peer makes its own token at its first
 * registration and keeps it in its database (a given {@code --token} takes an identity
 * back on a new machine); the server never sends it. Registers, de-registers, and signs
 * requests with the token.
 */
final class Registration {
    private final PeerConfig config;
    private final ServerLink link;
    private final IdentityStore identity;
    private final PrintStream out;
    private volatile String token;
    private volatile String publicId;
    private volatile boolean registered;

    Registration(PeerConfig config, ServerLink link, IdentityStore identity, PrintStream out) {
        this.config = config;
        this.link = link;
        this.identity = identity;
        this.out = out;
        this.token = config.token() != null ? config.token() : identity.token(config.name()).orElse(null);
    }

    /** Registers (or re-registers) this peer, offering this capacity. */
    void register(String ip, int udpPort, int tcpPort, long capacity) throws PeerException {
        if (token == null) {
            token = Tokens.generate();
        }
        // Stored before the server can know it: the token is the only key to this identity.
        identity.save(config.name(), token, link.describe());
        Message request = Message.of(Command.REGISTER, link.nextRq(), config.name(), config.role().name(), ip,
                Integer.toString(udpPort), Integer.toString(tcpPort), capacity + "B").withOption("token", token);
        if (config.invite() != null) {
            request = request.withOption("invite", config.invite());
        }
        Message reply = link.call(request);
        if (reply.command() != Command.REGISTERED) {
            throw new PeerException("registration of " + config.name() + " refused: " + reason(reply));
        }
        try {
            publicId = Tokens.publicId(reply.option("id"), reply.rq());
        } catch (MalformedMessageException e) {
            throw new PeerException("the server registered " + config.name() + " but sent no valid id", e);
        }
        String cluster = reply.option("cluster");
        if (cluster != null && cluster.matches("[0-9a-f]{32}")) {
            identity.rememberCluster(config.name(), cluster);
        }
        if (!identity.confirmed(config.name())) {
            identity.confirm(config.name());
            if (config.token() == null) {
                out.println("TOKEN " + token);
                out.println("Keep this token safe: it is the recovery key of peer " + config.name()
                        + " (start a peer with --token or --token-file to take the name and its backups back"
                        + " on a new machine).");
            }
        }
        registered = true;
        out.println("REGISTERED name=" + config.name() + " role=" + config.role() + " capacity="
                + Sizes.human(capacity));
    }

    /**
     * Asks to leave once: gone (DE-REGISTERED), or still decommissioning, with what holds it
     * back. A peer that holds copies others need is told so until they are made elsewhere.
     */
    Departure deRegister() throws PeerException {
        requireRegistered();
        Message reply = link.call(signed(Message.of(Command.DE_REGISTER, link.nextRq(), config.name())));
        if (reply.command() == Command.DE_REGISTERED) {
            registered = false;
            return Departure.GONE;
        }
        if (reply.command() != Command.DECOMMISSIONING) {
            throw new PeerException("de-registration refused: " + reason(reply));
        }
        try {
            return new Departure(false, Numbers.parseLong(reply.field(0), reply.rq()),
                    Numbers.intOption(reply, "pending_backups"));
        } catch (MalformedMessageException e) {
            throw new PeerException("the server sent a bad reply: " + e.getMessage(), e);
        }
    }

    boolean registered() {
        return registered;
    }

    /** The request with this peer's token attached. */
    Message signed(Message request) throws PeerException {
        requireRegistered();
        return request.withOption("token", token);
    }

    /** The identity's public id, by which storage peers and tickets know it as an owner. */
    String publicId() throws PeerException {
        requireRegistered();
        return publicId;
    }

    /**
     * The key of the tickets the server issues for this peer, or null while it has no token.
     * Known from the stored token before registering, so that a storage peer serves what it
     * holds while its server is away.
     */
    String ticketKey() {
        String t = token;
        return t != null ? Tickets.keyFor(t) : null;
    }

    /** The cluster whose server first acknowledged this peer, or null before that. */
    String clusterId() {
        return identity.clusterId(config.name()).orElse(null);
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
