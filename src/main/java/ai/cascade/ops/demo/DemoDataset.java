package ai.cascade.ops.demo;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.config.Tier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The demo's Postgres data: the backend's four tables filled with realistic, deliberately messy rows,
 * deterministic from a seed. A marker row in {@code demo.dataset} is written in the same transaction
 * as the data, so an interrupted generation (cancel, error, killed JVM) never looks complete.
 */
public final class DemoDataset {
    private static final Logger log = LoggerFactory.getLogger(DemoDataset.class);
    private static final String TABLES = "cascade_users, subscriptions, consciousness_patterns, collaboration_sessions";

    /** A complete dataset: when it was completed, its size and seed, and the moment its relative times refer to. */
    public record Marker(Instant completedAt, int users, long seed, Instant clock) {}

    private DemoDataset() {}

    /** When a complete dataset exists, the moment it was completed; empty when there is none. */
    public static Optional<Instant> completedAt(DataSource ds) {
        return marker(ds).map(Marker::completedAt);
    }

    /** The marker of the complete dataset, if any. Reads only the marker table, so it never waits on a running generation. */
    public static Optional<Marker> marker(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('demo.dataset') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) return Optional.empty();
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT completed_at, users, seed, clock FROM demo.dataset ORDER BY completed_at DESC LIMIT 1")) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Marker(utc(rs, 1), rs.getInt(2), rs.getLong(3), utc(rs, 4)));
            }
        } catch (SQLException e) {
            throw new BackendException(Backend.POSTGRES, "Reading the demo data's marker failed: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the four tables' content with {@code users} generated users and what belongs to them,
     * in one transaction; then refreshes the planner's statistics.
     *
     * @throws CancellationException when {@code cancelled} turned true; nothing was changed
     */
    public static void generate(DataSource ds, int users, List<Tier> tiers, long seed, Consumer<String> progress,
                                BooleanSupplier cancelled) throws SQLException {
        generate(ds, users, tiers, seed, progress, rows -> { }, cancelled);
    }

    /** As {@link #generate(DataSource, int, List, long, Consumer, BooleanSupplier)}, also telling the rows sent so far. */
    public static void generate(DataSource ds, int users, List<Tier> tiers, long seed, Consumer<String> progress,
                                LongConsumer rowsWritten, BooleanSupplier cancelled) throws SQLException {
        DatasetPlan plan = DatasetPlan.of(seed, users, Instant.now(), tiers);
        LoadProgress load = new LoadProgress(progress, rowsWritten, cancelled);
        long started = System.nanoTime();
        load.say(String.format(Locale.ROOT, "Generating %,d demo users…", users));
        try (Connection c = ds.getConnection()) {
            createMarkerTable(c);
            c.setAutoCommit(false);
            try {
                replaceTables(c, plan, load);
                load.say("Saving the demo data…");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
            c.setAutoCommit(true);
            load.say("Updating the planner's statistics…");
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE " + TABLES);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        log.info("Generated the demo data: {} users, {} rows in all, in {} ms", users, load.rows(), took.toMillis());
        load.say(String.format(Locale.ROOT, "Demo data ready: %,d users, %,d rows in %.1f s.", users, load.rows(), took.toMillis() / 1000.0));
    }

    private static void createMarkerTable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS demo");
            st.execute("CREATE TABLE IF NOT EXISTS demo.dataset(completed_at timestamp NOT NULL, users int NOT NULL, "
                    + "seed bigint NOT NULL, clock timestamp NOT NULL)");
        }
    }

    private static void replaceTables(Connection c, DatasetPlan plan, LoadProgress load) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '15s'");   // a reader holding the tables makes reset fail, not hang
            st.executeUpdate("DELETE FROM demo.dataset");
            st.execute("TRUNCATE " + TABLES + " RESTART IDENTITY CASCADE");
            // Ops' own state of the old subscriptions would be attached to the new ones (ids come from the seed)
            st.execute("DO $$ BEGIN IF to_regclass('ops.subscription_state') IS NOT NULL THEN TRUNCATE ops.subscription_state; END IF; END $$");
            // An edit a killed demo left pending must not be sent later against the new data (the ids come from the seed, and the
            // new Stripe seed forgets its idempotency key): abandoned, with its audit entry, as the data it edited is replaced
            st.execute("DO $$ BEGIN IF to_regclass('ops.subscription_edit') IS NOT NULL THEN "
                    + "INSERT INTO ops.audit_log(profile, action, target, reason, details) "
                    + "SELECT profile, 'journal.abandon', target, 'The demo data was generated anew.', jsonb_build_object('journal', id, "
                    + "'kind', kind, 'requested_by', actor, 'idempotency_key', idempotency_key, 'note', "
                    + "'Nothing more will be sent to Stripe for it: the demo data it edited was replaced.') "
                    + "FROM ops.subscription_edit WHERE state = 'pending' ORDER BY id; "
                    + "UPDATE ops.subscription_edit SET state = 'abandoned', outcome = 'Abandoned: the demo data was generated anew.' "
                    + "WHERE state = 'pending'; END IF; END $$");
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        UserRows users = new UserRows(plan);
        TableCopy.copy(copy, UserRows.TABLE, UserRows.COLUMNS, plan.users(), users::write, load);
        load.say("Writing subscriptions…");
        SubscriptionRows subscriptions = new SubscriptionRows(plan, users);
        TableCopy.copy(copy, SubscriptionRows.TABLE, SubscriptionRows.COLUMNS, plan.users(), subscriptions::write, load);
        load.say("Writing consciousness patterns and collaboration sessions…");
        PatternRows patterns = new PatternRows(plan);
        TableCopy.copy(copy, PatternRows.TABLE, PatternRows.COLUMNS, patterns.count(), patterns::write, load);
        CollaborationRows collaborations = new CollaborationRows(plan, users);
        TableCopy.copy(copy, CollaborationRows.TABLE, CollaborationRows.COLUMNS, collaborations.count(), collaborations::write, load);
        load.checkCancelled();
        try (Statement st = c.createStatement()) {   // users were copied with explicit ids: the sequence follows
            st.execute("SELECT setval(pg_get_serial_sequence('cascade_users', 'id'), " + plan.users() + ")");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO demo.dataset(completed_at, users, seed, clock) VALUES (clock_timestamp() AT TIME ZONE 'UTC', ?, ?, ?)")) {
            ps.setInt(1, plan.users());
            ps.setLong(2, plan.seed());
            ps.setObject(3, LocalDateTime.ofEpochSecond(plan.now(), 0, ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /**
     * Moves the short-lived rows (cached patterns, collaboration sessions) forward by the time passed
     * since the data's clock, so a demo started days later still shows live sessions and fresh cache.
     * Users and subscriptions keep their dates: shifting a million rows would slow every start.
     *
     * @return how far the rows moved; zero when there is no complete dataset
     */
    public static Duration shiftLiveRowsToNow(DataSource ds) throws SQLException {
        if (marker(ds).isEmpty()) return Duration.ZERO;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                long seconds;
                try (ResultSet rs = st.executeQuery("SELECT extract(epoch FROM date_trunc('second', now() AT TIME ZONE 'UTC') - clock)::bigint "
                        + "FROM demo.dataset ORDER BY completed_at DESC LIMIT 1 FOR UPDATE")) {
                    seconds = rs.next() ? rs.getLong(1) : 0;
                }
                String by = "interval '" + seconds + " seconds'";
                st.executeUpdate("UPDATE consciousness_patterns SET cached_at = cached_at + " + by + ", expires_at = expires_at + " + by);
                st.executeUpdate("UPDATE collaboration_sessions SET created_at = created_at + " + by + ", ended_at = ended_at + " + by);
                st.executeUpdate("UPDATE demo.dataset SET clock = clock + " + by);
                c.commit();
                return Duration.ofSeconds(seconds);
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        }
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.warn("Rolling back the demo data change failed too: {}", e.getMessage());
            cause.addSuppressed(e);
        }
    }

    private static Instant utc(ResultSet rs, int column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
