package p2pbrs.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import p2pbrs.protocol.Role;
import p2pbrs.server.Invites;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code invite}: run on the server's machine, asks the running server for a single-use
 * code that lets one new peer register, and prints the code alone on the last line.
 */
@Command(name = "invite", mixinStandardHelpOptions = true,
        description = "Make a single-use invitation for one new peer (run on the server's machine, as the "
                + "server's user, while the server runs). Prints the code alone on the last line; the peer "
                + "joins with --invite CODE.")
final class InviteCommand implements Callable<Integer> {
    @Option(names = "--db", defaultValue = "db/server",
            description = "The server's database path, as given to the server (default ${DEFAULT-VALUE}).")
    Path db;

    @Option(names = "--role", defaultValue = "BOTH",
            description = "The role the invited peer may take: OWNER, STORAGE or BOTH (any) (default ${DEFAULT-VALUE}).")
    Role role;

    @Option(names = "--expires", defaultValue = "24h", converter = DurationConverter.class,
            description = "How long the code stays valid: 30m, 24h, 7d (default ${DEFAULT-VALUE}).")
    Duration expires;

    @Override
    public Integer call() {
        if (expires.isZero() || expires.isNegative()) {
            System.err.println("ERROR --expires must be positive");
            return 2;
        }
        try {
            String code = Invites.request(db, role, expires);
            System.out.println("Invitation for one " + (role == Role.BOTH ? "peer of any role" : role + " peer")
                    + ", valid for " + expires.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                    + ". The peer joins with --invite CODE:");
            System.out.println(code);
            return 0;
        } catch (Exception e) {
            System.err.println("ERROR " + e.getMessage());
            return 1;
        }
    }
}
