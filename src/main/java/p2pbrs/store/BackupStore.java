package p2pbrs.store;

import static p2pbrs.db.server.Tables.FILE_VERSION;

import java.time.OffsetDateTime;
import java.util.function.Function;

/** The server's backup tables: files, versions, plans, chunks, replicas, restore reports. */
public final class BackupStore {
    private final Database database;

    public BackupStore(Database database) {
        this.database = database;
    }

    public <T> T transaction(Function<BackupTx, T> work) {
        return database.transaction(dsl -> work.apply(new BackupTx(dsl)));
    }

    /** Marks PENDING versions past their expiry EXPIRED, which frees the space they reserved. */
    public int expirePending(OffsetDateTime now) {
        return database.dsl().update(FILE_VERSION)
                .set(FILE_VERSION.STATE, VersionRow.EXPIRED)
                .where(FILE_VERSION.STATE.eq(VersionRow.PENDING), FILE_VERSION.EXPIRES_AT.lt(now))
                .execute();
    }
}
