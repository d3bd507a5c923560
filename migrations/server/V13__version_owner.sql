-- The owner of each version, beside the file's: a BACKUP_REQ counts the owner's versions
-- being backed up (at most 16 may be) through this index, reading those few rows, instead
-- of every version of every file the owner ever backed up.
ALTER TABLE file_version ADD COLUMN owner_peer_id BIGINT;
UPDATE file_version fv SET owner_peer_id = (SELECT f.owner_peer_id FROM file f WHERE f.id = fv.file_id);
ALTER TABLE file_version ALTER COLUMN owner_peer_id SET NOT NULL;
CREATE INDEX idx_file_version_owner_state ON file_version (owner_peer_id, state);

-- The last version number a file was given: the next BACKUP_REQ takes the one after it from
-- this row instead of looking at every version the file ever had. Numbers are never reused.
ALTER TABLE file ADD COLUMN last_version INT DEFAULT 0 NOT NULL;
UPDATE file f SET last_version = COALESCE((SELECT MAX(v.version) FROM file_version v WHERE v.file_id = f.id), 0);

-- Each peer's free space, kept by the database, indexed after its state and before its name:
-- a BACKUP_REQ reads the ALIVE peers with the most room straight from this index, as many as
-- a plan can name, instead of reading every peer and sorting them.
ALTER TABLE peer ADD COLUMN free_bytes BIGINT GENERATED ALWAYS AS (capacity - committed_bytes);
CREATE INDEX idx_peer_state_free ON peer (state, free_bytes DESC, name_key);
