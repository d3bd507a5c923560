package p2pbrs.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import p2pbrs.protocol.ChunkFormats;

/**
 * Fills a new server database with a large, consistent history for {@code bench-reports},
 * each table in one set-based statement (INSERT ... SELECT over SYSTEM_RANGE): row by row,
 * a million placements would take longer than the reports being timed.
 *
 * <p>The shape: {@value #STORAGE_PEERS} storage peers (the last {@value #DEAD_PEERS} DEAD, so
 * that some versions are under-replicated), {@value #OWNERS} owners, files of
 * {@value #VERSIONS_PER_FILE} complete versions of {@value #CHUNKS_PER_VERSION} chunks, each
 * chunk with two STORED copies on neighbouring storage peers (the placements), the counters
 * of every chunk and version in step; runs spread over the past, one in ten failed; one
 * liveness event per ten runs. Plans (plan_peer) are not filled: no report reads them, and
 * each peer's committed_bytes is set to the bytes it holds.
 */
final class BenchData {
    static final int STORAGE_PEERS = 20;
    static final int DEAD_PEERS = 2;
    static final int OWNERS = 50;
    static final int CHUNKS_PER_VERSION = 10;
    static final int VERSIONS_PER_FILE = 2;
    static final int COPIES = 2;
    private static final long CHUNK_SIZE = 1 << 20;
    // Each chunk as stored: sealed, its format's overhead longer.
    private static final long STORED_CHUNK = CHUNK_SIZE + ChunkFormats.SEALED_V1_OVERHEAD;
    private static final String EPOCH = "TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00+00'";

    /** What was filled: the counts the reports' rows are checked against. */
    record Filled(long placements, long chunks, long versions, long files, long runs, long failedRuns,
                  long events) {
        int peers() {
            return STORAGE_PEERS + OWNERS;
        }

        String line() {
            return "filled placements=" + placements + " chunks=" + chunks + " versions=" + versions + " files="
                    + files + " peers=" + peers() + " runs=" + runs + " failed_runs=" + failedRuns + " events="
                    + events;
        }
    }

    private BenchData() {
    }

    /** The name of the i-th owner (from 1): for history --owner. */
    static String owner(int i) {
        return String.format("owner-%02d", i);
    }

    /**
     * Fills the database on this admin connection. The placements asked for are rounded down
     * to whole files (at least one per owner).
     */
    static Filled fill(Connection c, long placements, long runs) throws SQLException {
        long perFile = (long) VERSIONS_PER_FILE * CHUNKS_PER_VERSION * COPIES;
        long files = Math.max(OWNERS, placements / perFile);
        long versions = files * VERSIONS_PER_FILE;
        long chunks = versions * CHUNKS_PER_VERSION;
        // Each statement commits on its own: one transaction over millions of rows keeps
        // their undo log in the file too, which made it several times the size of the data.
        c.setAutoCommit(true);
        // Peers 1..STORAGE_PEERS store, the next OWNERS own; explicit ids, the identity moved past them.
        update(c, "INSERT INTO peer (id, name, name_key, role, ip, udp_port, tcp_port, capacity, state, registered_at, "
                + "updated_at, last_seen_at, public_id) "
                + "SELECT X, N, LOWER(N), CASE WHEN X <= ? THEN 'STORAGE' ELSE 'OWNER' END, '127.0.0.1', 10000 + X, "
                + "20000 + X, CASE WHEN X <= ? THEN 1099511627776 ELSE 0 END, "
                + "CASE WHEN X > ? AND X <= ? THEN 'DEAD' ELSE 'ALIVE' END, " + EPOCH + ", " + EPOCH + ", "
                + EPOCH + ", LPAD(CAST(X AS VARCHAR), 32, '0') "
                + "FROM (SELECT X, CASE WHEN X <= ? THEN 'storage-' || LPAD(CAST(X AS VARCHAR), 2, '0') "
                + "ELSE 'owner-' || LPAD(CAST(X - ? AS VARCHAR), 2, '0') END AS N FROM SYSTEM_RANGE(1, ?))",
                STORAGE_PEERS, STORAGE_PEERS, STORAGE_PEERS - DEAD_PEERS, STORAGE_PEERS, STORAGE_PEERS,
                STORAGE_PEERS, STORAGE_PEERS + OWNERS);
        restart(c, "peer", STORAGE_PEERS + OWNERS);
        update(c, "INSERT INTO file (id, owner_peer_id, name, created_at, last_version) "
                + "SELECT X, ? + 1 + MOD(X - 1, ?), 'file-' || LPAD(CAST(X AS VARCHAR), 7, '0') || '.dat', " + EPOCH
                + ", ? FROM SYSTEM_RANGE(1, ?)", STORAGE_PEERS, OWNERS, VERSIONS_PER_FILE, files);
        long versionSize = CHUNK_SIZE * CHUNKS_PER_VERSION;
        update(c, "INSERT INTO file_version (id, file_id, version, size, checksum, chunk_size, chunk_count, replicas, "
                + "state, created_at, completed_at, expires_at, chunks_summed, chunks_stored, chunks_full, copies_good, "
                + "stored_copies, stored_bytes, chunk_name, format, owner_peer_id) "
                + "SELECT X, 1 + (X - 1) / ?, 1 + MOD(X - 1, ?), ?, LPAD(CAST(X AS VARCHAR), 64, 'v'), ?, ?, ?, "
                + "'COMPLETE', DATEADD('MINUTE', X, " + EPOCH + "), DATEADD('MINUTE', X, " + EPOCH + "), "
                + "DATEADD('MINUTE', X, " + EPOCH + "), ?, ?, ?, ?, ?, ?, LPAD(CAST(X AS VARCHAR), 32, '0'), ?, "
                // The file's owner, as the file rows above give it.
                + "? + 1 + MOD((X - 1) / ?, ?) "
                + "FROM SYSTEM_RANGE(1, ?)",
                VERSIONS_PER_FILE, VERSIONS_PER_FILE, versionSize, CHUNK_SIZE, CHUNKS_PER_VERSION, COPIES,
                CHUNKS_PER_VERSION, CHUNKS_PER_VERSION, CHUNKS_PER_VERSION, CHUNKS_PER_VERSION * COPIES,
                CHUNKS_PER_VERSION * COPIES, STORED_CHUNK * CHUNKS_PER_VERSION * COPIES, ChunkFormats.SEALED_V1,
                STORAGE_PEERS, VERSIONS_PER_FILE, OWNERS, versions);
        // A copy on one of the DEAD peers (the last ones) is good but not live.
        update(c, "INSERT INTO chunk (id, file_version_id, idx, size, checksum, good_copies, live_copies) "
                + "SELECT k.X, 1 + (k.X - 1) / ?, MOD(k.X - 1, ?), ?, LPAD(CAST(k.X AS VARCHAR), 64, 'c'), ?, "
                + "(SELECT COUNT(*) FROM SYSTEM_RANGE(0, ?) s WHERE 1 + MOD(k.X + s.X, ?) <= ?) "
                + "FROM SYSTEM_RANGE(1, ?) k", CHUNKS_PER_VERSION, CHUNKS_PER_VERSION, STORED_CHUNK, COPIES,
                COPIES - 1, STORAGE_PEERS, STORAGE_PEERS - DEAD_PEERS, chunks);
        update(c, "UPDATE file_version v SET "
                + "chunks_live = (SELECT COUNT(*) FROM chunk ch WHERE ch.file_version_id = v.id AND ch.live_copies > 0), "
                + "chunks_live_full = (SELECT COUNT(*) FROM chunk ch WHERE ch.file_version_id = v.id "
                + "AND ch.live_copies >= v.replicas)");
        // The copies of chunk k are on storage peers k and k + 1 (modulo their number).
        update(c, "INSERT INTO replica (file_version_id, chunk_idx, peer_id, state, size, checksum, stored_at, "
                + "updated_at) SELECT ch.file_version_id, ch.idx, 1 + MOD(ch.id + s.X, ?), 'STORED', ch.size, "
                + "ch.checksum, " + EPOCH + ", " + EPOCH + " FROM chunk ch CROSS JOIN SYSTEM_RANGE(0, ?) s",
                STORAGE_PEERS, COPIES - 1);
        restart(c, "file", files);
        restart(c, "file_version", versions);
        restart(c, "chunk", chunks);
        update(c, "UPDATE peer p SET stored_bytes = (SELECT COALESCE(SUM(r.size), 0) FROM replica r "
                + "WHERE r.peer_id = p.id), stored_copies = (SELECT COUNT(*) FROM replica r WHERE r.peer_id = p.id)");
        update(c, "UPDATE peer SET committed_bytes = stored_bytes");
        // Runs: backups and restores by turns, of the owners' own files, one a minute; every
        // tenth failed (a refused restore has started_at = finished_at).
        update(c, "INSERT INTO run (kind, owner_peer_id, owner_name, file_name, version, size, chunk_count, "
                + "peers_used, started_at, finished_at, outcome, reason, bytes_per_second) "
                + "SELECT CASE WHEN MOD(r.X, 2) = 0 THEN 'BACKUP' ELSE 'RESTORE' END, f.owner_peer_id, o.name, f.name, "
                + "1 + MOD(r.X, ?), ?, ?, ?, DATEADD('SECOND', r.X * 60 - 8, " + EPOCH + "), "
                + "DATEADD('SECOND', r.X * 60, " + EPOCH + "), "
                + "CASE WHEN MOD(r.X, 10) = 0 THEN 'FAILED' ELSE 'OK' END, "
                + "CASE WHEN MOD(r.X, 10) = 0 THEN 'No-capacity' END, ? "
                + "FROM SYSTEM_RANGE(1, ?) r JOIN file f ON f.id = 1 + MOD(r.X - 1, ?) "
                + "JOIN peer o ON o.id = f.owner_peer_id",
                VERSIONS_PER_FILE, versionSize, CHUNKS_PER_VERSION, COPIES, versionSize / 8, runs, files);
        long events = runs / 10;
        update(c, "INSERT INTO event (at, kind, peer_id, peer_name, from_state, to_state) "
                + "SELECT DATEADD('SECOND', X * 600, " + EPOCH + "), 'STATE', p.id, p.name, "
                + "CASE WHEN MOD(X, 2) = 0 THEN 'ALIVE' ELSE 'STALE' END, "
                + "CASE WHEN MOD(X, 2) = 0 THEN 'STALE' ELSE 'ALIVE' END "
                + "FROM SYSTEM_RANGE(1, ?) JOIN peer p ON p.id = 1 + MOD(X, ?)", events, STORAGE_PEERS);
        try (Statement st = c.createStatement()) {
            // Fresh statistics, as a long-running database would have, for the planner's choices.
            st.execute("ANALYZE");
        }
        return new Filled(chunks * COPIES, chunks, versions, files, runs, runs / 10, events);
    }

    /** Moves a table's identity past the explicit ids 1..last given to its rows. */
    private static void restart(Connection c, String table, long last) throws SQLException {
        update(c, "ALTER TABLE " + table + " ALTER COLUMN id RESTART WITH " + (last + 1));
    }

    private static void update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            st.executeUpdate();
        }
    }
}
