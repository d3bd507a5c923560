package p2pbrs.store;

/**
 * What a queued request about one chunk asks a storage peer ({@code chunk_task.kind}):
 * ADOPT (index a chunk file it holds for a placement), RELEASE_COPY (drop one surplus
 * copy), RELEASE_ORPHAN (drop a checksum no placement needs). Stored by name, so the names
 * are the schema's CHECK values.
 */
public enum ChunkTaskKind {
    ADOPT, RELEASE_COPY, RELEASE_ORPHAN
}
