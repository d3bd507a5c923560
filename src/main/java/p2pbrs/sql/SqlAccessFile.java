package p2pbrs.sql;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import p2pbrs.store.PrivateFiles;

/**
 * How the {@code sql} command and the reports reach the server's database: a file beside it
 * ({@code <db>.sql}, readable by the server's user only), rewritten at every start with the
 * loopback port of the H2 TCP server, the read-only user and its password, and the name under
 * which that TCP server serves the database. docs/schema.md, "Folders".
 *
 * @param port     the loopback TCP port of the running server's SQL access
 * @param user     the read-only database user
 * @param password that user's password, new at every start
 * @param name     the database's name on the TCP server: random, so that nothing else reaching
 *                 the port can name this database (or any other file) without the file
 */
public record SqlAccessFile(int port, String user, String password, String name) {
    public static Path file(Path db) {
        Path absolute = db.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".sql");
    }

    void write(Path db) throws IOException {
        PrivateFiles.writeAtomically(file(db), "# How to read the database of this P2PBRS server (sql command).\n"
                + "port=" + port + "\nuser=" + user + "\npassword=" + password + "\nname=" + name + "\n");
    }

    /** What the server's last start recorded; a clear error when no server has started on this database. */
    public static SqlAccessFile read(Path db) throws IOException {
        Path file = file(db);
        if (!Files.exists(file)) {
            throw new IOException("no server has run with the database " + db + " (" + file + " is missing): "
                    + "start the server once");
        }
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(in);
        }
        String port = values.getProperty("port");
        String user = values.getProperty("user");
        String password = values.getProperty("password");
        String name = values.getProperty("name");
        if (port == null || user == null || password == null || name == null) {
            throw new IOException(file + " is incomplete: start the server again to rewrite it");
        }
        try {
            return new SqlAccessFile(Integer.parseInt(port.trim()), user.trim(), password.trim(), name.trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds a bad port: " + port, e);
        }
    }
}
