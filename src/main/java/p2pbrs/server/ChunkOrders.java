package p2pbrs.server;

import java.time.OffsetDateTime;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Reason;
import p2pbrs.store.ChunkTask;
import p2pbrs.store.ChunkTasks;

/**
 * The server's requests about one chunk to a storage peer (ADOPT, RELEASE_COPY,
 * RELEASE_ORPHAN): how each queued task is written on the wire, and what its answer
 * records. They travel the way RELEASE does ({@link Releaser}, signed, with the cluster's
 * id). docs/protocol.md, "Inventory and reconciliation".
 */
final class ChunkOrders {
    private final ChunkTasks tasks;

    ChunkOrders(ChunkTasks tasks) {
        this.tasks = tasks;
    }

    /** The task's request, unsigned, valid until expires (epoch seconds). */
    Message request(ChunkTask task, String rq, long expires, String clusterId) {
        Message request = switch (task.kind()) {
            case ADOPT -> chunk(Command.ADOPT, task, rq)
                    .withOption("size", Long.toString(task.copy().size()))
                    .withOption("checksum", task.checksum())
                    .withOption("file_size", Long.toString(task.copy().fileSize()))
                    .withOption("chunk_count", Integer.toString(task.copy().chunkCount()));
            case RELEASE_COPY -> chunk(Command.RELEASE_COPY, task, rq);
            case RELEASE_ORPHAN -> Message.of(Command.RELEASE_ORPHAN, rq, task.checksum())
                    .withOption("before", Long.toString(task.storedBefore().toInstant().toEpochMilli()));
        };
        return request.withOption("expires", Long.toString(expires)).withOption("cluster", clusterId);
    }

    private static Message chunk(Command command, ChunkTask task, String rq) {
        ChunkTask.Copy c = task.copy();
        return Message.of(command, rq, FileNames.encode(c.chunkName()), Integer.toString(c.idx()))
                .withOption("owner", c.ownerPublicId())
                .withOption("version", Integer.toString(c.version()));
    }

    /**
     * Records the peer's answer. Returns whether it settled the task; a refusal that may
     * pass (the peer not yet registered again, a stale signature) leaves it to be tried
     * again later.
     */
    boolean settle(ChunkTask task, Message reply, OffsetDateTime now) {
        switch (task.kind()) {
            case ADOPT -> {
                if (reply.command() == Command.ADOPTED) {
                    tasks.adopted(task, now);
                    return true;
                }
                if (reply.command() == Command.ADOPT_DENIED && (Reason.NOT_FOUND.equals(reply.field(0))
                        || Reason.CHECKSUM_MISMATCH.equals(reply.field(0)))) {
                    // The peer cannot serve the chunk: whatever the server counted there is gone.
                    tasks.notAdopted(task, now);
                    return true;
                }
                return false;
            }
            case RELEASE_COPY -> {
                if (reply.command() == Command.COPY_RELEASED) {
                    tasks.copyReleased(task);
                    return true;
                }
                return false;
            }
            case RELEASE_ORPHAN -> {
                if (reply.command() == Command.ORPHAN_RELEASED) {
                    tasks.orphanReleased(task);
                    return true;
                }
                return false;
            }
            default -> throw new IllegalStateException("no such task: " + task.kind());
        }
    }
}
