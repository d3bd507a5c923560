package p2pbrs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/**
 * One H2 database file: the HikariCP pool, the Flyway migrations applied at start-up and
 * the jOOQ context. The H2 URL settings live here and nowhere else (docs/schema.md).
 */
public final class Database implements AutoCloseable {
    /** Which schema a database holds: the folder of migrations/ it is migrated from. */
    public enum Kind {
        SERVER("classpath:migrations/server"),
        PEER("classpath:migrations/peer");

        private final String location;

        Kind(String location) {
            this.location = location;
        }
    }

    private static final int MAX_ATTEMPTS = 5;
    // A group's requests wait for its last one, and hold their locks until its commit.
    private static final int GROUP_MOST = 64;
    // One group at a time: groups grow larger, and two groups never wait on each other's locks.
    private static final int GROUP_RUNNERS = 1;

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final Path file;
    private final CommitGroups groups;

    private Database(HikariDataSource dataSource, Path file) {
        this.dataSource = dataSource;
        this.file = file;
        // Per statement, jOOQ otherwise asks the driver for warnings, consults its debug
        // logger, and names the schema (PUBLIC, the only one): 14% of a STORE_ACK's CPU
        // (bench-meta, run back to back: 1.41 ms each, then 1.22).
        this.dsl = DSL.using(dataSource, SQLDialect.H2, new Settings()
                .withExecuteLogging(false)
                .withFetchWarnings(false)
                .withRenderSchema(false));
        this.groups = new CommitGroups(this, GROUP_MOST, GROUP_RUNNERS);
    }

    /**
     * Opens (creating if needed) the database at an H2 path without extension, relative
     * paths taken from the working directory, and migrates it to the newest schema.
     */
    public static Database open(Path path, Kind kind, int poolSize) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            // Databases hold tokens: created readable by this user only, before H2 opens
            // them (H2 takes an empty file as a new database), and an older, looser file
            // is restricted.
            PrivateFiles.createFolder(absolute.getParent());
            PrivateFiles.createFile(absolute.resolveSibling(absolute.getFileName() + ".mv.db"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create database " + absolute, e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(absolute));
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setPoolName("db-" + absolute.getFileName());
        config.setAutoCommit(true);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(kind.location)
                    .cleanDisabled(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, absolute);
    }

    // WRITE_DELAY=0: H2 writes each commit to the file before the commit returns, so a reply
    // sent after a commit survives a killed process (with the default delay, a process
    // killed right after acknowledging commits loses the last second of them).
    // DB_CLOSE_ON_EXIT=FALSE: we close the pool in our own shutdown order.
    // TRACE_LEVEL_FILE=0: no .trace.db file beside the database (it could quote statements,
    // and would be created world-readable); errors reach our own log as exceptions.
    // QUERY_CACHE_SIZE=256: each connection keeps this many parsed statements (H2's default
    // is 8). A STORE_ACK alone runs about twenty distinct statements, so with 8 nearly every
    // statement was parsed again; bench-meta measured parsing at 8% of the server's time.
    static String url(Path absolute) {
        return "jdbc:h2:file:" + absolute + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0"
                + ";QUERY_CACHE_SIZE=256";
    }

    public DSLContext dsl() {
        return dsl;
    }

    public Path file() {
        return file;
    }

    /**
     * Runs work in one transaction, retrying it from the start when a concurrent
     * transaction made it conflict (a unique key taken meanwhile, a lock timeout): the
     * retry sees the other's result and decides again.
     */
    public <T> T transaction(Function<DSLContext, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(work);
            } catch (IntegrityConstraintViolationException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            } catch (DataAccessException e) {
                if (attempt >= MAX_ATTEMPTS || !isTransient(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Runs work as {@link #transaction} does, but possibly in one transaction with other
     * threads' work that arrives at the same time, committed once ({@link CommitGroups}):
     * it returns once the commit holding the work has returned. For short requests whose
     * reply must wait for their commit. {@code exclusive}, when not null, is a lock the
     * caller would otherwise hold around {@link #transaction}: the group holds it instead,
     * until its commit. The caller must not hold it.
     */
    public <T> T groupedTransaction(Object exclusive, Function<DSLContext, T> work) {
        return groups.run(exclusive, work);
    }

    /** One try at running work in a transaction: committed if it returns, rolled back if it throws. */
    <T> T attempt(Function<DSLContext, T> work) {
        PeerChanges.begin();
        try {
            return dsl.transactionResult(cfg -> work.apply(cfg.dsl()));
        } finally {
            // After the commit (or rollback): what was read about a peer before is stale now.
            PeerChanges.end();
        }
    }

    private static boolean isTransient(DataAccessException e) {
        String state = e.sqlState();
        // 40001: serialization failure / deadlock; HYT00: lock timeout.
        return "40001".equals(state) || "HYT00".equals(state);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
