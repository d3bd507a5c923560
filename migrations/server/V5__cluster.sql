-- The cluster's id: made once, with the database, and never changed. Peers remember it at
-- their first registration and obey release requests only from a server that shows the
-- same id, so a fresh or swapped database cannot make them delete what they hold.
-- docs/schema.md.
CREATE TABLE cluster (
    id         VARCHAR(32)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cluster PRIMARY KEY (id)
);
INSERT INTO cluster (id, created_at)
VALUES (LOWER(REPLACE(CAST(RANDOM_UUID() AS VARCHAR), '-', '')), CURRENT_TIMESTAMP);
