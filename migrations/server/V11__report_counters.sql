-- Counters for the reports, kept in step wherever a copy or a holder's state changes
-- (store/CopyCounters), so that `peers`, `usage` and `files` read one row per peer or per
-- version instead of summing every placement. Layout and meaning: docs/schema.md.

-- The copies a peer holds now (STORED replicas, whatever their checksum) and their bytes.
ALTER TABLE peer ADD COLUMN stored_copies BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE peer ADD COLUMN stored_bytes BIGINT DEFAULT 0 NOT NULL;
UPDATE peer p SET
    stored_copies = (SELECT COUNT(*) FROM replica r WHERE r.peer_id = p.id AND r.state = 'STORED'),
    stored_bytes = (SELECT COALESCE(SUM(r.size), 0) FROM replica r WHERE r.peer_id = p.id AND r.state = 'STORED');

-- The same for each version: every STORED copy of its chunks, on any peer.
ALTER TABLE file_version ADD COLUMN stored_copies BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE file_version ADD COLUMN stored_bytes BIGINT DEFAULT 0 NOT NULL;
UPDATE file_version v SET
    stored_copies = (SELECT COUNT(*) FROM replica r WHERE r.file_version_id = v.id AND r.state = 'STORED'),
    stored_bytes = (SELECT COALESCE(SUM(r.size), 0) FROM replica r WHERE r.file_version_id = v.id
                    AND r.state = 'STORED');

-- Good copies whose holder is ALIVE or STALE (the copies that count, as fsck counts them);
-- per version, the chunks with at least one such copy and those with every copy wanted.
ALTER TABLE chunk ADD COLUMN live_copies INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE file_version ADD COLUMN chunks_live INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE file_version ADD COLUMN chunks_live_full INTEGER DEFAULT 0 NOT NULL;
UPDATE chunk c SET live_copies = (SELECT COUNT(*) FROM replica r JOIN peer p ON p.id = r.peer_id
    WHERE r.file_version_id = c.file_version_id AND r.chunk_idx = c.idx AND r.state = 'STORED'
      AND r.checksum = c.checksum AND p.state IN ('ALIVE', 'STALE'));
UPDATE file_version v SET
    chunks_live = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id AND c.live_copies > 0),
    chunks_live_full = (SELECT COUNT(*) FROM chunk c WHERE c.file_version_id = v.id
                        AND c.live_copies >= v.replicas);

-- The views read the counters too, and name health as the files report does.
CREATE OR REPLACE VIEW v_peer_usage AS
SELECT p.id AS peer_id, p.name, p.role, p.state, p.capacity, p.committed_bytes,
       p.stored_copies AS copies, p.stored_bytes AS bytes_stored, p.last_seen_at
FROM peer p;

DROP VIEW v_file_health;
CREATE VIEW v_file_health AS
SELECT o.name AS owner_name, f.name AS file_name, v.version, v.state, v.size, v.chunk_count, v.replicas,
       v.chunks_stored, v.chunks_full, v.copies_good, v.chunks_live, v.chunks_live_full,
       CASE WHEN v.state <> 'COMPLETE' THEN LOWER(v.state)
            WHEN v.chunks_live < v.chunk_count THEN 'missing'
            WHEN v.chunks_live_full < v.chunk_count THEN 'under-replicated'
            ELSE 'healthy' END AS health,
       v.created_at, v.completed_at
FROM file_version v JOIN file f ON f.id = v.file_id JOIN peer o ON o.id = f.owner_peer_id;
