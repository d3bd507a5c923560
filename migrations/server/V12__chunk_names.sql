-- Storage peers no longer see file names: each version has a chunk name, an opaque label
-- that every message to or from a storage peer about its chunks carries where it carried
-- the file name (SEND_CHUNK, GET_CHUNK, STORE_ACK, tickets, RELEASE, REPLICATE_REQ, ...).
-- And each version records the format of its chunks: 0 as the file's bytes (versions
-- made before this migration), 1 sealed by the owner (docs/protocol.md, "Chunk format").
-- Layout and meaning: docs/schema.md.

-- Versions made before keep the file's name: their chunks are stored under it.
ALTER TABLE file_version ADD COLUMN chunk_name VARCHAR(255);
UPDATE file_version v SET chunk_name = (SELECT f.name FROM file f WHERE f.id = v.file_id);
ALTER TABLE file_version ALTER COLUMN chunk_name SET NOT NULL;
-- What a storage peer names is found by owner, chunk name and version.
CREATE INDEX idx_file_version_chunk_name ON file_version (chunk_name, version);

ALTER TABLE file_version ADD COLUMN format INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE file_version ADD CONSTRAINT ck_file_version_format CHECK (format IN (0, 1));
