package p2pbrs.sql;

import java.sql.SQLException;

/**
 * The ready-made reports: each one query, run as the read-only user like any other, so that
 * a report shows nothing an operator's own SQL could not.
 */
public final class Reports {
    // Bytes and chunks are the STORED copies a peer holds now, from its counters (kept in
    // step with every copy: docs/schema.md, "Counters"). The last heartbeat is the peer's
    // last_seen_at: the server keeps the latest in memory and writes it once it is 30 s
    // ahead of the stored one, so on a running server it can lag by that much.
    private static final String PEERS = """
            SELECT p.name, p.role, p.state, p.capacity, p.stored_bytes AS bytes_used, p.stored_copies AS chunks,
                   p.committed_bytes, p.last_seen_at AS last_heartbeat
            FROM peer p
            WHERE p.state <> 'GONE' OR CAST(? AS BOOLEAN)
            ORDER BY p.name, p.id""";

    // Per owner: its files, their versions, and the copies of them storage peers hold now,
    // from each version's counters; per storage peer: the copies it holds, from its own.
    // Which files a peer's copies belong to is not counted (it would mean reading every
    // placement), so a peer's files and versions are NULL.
    private static final String USAGE = """
            SELECT 'owner' AS kind, o.name, COUNT(DISTINCT v.file_id) AS files, COUNT(*) AS versions,
                   SUM(v.stored_copies) AS chunks, SUM(v.stored_bytes) AS bytes
            FROM peer o
            JOIN file f ON f.owner_peer_id = o.id
            JOIN file_version v ON v.file_id = f.id
            GROUP BY o.id, o.name
            UNION ALL
            SELECT 'peer', p.name, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), p.stored_copies, p.stored_bytes
            FROM peer p
            WHERE p.role IN ('STORAGE', 'BOTH') AND p.state <> 'GONE'
            ORDER BY kind, name""";

    // Runs newest first, from the append-only history; each filter applies when given.
    private static final String HISTORY = """
            SELECT kind, owner_name AS owner, file_name AS file, version, size, chunk_count AS chunks, peers_used,
                   started_at, finished_at, seconds, outcome, reason, bytes_per_second
            FROM v_runs
            WHERE (CAST(? AS VARCHAR) IS NULL OR LOWER(owner_name) = LOWER(CAST(? AS VARCHAR)))
              AND (CAST(? AS VARCHAR) IS NULL OR file_name = CAST(? AS VARCHAR))
              AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR finished_at >= CAST(? AS TIMESTAMP WITH TIME ZONE))
              AND (NOT CAST(? AS BOOLEAN) OR outcome = 'FAILED')
            ORDER BY finished_at DESC, id DESC""";

    // Every version being backed up or complete, with its health counted as fsck and the
    // peer shell's files count it: a copy is live while its holder is ALIVE or STALE;
    // missing when some chunk has no live good copy, under-replicated when some has fewer
    // than wanted. Read from each version's counters, which every copy and every change of
    // a holder's state keep in step (docs/schema.md, "Counters"), not from the placements.
    private static final String FILES = """
            SELECT o.name AS owner, f.name AS file, v.version, v.size, v.chunk_count AS chunks,
                   v.replicas AS copies_wanted,
                   CASE WHEN v.state <> 'COMPLETE' THEN LOWER(v.state)
                        WHEN v.chunks_live < v.chunk_count THEN 'missing'
                        WHEN v.chunks_live_full < v.chunk_count THEN 'under-replicated'
                        ELSE 'healthy' END AS health,
                   v.created_at, v.completed_at
            FROM file_version v
            JOIN file f ON f.id = v.file_id
            JOIN peer o ON o.id = f.owner_peer_id
            WHERE v.state IN ('PENDING', 'COMPLETE')
            ORDER BY o.name, f.name, v.version""";

    private Reports() {
    }

    /**
     * Backup and restore runs, newest first; refused requests are runs too. Each filter is
     * null (or false) when not given: the owner (any case), the file, the earliest finish.
     */
    public static Rows history(ReadOnlySql sql, String owner, String file, java.time.OffsetDateTime since,
                               boolean failedOnly) throws SQLException {
        return sql.query(HISTORY, owner, owner, file, file, since, since, failedOnly);
    }

    /** Every owner's files and versions, with their health. */
    public static Rows files(ReadOnlySql sql) throws SQLException {
        return sql.query(FILES);
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
