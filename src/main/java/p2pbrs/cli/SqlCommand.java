package p2pbrs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import p2pbrs.sql.RowsFormat;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sql}: runs one read-only query on the server's database, through the running
 * server's loopback SQL port or, when it is stopped, on its database file opened read-only.
 * Run on the server's machine as the server's user (it reads {@code <db>.sql}).
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run one read-only SQL query on the server's database (running or stopped) and print its rows. "
                + "Statements that would write are refused. Run on the server's machine, as the server's user.")
final class SqlCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUERY", description = "The query, e.g. \"SELECT name, state FROM peer\".")
    String query;

    @Option(names = "--db", defaultValue = "db/server",
            description = "The server's database path, as given to the server (default ${DEFAULT-VALUE}).")
    Path db;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    /** --json or --csv, not both; neither: an aligned table. */
    static final class Format {
        @Option(names = "--json", description = "Print an array of objects, keys in lower case, times in ISO-8601 UTC.")
        boolean json;

        @Option(names = "--csv", description = "Print RFC 4180 CSV with a header row.")
        boolean csv;

        RowsFormat chosen() {
            return json ? RowsFormat.JSON : csv ? RowsFormat.CSV : RowsFormat.TABLE;
        }
    }

    @Override
    public Integer call() {
        return Queries.print(db, format.chosen(), sql -> sql.query(query));
    }
}
