package p2pbrs.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import p2pbrs.protocol.PeerEntry;
import p2pbrs.protocol.Sizes;

/**
 * The peer's command line. Each command's outcome ends with exactly one line starting
 * with {@code OK} or {@code ERROR}, so that a script can wait for it.
 */
public final class Shell {
    /** Why {@link #run} returned. */
    public enum End { QUIT, END_OF_INPUT }

    private static final String HELP = String.join(System.lineSeparator(),
            "commands:",
            "  backup PATH              back a file up under its base name",
            "  restore NAME [VERSION]   restore the newest (or the given) version into the restore dir",
            "  files                    list this peer's backed-up files, every version, and each one's health",
            "  forget NAME VERSION      forget one version of a backed-up file (its space is freed)",
            "  forget NAME --all        forget every version of a backed-up file",
            "  list                     list the registered peers",
            "  status                   this peer's registration, liveness, what it stores, its last scrub and",
            "                           its process's peak memory",
            "  de                       de-register this peer (one holding others' chunks first waits until",
            "                           they have their copies elsewhere, serving them meanwhile)",
            "  help                     show this help",
            "  quit                     stop this peer");

    private final Peer peer;
    private final PrintStream out;

    public Shell(Peer peer, PrintStream out) {
        this.peer = peer;
        this.out = out;
    }

    /** Reads and runs commands until quit or the end of input. */
    public End run(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            if (execute(line) == Outcome.QUIT) {
                return End.QUIT;
            }
        }
        return End.END_OF_INPUT;
    }

    /** What running one command line came to. */
    public enum Outcome { OK, FAILED, QUIT }

    public Outcome execute(String line) {
        List<String> words;
        try {
            words = Words.split(line);
        } catch (PeerException e) {
            out.println("ERROR " + e.getMessage());
            return Outcome.FAILED;
        }
        if (words.isEmpty()) {
            out.println("ERROR empty command (try help)");
            return Outcome.FAILED;
        }
        String command = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        try {
            switch (command) {
                case "backup" -> backup(args);
                case "restore" -> restore(args);
                case "files" -> files(args);
                case "forget" -> forget(args);
                case "list" -> list(args);
                case "status" -> status(args);
                case "de" -> deRegister(args);
                case "help" -> {
                    noArgs(args);
                    out.println(HELP);
                    out.println("OK help");
                }
                case "quit" -> {
                    noArgs(args);
                    out.println("OK quit");
                    return Outcome.QUIT;
                }
                default -> throw new PeerException("unknown command '" + words.get(0) + "' (try help)");
            }
            return Outcome.OK;
        } catch (PeerException e) {
            out.println("ERROR " + e.getMessage());
            return Outcome.FAILED;
        } catch (RuntimeException e) {
            out.println("ERROR " + command + " failed: " + e);
            return Outcome.FAILED;
        }
    }

    private void list(List<String> args) throws PeerException {
        noArgs(args);
        List<PeerEntry> peers = peer.list();
        for (PeerEntry p : peers) {
            out.printf(Locale.ROOT, "%-20s %-7s %-15s udp=%-5d tcp=%-5d capacity=%-10s used=%-10s free=%-10s %s%n",
                    p.name(), p.role(), p.ip(), p.udpPort(), p.tcpPort(), Sizes.human(p.capacity()),
                    Sizes.human(p.used()), Sizes.human(p.free()), p.state());
        }
        out.println("OK list: " + peers.size() + (peers.size() == 1 ? " peer" : " peers"));
    }

    private void status(List<String> args) throws PeerException {
        noArgs(args);
        PeerStatus s = peer.status();
        out.printf(Locale.ROOT, "name=%s role=%s server=%s registered=%s state=%s%n", s.name(), s.role(), s.server(),
                s.registered() ? "yes" : "no (waiting for the server)", s.state() == null ? "unknown" : s.state());
        out.printf(Locale.ROOT, "stored: %d chunks, %s of %s%n", s.chunks(), Sizes.human(s.bytesStored()),
                Sizes.human(s.capacity()));
        out.println("scrub: " + ScrubReport.describe(s.lastScrub()));
        out.println(s.memory().line());
        out.println("OK status");
    }

    private void backup(List<String> args) throws PeerException {
        if (args.size() != 1) {
            throw new PeerException("usage: backup PATH");
        }
        BackupResult r = peer.backup(Path.of(args.get(0)));
        out.printf(Locale.ROOT, "OK backup %s version=%d size=%d chunks=%d under_replicated=%d rate=%s/s%n",
                r.name(), r.version(), r.size(), r.chunks(), r.underReplicated(),
                Sizes.human((long) r.bytesPerSecond()));
    }

    private void restore(List<String> args) throws PeerException {
        if (args.isEmpty() || args.size() > 2) {
            throw new PeerException("usage: restore NAME [VERSION]");
        }
        Integer version = args.size() == 2 ? version(args.get(1)) : null;
        RestoreResult r = peer.restore(args.get(0), version);
        out.printf(Locale.ROOT, "OK restore %s version=%d size=%d to %s rate=%s/s%n", r.name(), r.version(), r.size(),
                r.path(), Sizes.human((long) r.bytesPerSecond()));
    }

    private void forget(List<String> args) throws PeerException {
        if (args.size() != 2) {
            throw new PeerException("usage: forget NAME VERSION | forget NAME --all");
        }
        Integer version = "--all".equals(args.get(1)) ? null : version(args.get(1));
        int n = peer.forget(args.get(0), version);
        out.println("OK forget " + args.get(0) + ": " + n + (n == 1 ? " version" : " versions") + " forgotten");
    }

    private static int version(String text) throws PeerException {
        int version;
        try {
            version = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new PeerException("VERSION is a whole number: " + text);
        }
        if (version < 1) {
            throw new PeerException("versions count from 1");
        }
        return version;
    }

    private void files(List<String> args) throws PeerException {
        noArgs(args);
        List<FileEntry> files = peer.files();
        for (FileEntry f : files) {
            out.printf(Locale.ROOT, "%-40s v%-4d %12d B  %s  %d chunks  %s%n", f.name(), f.version(), f.size(),
                    f.completedAt(), f.chunks(), f.health() == null ? "health unknown" : f.health().wire());
        }
        out.println("OK files: " + files.size() + (files.size() == 1 ? " version" : " versions"));
    }

    private void deRegister(List<String> args) throws PeerException {
        noArgs(args);
        boolean[] decommissioned = {false};
        int deleted = peer.deRegister(d -> {
            decommissioned[0] = true;
            out.printf(Locale.ROOT, "DECOMMISSIONING %s: %d %s still to be made elsewhere%s; serving its chunks "
                            + "until then%n", peer.name(), d.copiesLeft(), d.copiesLeft() == 1 ? "copy" : "copies",
                    d.pendingBackups() == 0 ? "" : ", and " + d.pendingBackups()
                            + (d.pendingBackups() == 1 ? " backup" : " backups") + " under way use it");
        });
        String files = deleted + (deleted == 1 ? " chunk file" : " chunk files") + " deleted";
        out.println("OK de-registered " + peer.name() + (decommissioned[0] ? ": decommissioned and gone, " + files
                : deleted > 0 ? ": gone, " + files : ""));
    }

    private static void noArgs(List<String> args) throws PeerException {
        if (!args.isEmpty()) {
            throw new PeerException("this command takes no arguments");
        }
    }
}
