package p2pbrs.sql;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One read-only connection to a server's database, shared by the {@code sql} command and the
 * reports: through the running server's loopback TCP port when it answers, else by opening
 * the stopped server's database file read-only. Either way as the read-only user, in a
 * transaction that is rolled back, so that nothing can be written.
 */
public final class ReadOnlySql implements AutoCloseable {
    private final Connection connection;
    private final boolean fromRunningServer;

    private ReadOnlySql(Connection connection, boolean fromRunningServer) throws SQLException {
        this.connection = connection;
        this.fromRunningServer = fromRunningServer;
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
    }

    /** Connects to the database of the server whose path (without extension) is db. */
    public static ReadOnlySql connect(Path db) throws IOException {
        SqlAccessFile access = SqlAccessFile.read(db);
        try {
            return new ReadOnlySql(DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + access.port() + "/"
                    + access.name(), access.user(), access.password()), true);
        } catch (SQLNonTransientConnectionException e) {
            // Nothing listens on the port (H2's "connection broken"): the server is stopped.
        } catch (SQLException e) {
            throw new IOException("the running server's SQL port refused: " + e.getMessage(), e);
        }
        Path absolute = db.toAbsolutePath().normalize();
        try {
            // ACCESS_MODE_DATA=r: the file is opened read-only, and H2 refuses every write.
            return new ReadOnlySql(DriverManager.getConnection("jdbc:h2:file:" + absolute
                    + ";ACCESS_MODE_DATA=r;IFEXISTS=TRUE", access.user(), access.password()), false);
        } catch (SQLException e) {
            throw new IOException("the server's SQL port " + access.port() + " does not answer and its database "
                    + absolute + " cannot be opened (is the server running but not answering?): "
                    + e.getMessage(), e);
        }
    }

    public boolean fromRunningServer() {
        return fromRunningServer;
    }

    /**
     * Runs one query. What would write is refused by H2 itself, for want of rights (the user
     * may only SELECT) or because the file is open read-only, with an SQLException; and
     * whatever a statement did is rolled back.
     */
    public Rows query(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            // execute, not executeQuery: a write is refused by H2's rights, which guard every
            // way of spelling it, rather than by a check of the statement's kind.
            if (!st.execute(sql)) {
                throw new SQLException("not a query: only statements that return rows are run");
            }
            try (ResultSet rs = st.getResultSet()) {
                return rows(rs);
            }
        } finally {
            connection.rollback();
        }
    }

    /** A query of the reports, with parameters. */
    Rows query(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rows(rs);
            }
        } finally {
            connection.rollback();
        }
    }

    private static Rows rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 1; i <= columns.size(); i++) {
                row.add(rs.getObject(i));
            }
            rows.add(row);
        }
        return new Rows(columns, rows);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
