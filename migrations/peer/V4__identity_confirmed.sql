-- The token is now made by the peer itself and stored before the server has seen it; this
-- records when the server first acknowledged it, so that the peer shows a token it made
-- exactly once, after the registration that made it count. docs/schema.md.
ALTER TABLE identity ADD COLUMN confirmed_at TIMESTAMP WITH TIME ZONE;
UPDATE identity SET confirmed_at = registered_at;
