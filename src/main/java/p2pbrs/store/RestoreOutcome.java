package p2pbrs.store;

/**
 * What an owner reported of a restore ({@code restore_report.outcome}): RESTORE_OK or
 * RESTORE_FAIL. Stored by name, so the names are the schema's CHECK values.
 */
public enum RestoreOutcome {
    OK, FAIL
}
