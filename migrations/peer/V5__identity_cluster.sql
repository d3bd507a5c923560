-- The id of the cluster whose server first acknowledged this peer: release requests from a
-- server of another cluster (a fresh or swapped database) are refused. docs/schema.md.
ALTER TABLE identity ADD COLUMN cluster_id VARCHAR(32);
