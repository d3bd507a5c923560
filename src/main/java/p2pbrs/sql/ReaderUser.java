package p2pbrs.sql;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The database user of the {@code sql} command: it may SELECT from every table and view but
 * those that hold secrets, and do nothing else (H2 keeps writes, DDL, SHUTDOWN and the file
 * functions to admins and to owners of rights). Set up at every start from
 * INFORMATION_SCHEMA, so that tables added by later migrations are granted too, and a table
 * that comes to hold a secret loses its grant.
 */
final class ReaderUser {
    static final String NAME = "P2PBRS_READER";
    // Tables that hold a secret or what could be turned back into one: token hashes and sealed
    // ticket keys, stored replies (a retransmitted REGISTERED carried a token), invitation code
    // hashes, and the cluster id that storage peers check before obeying a release.
    private static final Set<String> DENIED_TABLES = Set.of("PEER_SECRET", "REQUEST_LOG", "INVITE", "CLUSTER");
    // A table or view added later with a column named like a secret is kept out too.
    private static final Pattern SECRET_COLUMN = Pattern.compile(".*(TOKEN|SECRET|PASSWORD|HMAC|TICKET_KEY|CODE).*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReaderUser() {
    }

    /** Creates the user if needed, gives it a new password, sets its grants; returns the password. */
    static String setUp(Connection admin) throws SQLException {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String password = HexFormat.of().formatHex(bytes);
        try (Statement st = admin.createStatement()) {
            // The password is hex: nothing in it can end the literal.
            st.execute("CREATE USER IF NOT EXISTS " + NAME + " PASSWORD '" + password + "'");
            st.execute("ALTER USER " + NAME + " SET PASSWORD '" + password + "'");
            Set<String> deniedTables = deniedTables(admin);
            for (String table : tables(admin)) {
                boolean denied = deniedTables.contains(table);
                st.execute((denied ? "REVOKE SELECT ON " : "GRANT SELECT ON ") + "PUBLIC.\"" + table + "\""
                        + (denied ? " FROM " : " TO ") + NAME);
            }
        }
        return password;
    }

    /** Every table and view of the schema. */
    static Set<String> tables(Connection c) throws SQLException {
        return names(c, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'");
    }

    /** The tables and views the reader may not read: the deny-list, and any with a column named like a secret. */
    static Set<String> deniedTables(Connection c) throws SQLException {
        Set<String> denied = new TreeSet<>(DENIED_TABLES);
        for (String column : names(c, "SELECT TABLE_NAME || '.' || COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_SCHEMA = 'PUBLIC'")) {
            int dot = column.indexOf('.');
            if (SECRET_COLUMN.matcher(column.substring(dot + 1).toUpperCase(Locale.ROOT)).matches()) {
                denied.add(column.substring(0, dot));
            }
        }
        return denied;
    }

    private static Set<String> names(Connection c, String query) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
