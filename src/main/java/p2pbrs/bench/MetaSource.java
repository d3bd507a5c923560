package p2pbrs.bench;

/** The requests of one phase, shared by every socket: thread-safe. */
interface MetaSource {
    /** The next request, or null when the phase has none left. */
    MetaCall next();

    /**
     * Whether the phase may end at its deadline; false while it has work that later
     * phases need done (every peer's first registration).
     */
    default boolean mayStop() {
        return true;
    }
}
