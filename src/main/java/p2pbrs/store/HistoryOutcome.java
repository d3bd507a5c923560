package p2pbrs.store;

/**
 * What a run or a repair came to ({@code run.outcome}, {@code event.outcome}): OK, or
 * FAILED with a reason. Stored by name, so the names are the schema's CHECK values.
 */
public enum HistoryOutcome {
    OK, FAILED
}
