-- Decommissioning: a storage peer that asks to leave (DE-REGISTER) while it holds copies
-- others still need stays, serving them, until every chunk it holds has its wanted copies
-- on other live peers; only then is it GONE. docs/protocol.md, "Decommissioning";
-- docs/schema.md.

-- The new state's name is longer than the column was.
ALTER TABLE peer DROP CONSTRAINT ck_peer_state;
ALTER TABLE peer ALTER COLUMN state SET DATA TYPE VARCHAR(16);
ALTER TABLE peer ADD CONSTRAINT ck_peer_state
    CHECK (state IN ('ALIVE', 'STALE', 'DECOMMISSIONING', 'DEAD', 'GONE'));

-- When the peer asked to leave while holding copies; NULL unless it is leaving. Kept while
-- it is DEAD, so that a heartbeat brings it back DECOMMISSIONING rather than ALIVE.
ALTER TABLE peer ADD COLUMN decommission_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE peer ADD CONSTRAINT ck_peer_decommission
    CHECK (state <> 'DECOMMISSIONING' OR decommission_started_at IS NOT NULL);
