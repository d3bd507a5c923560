package p2pbrs.store;

/**
 * What a history event records ({@code event.kind}); docs/schema.md, "event", says which
 * columns each fills. Stored by name, so the names are the schema's CHECK values.
 */
public enum EventKind {
    REGISTERED, REBOUND, DEREGISTERED, STATE, REPAIR, CHUNK_BAD
}
