package p2pbrs.peer;

import java.io.PrintStream;
import java.util.Optional;
import p2pbrs.crypto.DataKey;
import p2pbrs.crypto.KeyWrap;
import p2pbrs.crypto.RecoveryKey;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.Sizes;
import p2pbrs.protocol.Tickets;
import p2pbrs.protocol.Tokens;
import p2pbrs.store.IdentityStore;
import p2pbrs.store.PeerKeyFile;

/**
 * The peer's identity at the server, and its data key. The peer makes its own token and
 * data key at its first registration and keeps them in its database (the data key wrapped,
 * its wrapping key in the key file beside the database); a given recovery key takes both
 * back on a new machine. The server never sends the token and never sees the data key.
 * Registers, de-registers, and signs requests with the token.
 */
final class Registration {
    private final PeerConfig config;
    private final ServerLink link;
    private final IdentityStore identity;
    private final PeerKeyFile keyFile;
    private final PrintStream out;
    // What --recovery-key (or a legacy --token) gave, or null.
    private final RecoveryKey given;
    private volatile String token;
    private volatile DataKey dataKey;
    // A data key was made here and its recovery key not shown yet (a registration that
    // failed after making it shows it at the next that succeeds).
    private boolean keyToShow;
    private volatile String publicId;
    private volatile boolean registered;

    Registration(PeerConfig config, ServerLink link, IdentityStore identity, PeerKeyFile keyFile, PrintStream out) {
        this.config = config;
        this.link = link;
        this.identity = identity;
        this.keyFile = keyFile;
        this.out = out;
        this.given = config.token() != null ? RecoveryKey.parse(config.token()) : null;
        this.token = given != null ? given.token() : identity.token(config.name()).orElse(null);
    }

    /** Registers (or re-registers) this peer, offering this capacity. */
    void register(String ip, int udpPort, int tcpPort, long capacity) throws PeerException {
        if (token == null) {
            token = Tokens.generate();
        }
        // Stored before the server can know it: the token is the only key to this identity.
        identity.save(config.name(), token, link.describe());
        // And the data key before any chunk is sealed with it.
        if (dataKey == null) {
            keyToShow |= loadOrMakeDataKey();
        }
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
        boolean first = !identity.confirmed(config.name());
        if (first) {
            identity.confirm(config.name());
        }
        // Shown once: at the first registration of an identity made here, and whenever a data
        // key was made for an identity that had none (the recovery key now covers it too).
        if ((first && config.token() == null) || keyToShow) {
            keyToShow = false;
            out.println("RECOVERY-KEY " + new RecoveryKey(token, dataKey).encode());
            out.println("Keep this recovery key safe: it alone takes peer " + config.name() + " and every backup it"
                    + " made back on a new machine (--recovery-key or --recovery-key-file), and without it a lost"
                    + " machine's backups cannot be read.");
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

    /**
     * The data key: the one the recovery key gave, else the one stored (opened with the key
     * file), else a new one, stored wrapped. Returns whether it is new.
     */
    private boolean loadOrMakeDataKey() throws PeerException {
        try {
            if (given != null && given.dataKey() != null) {
                store(given.dataKey());
                dataKey = given.dataKey();
                return false;
            }
            Optional<String> wrapped = identity.wrappedDataKey(config.name());
            if (wrapped.isPresent()) {
                byte[] wrapping = keyFile.read().orElseThrow(() -> new PeerException("the data key of "
                        + config.name() + " is sealed and its key file " + keyFile.path() + " is missing: start the"
                        + " peer with --recovery-key (or --recovery-key-file) to open it"));
                try {
                    dataKey = KeyWrap.unwrap(wrapping, wrapped.get());
                } catch (IllegalArgumentException e) {
                    throw new PeerException("the key file " + keyFile.path() + " does not open the data key of "
                            + config.name() + ": start the peer with --recovery-key to set it again");
                }
                return false;
            }
            DataKey made = DataKey.generate();
            store(made);
            dataKey = made;
            return true;
        } catch (java.io.IOException e) {
            throw new PeerException("cannot keep the data key: " + e.getMessage(), e);
        }
    }

    // The wrapping key goes to the key file first: a data key in the database that nothing
    // opens would be worse than none.
    private void store(DataKey key) throws java.io.IOException {
        byte[] wrapping = new RecoveryKey(token, key).wrappingKey();
        keyFile.write(wrapping);
        identity.saveDataKey(config.name(), KeyWrap.wrap(wrapping, key));
    }

    /** The data key the peer seals its chunks with; known once it registered. */
    DataKey dataKey() throws PeerException {
        requireRegistered();
        return dataKey;
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
