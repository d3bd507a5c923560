package p2pbrs.store;

import static p2pbrs.db.peer.Tables.IDENTITY;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import p2pbrs.db.peer.tables.records.IdentityRecord;

/** A peer's own name and token, kept in its local database across restarts. */
public final class IdentityStore {
    private final Database database;

    public IdentityStore(Database database) {
        this.database = database;
    }

    /** The token this peer holds for its name, if it registered before. */
    public Optional<String> token(String name) {
        return database.dsl().select(IDENTITY.TOKEN).from(IDENTITY)
                .where(IDENTITY.NAME.eq(name))
                .fetchOptional(IDENTITY.TOKEN);
    }

    /** Records the token the server acknowledged for this name (insert or replace). */
    public void save(String name, String token, String server) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        database.transaction(dsl -> {
            IdentityRecord row = dsl.fetchOptional(IDENTITY, IDENTITY.NAME.eq(name)).orElse(null);
            if (row == null) {
                row = dsl.newRecord(IDENTITY);
                row.setName(name);
                row.setRegisteredAt(now);
            }
            row.setToken(token);
            row.setServer(server);
            row.setUpdatedAt(now);
            row.store();
            return null;
        });
    }
}
