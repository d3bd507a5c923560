package p2pbrs.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Role;
import p2pbrs.protocol.Tokens;

/**
 * The simulated peers (a tenth of them storage peers, at least two; the rest owners) and
 * the requests every peer makes whatever its role: REGISTER, HEARTBEAT and LIST, taken in
 * turn from each peer.
 */
final class MetaPeers {
    // A storage peer offers a pebibyte: no plan of the run is ever refused for space.
    static final long STORAGE_CAPACITY = 1L << 50;
    static final String IP = "127.0.0.1";
    // Storage peers are never connected to: the port is only what they register.
    private static final int TCP_PORT = 9;

    private final List<MetaPeer> all = new ArrayList<>();
    private final List<MetaPeer> owners = new ArrayList<>();
    private final Map<String, MetaPeer> storageByName = new HashMap<>();

    MetaPeers(int count, MetaLoad load) throws IOException {
        int storage = storageCount(count);
        for (int i = 0; i < count; i++) {
            boolean stores = i < storage;
            MetaPeer p = new MetaPeer(String.format(stores ? "storage-%05d" : "owner-%05d", i),
                    Tokens.generate(), stores ? Role.STORAGE : Role.OWNER, load.portFor(i));
            all.add(p);
            if (stores) {
                storageByName.put(p.name(), p);
            } else {
                owners.add(p);
            }
        }
    }

    /** How many of this many peers are storage peers. */
    static int storageCount(int peers) {
        return Math.max(2, peers / 10);
    }

    List<MetaPeer> owners() {
        return owners;
    }

    /** The storage peer a plan names, or null if it is none of ours. */
    MetaPeer storage(String name) {
        return storageByName.get(name);
    }

    int size() {
        return all.size();
    }

    /**
     * REGISTER: every peer once (new identities), then again in turn, as a restarted peer
     * does (the same identity at its address). The phase ends only once every peer has
     * registered, since the others need them.
     */
    MetaSource registrations() {
        return new MetaSource() {
            private final AtomicLong sent = new AtomicLong();

            @Override
            public MetaCall next() {
                MetaPeer p = all.get((int) (sent.getAndIncrement() % all.size()));
                Message m = Message.of(Command.REGISTER, "0", p.name(), p.role().name(), IP,
                                Integer.toString(p.udpPort()), Integer.toString(TCP_PORT),
                                Long.toString(p.role() == Role.STORAGE ? STORAGE_CAPACITY : 0))
                        .withOption("token", p.token());
                return MetaCall.of(m, Command.REGISTERED, reply -> {
                    String id = reply.option("id");
                    if (id == null) {
                        throw new BenchException("REGISTERED without id: " + reply);
                    }
                    p.registeredAs(id);
                });
            }

            @Override
            public boolean mayStop() {
                return sent.get() >= all.size();
            }
        };
    }

    /** HEARTBEAT from each peer in turn, with its clock as the protocol says. */
    MetaSource heartbeats() {
        AtomicLong turn = new AtomicLong();
        return () -> {
            MetaPeer p = all.get((int) (turn.getAndIncrement() % all.size()));
            return MetaCall.of(Message.of(Command.HEARTBEAT, "0", p.name(), "0",
                    Long.toString(System.currentTimeMillis())).withOption("token", p.token()), Command.ACK);
        };
    }

    /** LIST (its first page) from each peer in turn. */
    MetaSource lists() {
        AtomicLong turn = new AtomicLong();
        return () -> {
            MetaPeer p = all.get((int) (turn.getAndIncrement() % all.size()));
            return MetaCall.of(Message.of(Command.LIST, "0").withOption("token", p.token()), Command.LIST_OK);
        };
    }
}
