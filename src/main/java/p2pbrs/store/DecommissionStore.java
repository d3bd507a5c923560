package p2pbrs.store;

import java.util.function.Function;

/**
 * The server's side of a peer leaving (DE-REGISTER): what a leaving storage peer still
 * holds that others need, and the release of everything it held. Work that must be
 * atomic with the registry's change and the logged reply runs through {@link #transaction}.
 */
public final class DecommissionStore {
    private final Database database;

    public DecommissionStore(Database database) {
        this.database = database;
    }

    public <T> T transaction(Function<DecommissionTx, T> work) {
        return database.transaction(dsl -> work.apply(new DecommissionTx(dsl)));
    }
}
