package p2pbrs.cli;

import p2pbrs.sql.SqlDoor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The one entry point: {@code java -jar p2pbrs.jar <command>}. */
@Command(name = "p2pbrs", mixinStandardHelpOptions = true, version = "p2pbrs 0.1.0",
        description = "P2PBRS: peer-to-peer backup and restore.",
        subcommands = {ServerCommand.class, PeerCommand.class, InviteCommand.class, FsckCommand.class,
                SqlCommand.class, HistoryCommand.class, FilesCommand.class, PeersCommand.class, UsageCommand.class,
                DemoCommand.class, BenchCommand.class, BenchReportsCommand.class, BenchSealCommand.class,
                BenchMetaCommand.class})
public final class Main implements Runnable {
    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0 done, 1 failed, 2 usage error). */
    public static int run(String... args) {
        // jOOQ prints a banner and tips on first use; they would clutter the output scripts read.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        SqlDoor.bindToLoopback();
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: server, peer, invite, fsck, sql, peers, usage or demo");
    }
}
