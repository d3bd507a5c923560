-- The peer's data key, with which it seals the chunks of its backups, wrapped (AES-256-GCM)
-- with a key derived from its recovery key; that key is kept in <db>.keys beside this
-- database, so that a copy of the database alone opens nothing. NULL until the peer made
-- or was given one. docs/schema.md.
ALTER TABLE identity ADD COLUMN data_key VARCHAR(200);
