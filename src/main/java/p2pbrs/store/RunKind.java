package p2pbrs.store;

/** What a history run was ({@code run.kind}). Stored by name, so the names are the schema's CHECK values. */
public enum RunKind {
    BACKUP, RESTORE
}
