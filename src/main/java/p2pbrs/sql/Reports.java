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
            SELECT p.name, p.role, p.state, p.capacity, COALESCE(r.bytes, 0) AS bytes_used,
                   COALESCE(r.chunks, 0) AS chunks, p.committed_bytes, p.last_seen_at AS last_heartbeat
            FROM peer p
            LEFT JOIN (SELECT peer_id, SUM(size) AS bytes, COUNT(*) AS chunks FROM replica
                       WHERE state = 'STORED' GROUP BY peer_id) r ON r.peer_id = p.id
            WHERE p.state <> 'GONE' OR CAST(? AS BOOLEAN)
            ORDER BY p.name, p.id""";

    // Per owner: the copies of its files' versions held by storage peers now; per storage
    // peer: the copies it holds, of how many owners' files. Copies are summed per version
    // (or per peer and version) first, so that each report scans the replicas once.
    private static final String USAGE = """
            SELECT 'owner' AS kind, o.name, COUNT(DISTINCT f.id) AS files, COUNT(DISTINCT v.id) AS versions,
                   CAST(COALESCE(SUM(r.chunks), 0) AS BIGINT) AS chunks, COALESCE(SUM(r.bytes), 0) AS bytes
            FROM peer o
            JOIN file f ON f.owner_peer_id = o.id
            JOIN file_version v ON v.file_id = f.id
            LEFT JOIN (SELECT file_version_id, COUNT(*) AS chunks, SUM(size) AS bytes FROM replica
                       WHERE state = 'STORED' GROUP BY file_version_id) r ON r.file_version_id = v.id
            GROUP BY o.id, o.name
            UNION ALL
            SELECT 'peer', p.name, COUNT(DISTINCT v.file_id), COUNT(DISTINCT r.file_version_id),
                   CAST(COALESCE(SUM(r.chunks), 0) AS BIGINT), COALESCE(SUM(r.bytes), 0)
            FROM peer p
            LEFT JOIN (SELECT peer_id, file_version_id, COUNT(*) AS chunks, SUM(size) AS bytes FROM replica
                       WHERE state = 'STORED' GROUP BY peer_id, file_version_id) r ON r.peer_id = p.id
            LEFT JOIN file_version v ON v.id = r.file_version_id
            WHERE p.role IN ('STORAGE', 'BOTH') AND p.state <> 'GONE'
            GROUP BY p.id, p.name
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
    // than wanted. Live copies are counted by one grouped join over all chunks, not a
    // subquery per chunk: on a million placements that is what keeps the report usable.
    private static final String FILES = """
            SELECT o.name AS owner, f.name AS file, v.version, v.size, v.chunk_count AS chunks,
                   v.replicas AS copies_wanted,
                   CASE WHEN v.state <> 'COMPLETE' THEN LOWER(v.state)
                        WHEN v.chunk_count = 0 THEN 'healthy'
                        WHEN COUNT(c.idx) < v.chunk_count OR MIN(c.live) = 0 THEN 'missing'
                        WHEN MIN(c.live) < v.replicas THEN 'under-replicated'
                        ELSE 'healthy' END AS health,
                   v.created_at, v.completed_at
            FROM file_version v
            JOIN file f ON f.id = v.file_id
            JOIN peer o ON o.id = f.owner_peer_id
            LEFT JOIN (SELECT ch.file_version_id, ch.idx, COUNT(p.id) AS live
                       FROM chunk ch
                       LEFT JOIN replica r ON r.file_version_id = ch.file_version_id AND r.chunk_idx = ch.idx
                            AND r.state = 'STORED' AND r.checksum = ch.checksum
                       LEFT JOIN peer p ON p.id = r.peer_id AND p.state IN ('ALIVE', 'STALE')
                       GROUP BY ch.file_version_id, ch.idx) c ON c.file_version_id = v.id
            WHERE v.state IN ('PENDING', 'COMPLETE')
            GROUP BY v.id, o.name, f.name, v.version, v.size, v.chunk_count, v.replicas, v.state, v.created_at,
                     v.completed_at
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
