package p2pbrs.sql;

import java.util.List;

/** The result of a query: its column labels, and its rows of JDBC values (null for SQL NULL). */
public record Rows(List<String> columns, List<List<Object>> rows) {
    public Rows {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
