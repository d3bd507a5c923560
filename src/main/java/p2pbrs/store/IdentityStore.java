package p2pbrs.store;

import static p2pbrs.db.peer.Tables.IDENTITY;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import p2pbrs.db.peer.tables.records.IdentityRecord;

/** A peer's own name, token and wrapped data key, kept in its local database across restarts. */
public final class IdentityStore {
    private final Database database;

    public IdentityStore(Database database) {
        this.database = database;
    }

    /** The token this peer holds for its name, if it has one. */
    public Optional<String> token(String name) {
        return database.dsl().select(IDENTITY.TOKEN).from(IDENTITY)
                .where(IDENTITY.NAME.eq(name))
                .fetchOptional(IDENTITY.TOKEN);
    }

    /** Whether the server has acknowledged this name's stored token at least once. */
    public boolean confirmed(String name) {
        return database.dsl().fetchExists(IDENTITY, IDENTITY.NAME.eq(name), IDENTITY.CONFIRMED_AT.isNotNull());
    }

    /**
     * Records the token of this name (insert or replace), before the server sees it: it is
     * the only key to the identity. A replaced token is unconfirmed again.
     */
    public void save(String name, String token, String server) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        database.transaction(dsl -> {
            IdentityRecord row = dsl.fetchOptional(IDENTITY, IDENTITY.NAME.eq(name)).orElse(null);
            if (row == null) {
                row = dsl.newRecord(IDENTITY);
                row.setName(name);
                row.setRegisteredAt(now);
            }
            if (!token.equals(row.getToken())) {
                // Another identity: neither the server's word nor the data key of the old one carries over.
                row.setConfirmedAt(null);
                row.setDataKey(null);
            }
            row.setToken(token);
            row.setServer(server);
            row.setUpdatedAt(now);
            row.store();
            return null;
        });
    }

    /** This name's data key as stored: wrapped, opened only with the key of its key file. */
    public Optional<String> wrappedDataKey(String name) {
        return database.dsl().select(IDENTITY.DATA_KEY).from(IDENTITY)
                .where(IDENTITY.NAME.eq(name), IDENTITY.DATA_KEY.isNotNull())
                .fetchOptional(IDENTITY.DATA_KEY);
    }

    /** Stores this name's data key, wrapped (its identity row exists: {@link #save} came first). */
    public void saveDataKey(String name, String wrapped) {
        database.dsl().update(IDENTITY).set(IDENTITY.DATA_KEY, wrapped)
                .set(IDENTITY.UPDATED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .where(IDENTITY.NAME.eq(name)).execute();
    }

    /** The cluster whose server first acknowledged this name's token, if any did yet. */
    public Optional<String> clusterId(String name) {
        return database.dsl().select(IDENTITY.CLUSTER_ID).from(IDENTITY)
                .where(IDENTITY.NAME.eq(name), IDENTITY.CLUSTER_ID.isNotNull())
                .fetchOptional(IDENTITY.CLUSTER_ID);
    }

    /** Remembers the cluster, the first time only: a later server of another cluster does not replace it. */
    public void rememberCluster(String name, String clusterId) {
        database.dsl().update(IDENTITY).set(IDENTITY.CLUSTER_ID, clusterId)
                .where(IDENTITY.NAME.eq(name), IDENTITY.CLUSTER_ID.isNull()).execute();
    }

    /** Records that the server acknowledged the token. */
    public void confirm(String name) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        database.dsl().update(IDENTITY).set(IDENTITY.CONFIRMED_AT, now).set(IDENTITY.UPDATED_AT, now)
                .where(IDENTITY.NAME.eq(name), IDENTITY.CONFIRMED_AT.isNull()).execute();
    }
}
