package p2pbrs.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.WireList;
import p2pbrs.store.Database;
import p2pbrs.store.RepairStore;
import p2pbrs.transport.NoReplyException;
import p2pbrs.transport.RetryPolicy;

/**
 * The operator's side of {@code fsck}: asks the running server (FSCK, signed with the admin
 * key), or, when no server answers, reads the stopped server's database itself. Either way
 * only someone who can read {@code <db>.keys} (the server's user) may ask.
 */
public final class HealthCheck {
    // A running server answers at once: this says soon that none is running.
    private static final RetryPolicy QUICK = new RetryPolicy(200, 400, 3);

    private HealthCheck() {
    }

    /** What fsck found, and whether a running server said so. */
    public record Report(RepairStore.Health health, boolean fromRunningServer) {
    }

    /** The health of the cluster whose server has this database; server overrides where it listens. */
    public static Report check(Path db, InetSocketAddress server) throws IOException {
        ServerKeys keys = OperatorLink.keys(db);
        InetSocketAddress at = server != null ? server
                : Files.exists(ServerAccess.file(db)) ? ServerAccess.udp(db) : null;
        if (at != null) {
            try {
                return new Report(parse(OperatorLink.call(keys, at, Message.of(Command.FSCK, "1"), QUICK)), true);
            } catch (NoReplyException e) {
                // No server answers: the database can be read directly.
            }
        }
        try (Database database = Database.open(db, Database.Kind.SERVER, 2)) {
            return new Report(new RepairStore(database).health(1_000), false);
        } catch (RuntimeException e) {
            throw new IOException("no server answers, and its database " + db + " cannot be opened (is the server "
                    + "running but not answering?): " + e.getMessage(), e);
        }
    }

    private static RepairStore.Health parse(Message reply) throws IOException {
        if (reply.command() != Command.FSCK_OK) {
            throw new IOException("the server refused: " + reply);
        }
        try {
            String rq = reply.rq();
            List<RepairStore.AtRisk> atRisk = new ArrayList<>();
            for (String entry : WireList.parse(reply.field(0), rq)) {
                String[] parts = entry.split(":", -1);
                if (parts.length != 4) {
                    throw new IOException("the server sent a bad entry: " + entry);
                }
                atRisk.add(new RepairStore.AtRisk(parts[0], FileNames.decode(parts[1], rq),
                        Numbers.parseInt(parts[2], rq), "missing".equals(parts[3])));
            }
            return new RepairStore.Health(Numbers.option(reply, "healthy"), Numbers.option(reply, "under_replicated"),
                    Numbers.option(reply, "repairing"), Numbers.option(reply, "missing"), atRisk);
        } catch (MalformedMessageException e) {
            throw new IOException("the server sent a bad reply: " + e.getMessage(), e);
        }
    }
}
