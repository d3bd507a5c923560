package p2pbrs.sql;

import java.sql.SQLException;

/**
 * The ready-made reports: each one query, run as the read-only user like any other, so that
 * a report shows nothing an operator's own SQL could not.
 */
public final class Reports {
    // Bytes and chunks are the STORED copies a peer holds now. The last heartbeat is the
    // peer's last_seen_at: the server keeps the latest in memory and writes it once it is
    // 30 s ahead of the stored one, so on a running server it can lag by that much.
    private static final String PEERS = """
            SELECT p.name, p.role, p.state, p.capacity, COALESCE(SUM(r.size), 0) AS bytes_used,
                   COUNT(r.id) AS chunks, p.committed_bytes, p.last_seen_at AS last_heartbeat
            FROM peer p
            LEFT JOIN replica r ON r.peer_id = p.id AND r.state = 'STORED'
            WHERE p.state <> 'GONE' OR CAST(? AS BOOLEAN)
            GROUP BY p.id, p.name, p.role, p.state, p.capacity, p.committed_bytes, p.last_seen_at
            ORDER BY p.name, p.id""";

    // Per owner: the copies of its files' versions held by storage peers now; per storage
    // peer: the copies it holds, of how many owners' files.
    private static final String USAGE = """
            SELECT 'owner' AS kind, o.name, COUNT(DISTINCT f.id) AS files, COUNT(DISTINCT v.id) AS versions,
                   COUNT(r.id) AS chunks, COALESCE(SUM(r.size), 0) AS bytes
            FROM peer o
            JOIN file f ON f.owner_peer_id = o.id
            JOIN file_version v ON v.file_id = f.id
            LEFT JOIN replica r ON r.file_version_id = v.id AND r.state = 'STORED'
            GROUP BY o.id, o.name
            UNION ALL
            SELECT 'peer', p.name, COUNT(DISTINCT v.file_id), COUNT(DISTINCT r.file_version_id),
                   COUNT(r.id), COALESCE(SUM(r.size), 0)
            FROM peer p
            LEFT JOIN replica r ON r.peer_id = p.id AND r.state = 'STORED'
            LEFT JOIN file_version v ON v.id = r.file_version_id
            WHERE p.role IN ('STORAGE', 'BOTH') AND p.state <> 'GONE'
            GROUP BY p.id, p.name
            ORDER BY kind, name""";

    private Reports() {
    }

    /** Each peer: state, capacity, bytes used, chunks held, last heartbeat; gone peers only when asked. */
    public static Rows peers(ReadOnlySql sql, boolean withGone) throws SQLException {
        return sql.query(PEERS, withGone);
    }

    /** Bytes stored per owner and per storage peer. */
    public static Rows usage(ReadOnlySql sql) throws SQLException {
        return sql.query(USAGE);
    }
}
