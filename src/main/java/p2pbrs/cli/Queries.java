package p2pbrs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;
import p2pbrs.sql.ReadOnlySql;
import p2pbrs.sql.Rows;
import p2pbrs.sql.RowsFormat;

/** What the sql command and the reports share: one read-only connection, rows printed, errors said. */
final class Queries {
    // H2's error codes for a write refused: not enough rights, admin rights required, database read-only.
    private static final Set<Integer> WRITE_REFUSALS = Set.of(90096, 90040, 90097);

    /** A query on the read-only connection. */
    interface Query {
        Rows run(ReadOnlySql sql) throws SQLException;
    }

    private Queries() {
    }

    /** Runs the query on the server's database (running or stopped) and prints its rows; returns the exit code. */
    static int print(Path db, RowsFormat format, Query query) {
        try (ReadOnlySql sql = ReadOnlySql.connect(db)) {
            System.out.print(format.format(query.run(sql)));
            System.out.flush();
            return 0;
        } catch (IOException e) {
            System.err.println("ERROR " + e.getMessage());
            return 1;
        } catch (SQLException e) {
            System.err.println("ERROR " + (WRITE_REFUSALS.contains(e.getErrorCode()) ? "refused, this access is "
                    + "read-only: " : "") + firstLine(e.getMessage()));
            return 1;
        }
    }

    // H2 appends "; SQL statement:", the whole statement and its error code on further
    // lines: the first line, without that, says why.
    private static String firstLine(String message) {
        int nl = message == null ? -1 : message.indexOf('\n');
        String first = nl < 0 ? String.valueOf(message) : message.substring(0, nl);
        return first.endsWith("; SQL statement:") ? first.substring(0, first.length() - "; SQL statement:".length())
                : first;
    }
}
