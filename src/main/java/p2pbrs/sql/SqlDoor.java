package p2pbrs.sql;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HexFormat;
import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.store.Database;

/**
 * The running server's read-only SQL access: an H2 TCP server on loopback that serves this
 * one database, under a random name, to the read-only user (see {@link ReaderUser}), and the
 * {@code <db>.sql} file that says how to reach it.
 */
public final class SqlDoor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqlDoor.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        // H2 has no flag for the address its TCP server binds: only this property, read once
        // when H2 first needs it. Set here and by the command line's entry point before any
        // H2 class loads, so that the port listens on loopback only (H2 also refuses
        // connections from other machines itself, without -tcpAllowOthers).
        System.setProperty("h2.bindAddress", "127.0.0.1");
    }

    private final Server tcp;

    private SqlDoor(Server tcp) {
        this.tcp = tcp;
    }

    /**
     * Called first thing by the command line and by a server's start, before H2 is loaded
     * (see the static block); once H2 is loaded in a process (a test's JVM) it is too late,
     * and the port listens on every address but still serves loopback connections only.
     */
    public static void bindToLoopback() {
        // The static initialiser has run.
    }

    /** Sets up the read-only user, starts the TCP server on the port (0: any free one) and writes {@code <db>.sql}. */
    public static SqlDoor open(Database database, int port) throws IOException {
        String password;
        try {
            password = database.dsl().connectionResult(ReaderUser::setUp);
        } catch (RuntimeException e) {
            throw new IOException("cannot set up the read-only database user: " + e.getMessage(), e);
        }
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String name = HexFormat.of().formatHex(bytes);
        Server tcp;
        try {
            // -key: only this name is served, mapped to this database; -ifExists: nothing is created.
            tcp = Server.createTcpServer("-tcpPort", Integer.toString(port), "-tcpDaemon", "-ifExists",
                    "-key", name, "file:" + database.file()).start();
        } catch (SQLException e) {
            throw new IOException("cannot open the SQL port " + port + " on loopback: " + e.getMessage(), e);
        }
        try {
            new SqlAccessFile(tcp.getPort(), ReaderUser.NAME, password, name).write(database.file());
        } catch (IOException | RuntimeException e) {
            tcp.stop();
            throw e;
        }
        LOG.info("read-only SQL access on 127.0.0.1:{} (the sql command finds it in {})", tcp.getPort(),
                SqlAccessFile.file(database.file()).getFileName());
        return new SqlDoor(tcp);
    }

    public int port() {
        return tcp.getPort();
    }

    @Override
    public void close() {
        tcp.stop();
    }
}
