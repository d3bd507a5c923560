package p2pbrs.store;

/**
 * A copy of a chunk ({@code replica.state}): STORED once its storage peer acknowledged it,
 * LOST when it is known to be gone. Stored by name, so the names are the schema's CHECK
 * values.
 */
public enum ReplicaState {
    STORED, LOST
}
