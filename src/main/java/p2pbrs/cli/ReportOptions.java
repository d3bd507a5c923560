package p2pbrs.cli;

import java.nio.file.Path;
import p2pbrs.sql.RowsFormat;
import picocli.CommandLine.Option;

/** The options every report takes: which server's database, and whether to print JSON. */
final class ReportOptions {
    @Option(names = "--db", defaultValue = "db/server",
            description = "The server's database path, as given to the server (default ${DEFAULT-VALUE}).")
    Path db;

    @Option(names = "--json", description = "Print an array of objects, keys in lower case, times in ISO-8601 UTC.")
    boolean json;

    RowsFormat format() {
        return json ? RowsFormat.JSON : RowsFormat.TABLE;
    }
}
