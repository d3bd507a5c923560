package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.peer.LocalCluster.CHUNK;
import static p2pbrs.peer.LocalCluster.GIB;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.cli.Main;
import p2pbrs.protocol.Role;
import p2pbrs.sql.ReadOnlySql;
import p2pbrs.sql.Rows;
import p2pbrs.sql.SqlAccessFile;

/**
 * The {@code sql} command's door into the server's database: read-only whatever is tried,
 * no secret readable, the same answers from a running server and a stopped one.
 */
class SqlAccessTest {
    // Tables whose rows must survive every statement tried.
    private static final List<String> WATCHED = List.of("PEER", "FILE", "FILE_VERSION", "CHUNK", "REPLICA",
            "PEER_SECRET");

    @TempDir
    Path dir;

    @Test
    void everyWriteIsRefusedAndChangesNothing() throws Exception {
        try (LocalCluster c = cluster()) {
            Path db = dir.resolve("server");
            Map<String, Long> before = counts(db);
            Path out = dir.resolve("written");
            List<String> writes = List.of(
                    "INSERT INTO peer (name) VALUES ('X')",
                    "UPDATE peer SET capacity = 0",
                    "DELETE FROM replica",
                    "MERGE INTO file_version KEY (id) SELECT * FROM file_version",
                    "TRUNCATE TABLE replica",
                    "CREATE TABLE x (i INT)",
                    "DROP TABLE replica",
                    "ALTER TABLE peer ADD COLUMN x INT",
                    "CREATE VIEW v AS SELECT * FROM peer_secret",
                    "GRANT SELECT ON peer_secret TO P2PBRS_READER",
                    "ALTER USER P2PBRS_READER ADMIN TRUE",
                    "SHUTDOWN",
                    "SELECT 1; DELETE FROM replica",
                    "SELECT CSVWRITE('" + out + ".csv', 'SELECT * FROM peer')",
                    "SELECT FILE_WRITE('abc', '" + out + ".bin')",
                    "SELECT FILE_READ('" + db + ".mv.db')",
                    "CALL LINK_SCHEMA('L', '', 'jdbc:h2:mem:l', 'sa', '', 'PUBLIC')",
                    "SCRIPT TO '" + out + ".sql'",
                    "BACKUP TO '" + out + ".zip'",
                    "RUNSCRIPT FROM '" + out + ".sql'",
                    "CREATE ALIAS w FOR 'java.lang.System.exit'");
            for (String write : writes) {
                assertEquals(1, run(db, write), write);
            }
            assertEquals(before, counts(db));
            try (ReadOnlySql sql = ReadOnlySql.connect(db)) {
                assertTrue(sql.fromRunningServer());
            }
            for (String suffix : List.of(".csv", ".bin", ".sql", ".zip")) {
                assertFalse(Files.exists(dir.resolve("written" + suffix)), suffix);
            }
            // Stopped: the same refusals, on the file opened read-only.
            c.server.close();
            try (ReadOnlySql sql = ReadOnlySql.connect(db)) {
                assertFalse(sql.fromRunningServer());
            }
            for (String write : writes) {
                assertEquals(1, run(db, write), write);
            }
            assertEquals(before, counts(db));
        }
    }

    @Test
    void noSecretIsSelectableFromAnyTableOrView() throws Exception {
        try (LocalCluster c = cluster()) {
            Path db = dir.resolve("server");
            List<String> secrets = new ArrayList<>();
            List<String> tables = new ArrayList<>();
            try (Connection admin = admin(db); Statement st = admin.createStatement()) {
                collect(st, "SELECT token_hash, sealed_ticket_key FROM peer_secret", secrets);
                collect(st, "SELECT reply FROM request_log", secrets);
                collect(st, "SELECT id FROM cluster", secrets);
                collect(st, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC'",
                        tables);
            }
            assertTrue(secrets.size() >= 6, secrets.toString());
            int readable = 0;
            try (ReadOnlySql sql = ReadOnlySql.connect(db)) {
                for (String table : tables) {
                    Rows rows;
                    try {
                        rows = sql.query("SELECT * FROM \"" + table + "\"");
                    } catch (SQLException e) {
                        continue;
                    }
                    readable++;
                    for (List<Object> row : rows.rows()) {
                        for (Object cell : row) {
                            for (String secret : secrets) {
                                assertFalse(cell != null && String.valueOf(cell).contains(secret),
                                        table + " shows a secret");
                            }
                        }
                    }
                }
                for (String denied : List.of("PEER_SECRET", "REQUEST_LOG", "INVITE", "CLUSTER")) {
                    assertThrows(SQLException.class, () -> sql.query("SELECT * FROM " + denied), denied);
                }
                assertEquals(3, sql.query("SELECT * FROM peer").rows().size());
            }
            assertTrue(readable >= 10, "tables readable: " + readable);
        }
    }

    @Test
    void tablesAddedLaterAreGrantedAtTheNextStartUnlessTheyHoldASecret() throws Exception {
        try (LocalCluster c = cluster()) {
            Path db = dir.resolve("server");
            c.server.close();
            // What a later migration might add: a table of plain facts, and one that keeps a token.
            try (Connection admin = admin(db); Statement st = admin.createStatement()) {
                st.execute("CREATE TABLE later_note (id INT, note VARCHAR(20))");
                st.execute("INSERT INTO later_note VALUES (1, 'kept')");
                st.execute("CREATE TABLE later_login (id INT, api_token VARCHAR(64))");
                st.execute("INSERT INTO later_login VALUES (1, 'secret')");
                st.execute("CREATE VIEW later_view AS SELECT p.name, s.token_hash FROM peer p "
                        + "JOIN peer_secret s ON s.peer_id = p.id");
            }
            c.restartServer(0);
            try (ReadOnlySql sql = ReadOnlySql.connect(db)) {
                assertTrue(sql.fromRunningServer());
                assertEquals(List.of(List.of(1, "kept")), sql.query("SELECT * FROM later_note").rows());
                assertThrows(SQLException.class, () -> sql.query("SELECT * FROM later_login"));
                assertThrows(SQLException.class, () -> sql.query("SELECT * FROM later_view"));
            }
        }
    }

    @Test
    void aDatabaseNoServerHasRunWithIsAClearError() {
        assertEquals(1, run(dir.resolve("nothing"), "SELECT 1"));
        assertFalse(Files.exists(dir.resolve("nothing.mv.db")));
    }

    @Test
    void theSqlPortServesOnlyThisDatabaseUnderItsSecretName() throws Exception {
        try (LocalCluster c = cluster()) {
            Path db = dir.resolve("server");
            SqlAccessFile access = SqlAccessFile.read(db);
            String port = "jdbc:h2:tcp://127.0.0.1:" + c.server.sqlPort() + "/";
            // The database by its path, or any other, as its admin: refused; a new one is not created.
            assertThrows(SQLException.class, () -> DriverManager.getConnection(port + db.toAbsolutePath(), "sa", ""));
            assertThrows(SQLException.class, () -> DriverManager.getConnection(port + dir.resolve("new"), "sa", ""));
            assertFalse(Files.exists(dir.resolve("new.mv.db")));
            // Under its name, the reader with a wrong password: refused.
            assertThrows(SQLException.class, () -> DriverManager.getConnection(port + access.name(),
                    access.user(), access.password() + "0"));
            try (Connection reader = DriverManager.getConnection(port + access.name(), access.user(),
                    access.password()); Statement st = reader.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM peer")) {
                rs.next();
                assertEquals(3, rs.getInt(1));
            }
        }
    }

    @Test
    void runningAndStoppedServerGiveTheSameRowsInEveryFormat() throws Exception {
        try (LocalCluster c = cluster()) {
            Path db = dir.resolve("server");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    SqlAccessFile.file(db))));
            assertEquals(c.server.sqlPort(), SqlAccessFile.read(db).port());
            String query = "SELECT name, capacity, registered_at FROM peer ORDER BY name";
            List<String> running = List.of(print(db, query), print(db, query, "--json"), print(db, query, "--csv"));
            c.server.close();
            List<String> stopped = List.of(print(db, query), print(db, query, "--json"), print(db, query, "--csv"));
            assertEquals(running, stopped);

            String table = running.get(0);
            assertTrue(table.lines().findFirst().orElseThrow().matches("name +capacity +registered_at"), table);
            assertTrue(table.contains("(3 rows)"), table);
            String json = running.get(1);
            assertTrue(json.startsWith("[\n  {\"name\": \"Ola\", \"capacity\": 0, \"registered_at\": \"20"), json);
            assertTrue(json.matches("(?s).*\"registered_at\": \"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\".*"), json);
            String csv = running.get(2);
            assertTrue(csv.startsWith("name,capacity,registered_at\r\nOla,0,20"), csv);
            assertEquals(4, csv.split("\r\n").length);
        }
    }

    private LocalCluster cluster() throws Exception {
        LocalCluster c = new LocalCluster(dir);
        c.start("S1", Role.STORAGE, GIB);
        c.start("S2", Role.STORAGE, GIB);
        Peer owner = c.start("Ola", Role.OWNER, 0);
        owner.backup(c.source("a.bin", LocalCluster.random(3 * CHUNK, 7)));
        return c;
    }

    private static int run(Path db, String query, String... options) {
        List<String> args = new ArrayList<>(List.of("sql", query, "--db", db.toString()));
        args.addAll(List.of(options));
        return Main.run(args.toArray(String[]::new));
    }

    private static String print(Path db, String query, String... options) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, run(db, query, options));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The rows of the watched tables, counted as the server's own user sees them. */
    private static Map<String, Long> counts(Path db) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection admin = admin(db); Statement st = admin.createStatement()) {
            for (String table : WATCHED) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.columns "
                    + "WHERE table_schema = 'PUBLIC'")) {
                rs.next();
                counts.put("columns", rs.getLong(1));
            }
        }
        return counts;
    }

    // In this JVM the running server's database is shared; stopped, it is opened (and closed again).
    private static Connection admin(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + db.toAbsolutePath().normalize()
                + ";IFEXISTS=TRUE;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
    }

    private static void collect(Statement st, String query, List<String> into) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    if (rs.getString(i) != null) {
                        into.add(rs.getString(i));
                    }
                }
            }
        }
    }
}
