package p2pbrs.peer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.WireList;
import p2pbrs.store.BadChunks;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.Database;
import p2pbrs.store.IdentityStore;
import p2pbrs.store.PeerKeyFile;
import p2pbrs.store.PendingStoreAcks;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.NoReplyException;
import p2pbrs.transport.RateLimitedLog;
import p2pbrs.transport.RequestClient;
import p2pbrs.transport.TransferLimits;
import p2pbrs.transport.UdpEndpoint;

/**
 * A peer: its local database, its UDP endpoint (requests to the server and, later, the
 * server's requests to it), its TCP port, and its registration.
 */
public final class Peer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);
    private static final int MAX_LIST_PAGES = 10_000;

    private final PeerConfig config;
    private final Database database;
    private final UdpEndpoint endpoint;
    private final ServerSocket tcp;
    private final ScheduledExecutorService timer;
    private final Registration registration;
    private final ChunkServer chunkServer;
    private final ChunkIndex index;
    private final ChunkStore chunkStore;
    private final StoreAckReporter acks;
    private final InventoryReporter inventory;
    private final Progress.Factory progress;
    private final TransferLimits limits;
    private final PartFiles parts;
    // Null for a peer that stores nothing (OWNER): it has nothing to scrub.
    private final Scrubber scrubber;
    // Deletes the files nothing uses any more: after a release, or everything when the peer leaves.
    private final UnusedChunks unused;
    private final ScheduledExecutorService registrar;
    private volatile boolean closed;

    private Peer(PeerConfig config, Database database, UdpEndpoint endpoint, ServerSocket tcp,
                 ScheduledExecutorService timer, Registration registration, ChunkServer chunkServer,
                 ChunkIndex index, ChunkStore chunkStore, StoreAckReporter acks, InventoryReporter inventory,
                 UnusedChunks unused, PartFiles parts, Scrubber scrubber, PrintStream out) {
        this.config = config;
        this.database = database;
        this.endpoint = endpoint;
        this.tcp = tcp;
        this.timer = timer;
        this.registration = registration;
        this.chunkServer = chunkServer;
        this.index = index;
        this.chunkStore = chunkStore;
        this.acks = acks;
        this.inventory = inventory;
        this.limits = TransferLimits.forIdleTimeout(config.tcpTimeoutMillis());
        this.parts = parts;
        this.scrubber = scrubber;
        this.unused = unused;
        this.registrar = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.numbered("peer-" + config.name() + "-registrar"));
        // Bars only for a person at a terminal: a pipe gets the plain OK/ERROR lines.
        boolean bars = !config.quiet() && System.console() != null;
        this.progress = (label, total) -> new Progress(out, bars, label, total);
    }

    /**
     * Opens the peer's database and ports, prints {@code READY name=.. udp=.. tcp=..}, then
     * registers. Fails, closing what it opened, when any step does.
     */
    public static Peer start(PeerConfig config, PrintStream out) throws IOException, PeerException {
        // From the start, so that status can show the most heap this process has held.
        HeapPeak.watch();
        Files.createDirectories(config.storageDir());
        Database database = Database.open(config.db(), Database.Kind.PEER, 4);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.numbered("peer-" + config.name() + "-timer"));
        UdpEndpoint endpoint = null;
        ServerSocket tcp = null;
        StoreAckReporter acks = null;
        ChunkServer chunkServer = null;
        Scrubber scrubber = null;
        InventoryReporter inventory = null;
        try {
            InetAddress bindAddress = InetAddress.getByName(config.ip());
            InboundHandler inbound = new InboundHandler();
            endpoint = new UdpEndpoint(new InetSocketAddress(bindAddress, config.udpPort()),
                    config.name(), 2, 256, inbound);
            RequestClient client = new RequestClient(endpoint, timer, config.retry());
            inbound.attach(client, endpoint);
            tcp = new ServerSocket();
            tcp.bind(new InetSocketAddress(bindAddress, config.tcpPort()), 64);
            Registration registration = new Registration(config, new ServerLink(client, config.server()),
                    new IdentityStore(database), new PeerKeyFile(config.db()), out);
            // Restores cut short before this start left their part files: nothing will finish them.
            PartFiles parts = new PartFiles(config.restoreDir());
            parts.sweep();
            ChunkIndex index = new ChunkIndex(database);
            // A storage peer's index and folder are made to agree before it serves anything.
            ChunkCensus.Result census = config.role().stores() ? ChunkCensus.take(config.storageDir(), index)
                    : new ChunkCensus.Result(index.bytesStored(), new LooseChunks());
            ChunkStore chunkStore = new ChunkStore(config.storageDir(), config.capacity(), census.bytes());
            UnusedChunks unused = new UnusedChunks(index, chunkStore, census.loose());
            acks = new StoreAckReporter(registration, client, config.server(), new PendingStoreAcks(database),
                    config.name());
            BadChunks badChunks = new BadChunks(database);
            ChunkBadReporter badReports = new ChunkBadReporter(registration, badChunks, timer);
            if (config.role().stores()) {
                scrubber = new Scrubber(config.name(), index, chunkStore, badChunks, badReports::kick,
                        config.scrubRate(), Throttle.Time.SYSTEM);
            }
            chunkServer = new ChunkServer(tcp, config.name(), config.role().stores(), chunkStore, index,
                    registration::ticketKey, acks, config.maxConnections(),
                    TransferLimits.forIdleTimeout(config.tcpTimeoutMillis()));
            if (config.role().stores()) {
                inbound.serve(serverOrders(config, registration, index, chunkStore, census.loose(), unused, scrubber));
                inventory = new InventoryReporter(registration, index, census.loose(), config.name());
            }
            endpoint.start();
            chunkServer.start();
            if (scrubber != null) {
                // Whatever rotted while the peer was stopped is found first.
                scrubber.start(config.scrubInterval());
            }
            out.println("READY name=" + config.name() + " udp=" + endpoint.port() + " tcp=" + tcp.getLocalPort());
            Peer peer = new Peer(config, database, endpoint, tcp, timer, registration, chunkServer, index, chunkStore,
                    acks, inventory, unused, parts, scrubber, out);
            long offered = offeredCapacity(config, chunkStore);
            StoreAckReporter reporter = acks;
            InventoryReporter holdings = inventory;
            int udpPort = endpoint.port();
            int tcpPort = tcp.getLocalPort();
            Registrar.Attempt register = () -> {
                registration.register(config.ip(), udpPort, tcpPort, offered);
                // STORE_ACKs a previous run recorded but never had answered go out now that
                // they can carry the token.
                reporter.resume(timer);
                // The server checks what it believes this peer holds against what it does hold.
                if (holdings != null) {
                    badReports.resume();
                    holdings.report();
                }
                long beat = config.heartbeatInterval().toMillis();
                // A server back from an absence (perhaps restarted on an older copy of its
                // database) hears the owed STORE_ACKs at once, and what this peer holds.
                Runnable serverBack = () -> {
                    reporter.serverBack(timer);
                    if (holdings != null) {
                        holdings.report();
                    }
                };
                timer.scheduleWithFixedDelay(new HeartbeatSender(registration, client, config.server(), config.name(),
                        index, serverBack), beat, beat, TimeUnit.MILLISECONDS);
            };
            try {
                register.run();
            } catch (PeerException e) {
                if (!config.role().stores() || !(e.getCause() instanceof NoReplyException)) {
                    throw e;
                }
                // The chunks it holds stay available to their owners while the server is away.
                out.println("WAITING server=" + registration.link().describe()
                        + ": it does not answer; serving stored chunks and registering again until it does");
                new Registrar(peer.registrar, register).start();
            }
            return peer;
        } catch (IOException | PeerException | RuntimeException e) {
            if (chunkServer != null) {
                // Closed as itself, so that its acceptor stops quietly.
                chunkServer.close();
            }
            if (scrubber != null) {
                scrubber.close();
            }
            if (acks != null) {
                acks.close();
            }
            if (inventory != null) {
                inventory.close();
            }
            closeQuietly(endpoint, tcp, timer, database);
            throw e;
        }
    }

    /** The requests a storage peer serves from its server, each checked by {@link ServerOrders}. */
    private static Map<Command, ServerOrders.Handler> serverOrders(PeerConfig config, Registration registration,
                                                                   ChunkIndex index, ChunkStore store,
                                                                   LooseChunks loose, UnusedChunks unused,
                                                                   Scrubber scrubber) {
        ServerOrders orders = new ServerOrders(config.server(), registration::ticketKey, registration::clusterId);
        return Map.of(
                Command.RELEASE, new ReleaseHandler(orders, index, unused),
                Command.REPLICATE_REQ, new ReplicateHandler(config.name(), orders, index, store,
                        TransferLimits.forIdleTimeout(config.tcpTimeoutMillis()), scrubber::suspect),
                Command.ADOPT, new AdoptHandler(orders, index, store, loose),
                Command.RELEASE_COPY, new CopyReleaseHandler(orders, index, unused),
                Command.RELEASE_ORPHAN, new OrphanReleaseHandler(orders, index, store, unused));
    }

    /**
     * What a storage peer offers: never more than its disk can hold (what it already stores
     * plus the free space), so that the server plans no chunk the disk cannot take.
     */
    private static long offeredCapacity(PeerConfig config, ChunkStore store) throws IOException {
        if (!config.role().stores()) {
            return config.capacity();
        }
        long disk = store.used() + Files.getFileStore(config.storageDir()).getUsableSpace();
        if (config.capacity() > disk) {
            LOG.warn("--capacity {} is more than the disk under {} can hold; offering {}",
                    p2pbrs.protocol.Sizes.human(config.capacity()), config.storageDir(),
                    p2pbrs.protocol.Sizes.human(disk));
            return disk;
        }
        return config.capacity();
    }

    public String name() {
        return config.name();
    }

    public PeerConfig config() {
        return config;
    }

    public int udpPort() {
        return endpoint.port();
    }

    public int tcpPort() {
        return tcp.getLocalPort();
    }

    /** Every registered peer, following the server's pages. */
    public List<PeerEntry> list() throws PeerException {
        return pages(Command.LIST, Command.LIST_OK, PeerEntry::parse);
    }

    /** De-registers this peer, decommissioning it first if it must, reporting nothing on the way. */
    public int deRegister() throws PeerException {
        return deRegister(d -> {
        });
    }

    /**
     * De-registers this peer. One holding copies that others still need is decommissioned
     * first: it keeps serving its chunks (and copying them where the server asks), asks again
     * every heartbeat interval and reports each new count to progress, until the server lets
     * it go (a server that does not answer for a while is asked again: the peer stays, still
     * serving). Once gone it serves nothing and deletes every chunk it held; returns how many
     * chunk files it deleted.
     */
    public int deRegister(Consumer<Departure> progress) throws PeerException {
        Departure last = null;
        while (true) {
            if (closed) {
                throw new PeerException("this peer stopped while decommissioning; the server counts it as leaving "
                        + "until it registers again");
            }
            Departure now;
            try {
                now = registration.deRegister();
            } catch (PeerException e) {
                if (last == null || !(e.getCause() instanceof NoReplyException)) {
                    throw e;
                }
                LOG.warn("the server did not answer while {} is decommissioning; asking again", config.name());
                now = last;
            }
            if (now.gone()) {
                return dropStoredChunks();
            }
            if (!now.equals(last)) {
                progress.accept(now);
            }
            last = now;
            try {
                Thread.sleep(config.heartbeatInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException("interrupted while decommissioning; the server still counts this peer as "
                        + "leaving until it registers again");
            }
        }
    }

    // Gone: nothing it holds is needed, and the server has released all of it. No chunk is
    // served or taken any more, and every file goes.
    private int dropStoredChunks() {
        chunkServer.close();
        new PendingStoreAcks(database).clear();
        int deleted = unused.deleteUnused(index.releaseAll());
        if (deleted > 0) {
            LOG.info("{} left: deleted the {} chunk files it held", config.name(), deleted);
        }
        return deleted;
    }

    /** Backs a file up under its base name, its chunks sealed with this peer's data key. */
    public BackupResult backup(java.nio.file.Path file) throws PeerException {
        return new BackupJob(registration, registration.publicId(), limits, progress, registration.dataKey())
                .run(file);
    }

    /** The data key this peer seals its chunks with: what a test reproduces sealed chunks with. */
    p2pbrs.crypto.DataKey dataKey() throws PeerException {
        return registration.dataKey();
    }

    /**
     * Backs a file up with its chunks as the file's bytes (format 0), as before chunks were
     * sealed: for the benchmark that measures what sealing costs, and for tests of versions
     * made before it. No command offers it.
     */
    public BackupResult backupUnsealed(java.nio.file.Path file) throws PeerException {
        return new BackupJob(registration, registration.publicId(), limits, progress, null).run(file);
    }

    /** Restores the newest complete version (version null) or the given one into the restore dir. */
    public RestoreResult restore(String fileName, Integer version) throws PeerException {
        return restore(fileName, version, parts);
    }

    /** A restore writing through other part files: how a test makes the local disk fail. */
    RestoreResult restore(String fileName, Integer version, PartFiles through) throws PeerException {
        return new RestoreJob(registration, registration.publicId(), config.restoreDir(), through, limits, progress,
                registration.dataKey()).run(fileName, version);
    }

    /**
     * Forgets one version of this peer's file (version not null), or every version; returns
     * how many versions were forgotten. Their space is freed on the storage peers.
     */
    public int forget(String fileName, Integer version) throws PeerException {
        String problem = FileNames.problem(fileName);
        if (problem != null) {
            throw new PeerException("cannot forget '" + fileName + "': " + problem);
        }
        int total = 0;
        while (true) {
            Message request = Message.of(Command.FORGET, registration.link().nextRq(), FileNames.encode(fileName));
            request = version != null ? request.withOption("version", Integer.toString(version))
                    : request.withOption("all", "1");
            Message reply = registration.link().call(registration.signed(request));
            if (reply.command() != Command.FORGOTTEN) {
                throw new PeerException("forget refused: " + Registration.reason(reply));
            }
            try {
                total += Numbers.intOption(reply, "versions");
            } catch (MalformedMessageException e) {
                throw new PeerException("the server sent a bad reply: " + e.getMessage(), e);
            }
            if (reply.option("more") == null) {
                return total;
            }
        }
    }

    /** This peer's registration, its liveness as the server sees it, and what it stores. */
    public PeerStatus status() {
        String state = null;
        if (registration.registered()) {
            try {
                state = list().stream().filter(p -> p.name().equalsIgnoreCase(config.name())).map(PeerEntry::state)
                        .findFirst().orElse(null);
            } catch (PeerException e) {
                // The server does not answer now: its view is unknown, the rest still holds.
            }
        }
        return new PeerStatus(config.name(), config.role().name(), registration.registered(),
                registration.link().describe(), state, index.count(), chunkStore.used(), config.capacity(),
                scrubber == null ? null : scrubber.last(), MemoryPeaks.ofThisProcess());
    }

    /**
     * Scrubs now and returns what it found (tests: the peer scrubs by itself once after it
     * starts and then every --scrub-interval).
     */
    ScrubReport scrub() throws InterruptedException {
        if (scrubber == null) {
            throw new IllegalStateException(config.name() + " stores nothing to scrub");
        }
        return scrubber.scrub();
    }

    /** This peer's backed-up files: every complete version. */
    public List<FileEntry> files() throws PeerException {
        return pages(Command.FILES, Command.FILES_OK, FileEntry::parse);
    }

    /** Parses one item of a paged list. */
    private interface ItemParser<T> {
        T parse(String item, String rq) throws MalformedMessageException;
    }

    // LIST and FILES page alike: the reply ends with next=<cursor> while more remain, and
    // the next request asks after=<cursor>.
    private <T> List<T> pages(Command request, Command ok, ItemParser<T> parser) throws PeerException {
        List<T> all = new ArrayList<>();
        String after = null;
        for (int page = 0; page < MAX_LIST_PAGES; page++) {
            Message m = registration.signed(Message.of(request, registration.link().nextRq()));
            Message reply = registration.link().call(after == null ? m : m.withOption("after", after));
            if (reply.command() != ok) {
                throw new PeerException(request.wireName().toLowerCase(java.util.Locale.ROOT) + " refused: "
                        + Registration.reason(reply));
            }
            try {
                for (String item : WireList.parse(reply.field(0), reply.rq())) {
                    all.add(parser.parse(item, reply.rq()));
                }
            } catch (MalformedMessageException e) {
                throw new PeerException("the server sent a bad list: " + e.getMessage(), e);
            }
            after = reply.option("next");
            if (after == null) {
                return all;
            }
        }
        throw new PeerException("the server's list did not end after " + MAX_LIST_PAGES + " pages");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        registrar.shutdownNow();
        // Runs as the shutdown hook too (Ctrl-C, SIGTERM): restores still running will not finish.
        parts.removeAll();
        chunkServer.close();
        if (scrubber != null) {
            scrubber.close();
        }
        acks.close();
        if (inventory != null) {
            inventory.close();
        }
        closeQuietly(endpoint, tcp, timer, database);
    }

    private static void closeQuietly(UdpEndpoint endpoint, ServerSocket tcp, ScheduledExecutorService timer,
                                     Database database) {
        if (endpoint != null) {
            endpoint.close();
        }
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException e) {
                LOG.debug("closing the TCP port", e);
            }
        }
        timer.shutdownNow();
        database.close();
    }

    /** Datagrams arriving at the peer: replies go to the waiting request, the server's requests to their handler. */
    private static final class InboundHandler implements UdpEndpoint.Handler {
        private final RateLimitedLog badInput = new RateLimitedLog(LOG, 5, 10_000);
        private volatile RequestClient client;
        private volatile UdpEndpoint endpoint;
        private volatile Map<Command, ServerOrders.Handler> handlers = Map.of();

        void attach(RequestClient client, UdpEndpoint endpoint) {
            this.client = client;
            this.endpoint = endpoint;
        }

        /** The server's requests this peer serves (a storage role's only). */
        void serve(Map<Command, ServerOrders.Handler> handlers) {
            this.handlers = Map.copyOf(handlers);
        }

        @Override
        public void onDatagram(byte[] data, InetSocketAddress from) {
            Message message;
            try {
                message = Codec.decode(data);
            } catch (MalformedMessageException e) {
                badInput.warn("malformed datagram from {}: {}", from, e.getMessage());
                return;
            }
            if (message.command().isReply()) {
                // A reply nobody waits for is usually the answer to a retransmission whose
                // first answer already arrived: expected on UDP, not worth a warning.
                if (!client.onReply(message, from)) {
                    LOG.debug("unmatched {} from {}", message.command().wireName(), from);
                }
                return;
            }
            Message reply;
            try {
                ServerOrders.Handler handler = handlers.get(message.command());
                reply = handler != null ? handler.handle(message, from)
                        : Message.of(Command.ERROR, message.rq(), Reason.NOT_SERVED);
            } catch (MalformedMessageException e) {
                badInput.warn("bad {} from {}: {}", message.command().wireName(), from, e.getMessage());
                reply = e.toError();
            }
            endpoint.send(reply, from);
        }
    }

}
