-- H2 hands out identity values from a cache of 32 per table, and writes the sequence's new
-- high-water mark with a commit of its own (the whole store written, like any commit)
-- each time the cache runs out: a BACKUP_REQ inserts a plan row for each of up to 32
-- peers, so it paid one extra commit per request, and every 32nd STORE_ACK one more.
-- The tables a request inserts into take 1,024 at a time. A killed server skips what was
-- left of its caches: ids are surrogate keys, and gaps mean nothing.
ALTER TABLE file ALTER COLUMN id SET CACHE 1024;
ALTER TABLE file_version ALTER COLUMN id SET CACHE 1024;
ALTER TABLE plan_peer ALTER COLUMN id SET CACHE 1024;
ALTER TABLE chunk ALTER COLUMN id SET CACHE 1024;
ALTER TABLE replica ALTER COLUMN id SET CACHE 1024;
ALTER TABLE substitute ALTER COLUMN id SET CACHE 1024;
ALTER TABLE restore_report ALTER COLUMN id SET CACHE 1024;
ALTER TABLE run ALTER COLUMN id SET CACHE 1024;
ALTER TABLE event ALTER COLUMN id SET CACHE 1024;
