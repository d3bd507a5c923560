package p2pbrs.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.PeerRequest;
import p2pbrs.protocol.PeerRequests;
import p2pbrs.protocol.PlanPeer;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.Sha256;
import p2pbrs.store.ChunkIndex;
import p2pbrs.store.IndexedChunk;
import p2pbrs.transport.TransferLimits;

/**
 * REPLICATE_REQ, from the server this peer registered with: copy a chunk it holds to
 * another storage peer, the way an owner sends one (SEND_CHUNK over TCP), with the repair
 * ticket the server made for the target. Obeyed only from the server's address, with a
 * valid signature and this peer's cluster id, and only for a chunk whose bytes still match
 * their checksum: a rotten copy is never spread.
 */
final class ReplicateHandler implements ServerOrders.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicateHandler.class);

    private final String peerName;
    private final ServerOrders orders;
    private final ChunkIndex index;
    private final ChunkStore store;
    private final TransferLimits limits;
    // Told of a chunk file found rotten or unreadable here: the scrub checks it at once,
    // discards it and reports it, so that the server stops counting (and choosing) this copy.
    private final BiConsumer<String, Long> suspect;

    ReplicateHandler(String peerName, ServerOrders orders, ChunkIndex index, ChunkStore store, TransferLimits limits,
                     BiConsumer<String, Long> suspect) {
        this.peerName = peerName;
        this.suspect = suspect;
        this.orders = orders;
        this.index = index;
        this.store = store;
        this.limits = limits;
    }

    @Override
    public Message handle(Message request, InetSocketAddress from) throws MalformedMessageException {
        String rq = request.rq();
        if (!orders.fromServer(request, from)) {
            return Message.of(Command.REPLICATE_DENIED, rq, Reason.BAD_AUTH);
        }
        PeerRequest.Replicate req = PeerRequests.replicate(request);
        // Its expires is the target's ticket's, which the target checks.
        if (orders.otherCluster(req.cluster())) {
            return Message.of(Command.REPLICATE_DENIED, rq, Reason.WRONG_CLUSTER);
        }
        Optional<IndexedChunk> held = index.find(req.owner(), req.file().name(), req.version(), req.chunk());
        if (held.isEmpty() || !held.get().checksum().equals(req.checksum()) || held.get().size() != req.size()) {
            return Message.of(Command.REPLICATE_DENIED, rq, Reason.NOT_FOUND);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(store.pathOf(req.checksum()));
        } catch (IOException e) {
            suspect.accept(req.checksum(), req.size());
            return Message.of(Command.REPLICATE_DENIED, rq, Reason.NOT_FOUND);
        }
        if (bytes.length != req.size() || !Sha256.hex(bytes).equals(req.checksum())) {
            LOG.warn("chunk {} of {} is rotten here; not copying it", req.chunk(), req.file().name());
            suspect.accept(req.checksum(), req.size());
            return Message.of(Command.REPLICATE_DENIED, rq, Reason.CHECKSUM_MISMATCH);
        }
        Message send = RepairHeader.of(rq, req.file().wire(), req.chunk(), req.size(), req.checksum(), req.owner(),
                req.version(), req.fileSize(), req.chunkSize(), req.expires(), req.ticket());
        try (ChunkClient client = new ChunkClient(peerName,
                new PlanPeer(req.targetName(), req.targetIp(), req.targetTcpPort(), req.ticket()), limits)) {
            Message reply = client.send(send, bytes, bytes.length);
            if (reply.command() != Command.CHUNK_OK) {
                return Message.of(Command.REPLICATE_DENIED, rq, reply.field(reply.fields().size() - 1));
            }
        } catch (IOException e) {
            LOG.warn("copying chunk {} of {} to {} failed: {}", req.chunk(), req.file().name(), req.targetName(),
                    e.toString());
            return Message.of(Command.REPLICATE_DENIED, rq, Reason.STORAGE_FAILED);
        }
        return Message.of(Command.REPLICATED, rq, req.file().wire(), Integer.toString(req.chunk()));
    }
}
