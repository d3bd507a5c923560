package p2pbrs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real commands, as an operator and new users run them: a server that admits by
 * invitation (the default), `invite` on its machine, peers joining with --invite, and a
 * token kept out of the process list with --token-file or P2PBRS_TOKEN.
 */
class InviteIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Launched peer(String server, String name, String db, Map<String, String> env, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--server", server,
                "--db", "db/" + db, "--storage", "storage/" + db, "--rpc-timeout-ms", "100", "--rpc-tries", "5"));
        args.addAll(List.of(more));
        return Launched.start(dir, env, List.of(), args.toArray(String[]::new));
    }

    private String invite(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("invite", "--db", "db/server"));
        args.addAll(List.of(more));
        try (Launched invite = Launched.start(dir, List.of(), args.toArray(String[]::new))) {
            assertEquals(0, invite.awaitExit(WAIT), () -> invite.output().toString());
            List<String> out = invite.output();
            String code = out.get(out.size() - 1);
            assertTrue(code.matches("[0-9a-f]{32}"), "the code alone on the last line: " + out);
            return code;
        }
    }

    @Test
    void anOperatorInvitesPeersAndOnlyInvitedOnesJoin() throws Exception {
        try (Launched server = Launched.start(dir, List.of(), "server", "--udp-port", "0", "--sql-port", "0", "--db", "db/server")) {
            String address = "127.0.0.1:" + server.awaitLine(l -> l.startsWith("LISTENING udp="), WAIT)
                    .substring("LISTENING udp=".length());

            try (Launched stranger = peer(address, "Stranger", "stranger", Map.of(), "--exec", "list")) {
                assertEquals(1, stranger.awaitExit(WAIT));
                assertTrue(stranger.output().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("Invite-required")),
                        () -> stranger.output().toString());
            }

            String storageOnly = invite("--role", "STORAGE", "--expires", "2h");
            try (Launched wrongRole = peer(address, "Olga", "olga", Map.of(), "--role", "OWNER", "--invite",
                    storageOnly, "--exec", "list")) {
                assertEquals(1, wrongRole.awaitExit(WAIT));
                assertTrue(wrongRole.output().stream().anyMatch(l -> l.contains("Invite-role")),
                        () -> wrongRole.output().toString());
            }
            String token;
            try (Launched sam = peer(address, "Sam", "sam", Map.of(), "--role", "STORAGE", "--invite", storageOnly,
                    "--exec", "list")) {
                assertEquals(0, sam.awaitExit(WAIT), () -> sam.output().toString());
                token = sam.output().stream().filter(l -> l.startsWith("RECOVERY-KEY ")).findFirst().orElseThrow()
                        .substring("RECOVERY-KEY ".length());
                assertTrue(token.matches("rk1[a-z2-7]+"), token);
            }
            try (Launched again = peer(address, "Sue", "sue", Map.of(), "--role", "STORAGE", "--invite", storageOnly,
                    "--exec", "list")) {
                assertEquals(1, again.awaitExit(WAIT));
                assertTrue(again.output().stream().anyMatch(l -> l.contains("Invite-used")),
                        () -> again.output().toString());
            }

            // Sam on a new machine: the recovery key from a file, never on the command line.
            Path tokenFile = dir.resolve("sam.token");
            Files.writeString(tokenFile, token + "\n");
            try (Launched fromFile = peer(address, "Sam", "sam-2", Map.of(), "--role", "STORAGE",
                    "--recovery-key-file", tokenFile.toString(), "--exec", "list")) {
                assertEquals(0, fromFile.awaitExit(WAIT), () -> fromFile.output().toString());
                assertFalse(fromFile.output().stream().anyMatch(l -> l.startsWith("RECOVERY-KEY ")));
            }
            // ... or from the environment.
            try (Launched fromEnv = peer(address, "Sam", "sam-3", Map.of("P2PBRS_TOKEN", token), "--role", "STORAGE",
                    "--exec", "list")) {
                assertEquals(0, fromEnv.awaitExit(WAIT), () -> fromEnv.output().toString());
            }
        }
    }
}
