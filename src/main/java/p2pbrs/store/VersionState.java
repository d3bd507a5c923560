package p2pbrs.store;

/**
 * Where a backup of a file stands ({@code file_version.state}): being backed up, complete,
 * expired before it completed, or forgotten by its owner. The chunks of the last two are
 * released. Stored by name, so the names are the schema's CHECK values.
 */
public enum VersionState {
    PENDING, COMPLETE, EXPIRED, FORGOTTEN
}
