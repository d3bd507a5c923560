package p2pbrs.testing;

import java.util.List;
import org.jooq.DSLContext;

/**
 * Counts again, from the placements, every counter the server keeps in step with them
 * (docs/schema.md, "Counters") and lists each one that differs. One statement, so that it
 * reads one consistent state of a server that is still running.
 */
public final class CounterAudit {
    private static final String GOOD = "r.state = 'STORED' AND r.checksum = c.checksum";
    private static final String AUDIT = """
            SELECT 'peer ' || p.name || ' stored_copies=' || p.stored_copies || ' stored_bytes=' || p.stored_bytes
                   || ' but holds ' || COALESCE(r.n, 0) || ' copies, ' || COALESCE(r.b, 0) || ' bytes'
            FROM peer p LEFT JOIN (SELECT peer_id, COUNT(*) AS n, SUM(size) AS b FROM replica WHERE state = 'STORED'
                                   GROUP BY peer_id) r ON r.peer_id = p.id
            WHERE p.stored_copies <> COALESCE(r.n, 0) OR p.stored_bytes <> COALESCE(r.b, 0)
            UNION ALL
            SELECT 'version ' || v.id || ' stored_copies=' || v.stored_copies || ' stored_bytes=' || v.stored_bytes
                   || ' but has ' || COALESCE(r.n, 0) || ' copies, ' || COALESCE(r.b, 0) || ' bytes'
            FROM file_version v LEFT JOIN (SELECT file_version_id, COUNT(*) AS n, SUM(size) AS b FROM replica
                                           WHERE state = 'STORED' GROUP BY file_version_id) r
                 ON r.file_version_id = v.id
            WHERE v.stored_copies <> COALESCE(r.n, 0) OR v.stored_bytes <> COALESCE(r.b, 0)
            UNION ALL
            SELECT 'chunk ' || c.file_version_id || '/' || c.idx || ' good_copies=' || c.good_copies
                   || ' live_copies=' || c.live_copies || ' but counted ' || g.good || ' good, ' || g.live || ' live'
            FROM chunk c JOIN (SELECT c.id, COUNT(r.id) AS good,
                                      COUNT(CASE WHEN p.state IN ('ALIVE', 'STALE') THEN 1 END) AS live
                               FROM chunk c LEFT JOIN replica r ON r.file_version_id = c.file_version_id
                                    AND r.chunk_idx = c.idx AND %s
                               LEFT JOIN peer p ON p.id = r.peer_id
                               GROUP BY c.id) g ON g.id = c.id
            WHERE c.good_copies <> g.good OR c.live_copies <> g.live
            UNION ALL
            SELECT 'version ' || v.id || ' chunks_stored/full/live/live_full/copies_good=' || v.chunks_stored || '/'
                   || v.chunks_full || '/' || v.chunks_live || '/' || v.chunks_live_full || '/' || v.copies_good
                   || ' but counted ' || g.s || '/' || g.f || '/' || g.l || '/' || g.lf || '/' || g.cg
            FROM file_version v JOIN (SELECT v.id, COUNT(CASE WHEN c.good_copies > 0 THEN 1 END) AS s,
                                             COUNT(CASE WHEN c.good_copies >= v.replicas THEN 1 END) AS f,
                                             COUNT(CASE WHEN c.live_copies > 0 THEN 1 END) AS l,
                                             COUNT(CASE WHEN c.live_copies >= v.replicas THEN 1 END) AS lf,
                                             COALESCE(SUM(c.good_copies), 0) AS cg
                                      FROM file_version v LEFT JOIN chunk c ON c.file_version_id = v.id
                                      GROUP BY v.id) g ON g.id = v.id
            WHERE v.state IN ('PENDING', 'COMPLETE')
              AND (v.chunks_stored <> g.s OR v.chunks_full <> g.f OR v.chunks_live <> g.l OR v.chunks_live_full <> g.lf
                   OR v.copies_good <> g.cg)""".formatted(GOOD);

    private CounterAudit() {
    }

    /** Every counter that differs from its count, described; empty when all agree. */
    public static List<String> mismatches(DSLContext dsl) {
        return dsl.fetch(AUDIT).getValues(0, String.class);
    }
}
