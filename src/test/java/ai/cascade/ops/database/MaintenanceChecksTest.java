package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The maintenance checks against a real Postgres 18, each condition made for real in a fresh database:
 * the backend's own duplicate index, an index no query uses, a big table read by sequential scans, dead rows
 * under disabled autovacuum, a SERIAL key near its limit, a bloated table; and all of them as a monitoring login.
 */
class MaintenanceChecksTest {
    private String url;
    private DataSource admin;
    private Database db;

    private Database fresh(TestInfo test) {
        url = TestServers.freshDatabaseUrl("maint_" + test.getTestMethod().orElseThrow().getName());
        admin = TestServers.admin(url);
        db = TestServers.open(url);
        return db;
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
    }

    @Test
    void theBackendsOwnDuplicateIndexIsFoundUntilItIsDropped(TestInfo test) {
        fresh(test);
        Check dup = check(CheckThresholds.defaults(), IndexChecks.DUPLICATE.id());

        assertThat(dup.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(dup.backend()).isEqualTo(Backend.POSTGRES);
        assertThat(dup.details()).hasSize(1);
        assertThat(dup.details().get(0)).startsWith("public.idx_venice_username (venice_username) on cascade_users is covered by "
                + "public.cascade_users_venice_username_key (venice_username), which backs the UNIQUE constraint cascade_users_venice_username_key");
        assertThat(dup.advice()).endsWith("DROP INDEX CONCURRENTLY public.idx_venice_username;");

        exec("DROP INDEX idx_venice_username");
        assertThat(check(CheckThresholds.defaults(), IndexChecks.DUPLICATE.id()).verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void coveringFollowsKeyOrderOperatorClassAndPredicate(TestInfo test) {
        fresh(test);
        exec("DROP INDEX idx_venice_username",
                "CREATE TABLE parcels (id int PRIMARY KEY, sender text, receiver text, state text)",
                "CREATE INDEX parcels_sender ON parcels (sender)",                        // covered by the next one
                "CREATE INDEX parcels_sender_receiver ON parcels (sender, receiver)",
                "CREATE INDEX parcels_receiver_sender ON parcels (receiver, sender)",     // other order: not covered
                "CREATE INDEX parcels_sender_pattern ON parcels (sender text_pattern_ops)", // other operator class
                "CREATE INDEX parcels_open_sender ON parcels (sender) WHERE state = 'open'",  // other predicate
                "CREATE INDEX parcels_state_a ON parcels (state)",                        // two identical: the later name goes
                "CREATE INDEX parcels_state_b ON parcels (state)");

        Check dup = check(CheckThresholds.defaults(), IndexChecks.DUPLICATE.id());

        assertThat(dup.details()).hasSize(2);
        assertThat(dup.details().get(0)).startsWith("public.parcels_sender (sender) on parcels is covered by public.parcels_sender_receiver (sender, receiver)");
        assertThat(dup.details().get(1)).startsWith("public.parcels_state_b (state) on parcels is covered by public.parcels_state_a (state)");
    }

    @Test
    void anIndexNoQueryUsesIsListedUntilQueriesUseIt(TestInfo test) {
        fresh(test);
        CheckThresholds twoScans = thresholds(2, 10_000, 100L << 20);
        exec("CREATE TABLE readings (id int, sensor int, value double precision)",
                "INSERT INTO readings SELECT g, g % 100, random() FROM generate_series(1, 5000) g",
                "CREATE INDEX readings_sensor ON readings (sensor)",
                "ANALYZE readings",
                "SELECT pg_stat_reset()");

        Check unused = check(twoScans, IndexChecks.UNUSED.id());
        assertThat(unused.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(unused.details()).anySatisfy(d -> assertThat(d).startsWith("public.readings_sensor on readings: ")
                .endsWith("0 scans — DROP INDEX CONCURRENTLY public.readings_sensor;"));
        assertThat(unused.figure()).contains("scanned at most 2 times since statistics were reset on ");

        exec("SET enable_seqscan = off", "SET enable_bitmapscan = off",
                "SELECT count(*) FROM readings WHERE sensor = 7",
                "SELECT count(*) FROM readings WHERE sensor = 8",
                "SELECT count(*) FROM readings WHERE sensor = 9");
        assertThat(number("SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'readings_sensor'")).isEqualTo(3);

        assertThat(check(twoScans, IndexChecks.UNUSED.id()).details()).noneMatch(d -> d.contains("readings_sensor"));
    }

    @Test
    void aLargeTableReadBySequentialScansMissesAnIndex(TestInfo test) {
        fresh(test);
        CheckThresholds thousandRows = thresholds(50, 1000, 100L << 20);
        exec("CREATE TABLE visits (id serial PRIMARY KEY, page text)",
                "INSERT INTO visits (page) SELECT 'page ' || g FROM generate_series(1, 2000) g",
                "CREATE TABLE notes (id serial PRIMARY KEY, body text)",   // scanned just as often, but small
                "INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, 500) g",
                "ANALYZE visits", "ANALYZE notes");
        String[] scans = new String[60];
        for (int i = 0; i < 30; i++) {
            scans[2 * i] = "SELECT count(*) FROM visits WHERE page = 'page " + i + "'";
            scans[2 * i + 1] = "SELECT count(*) FROM notes WHERE body = 'note " + i + "'";
        }
        exec(scans);
        long seqScans = number("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'visits'");
        assertThat(seqScans).isGreaterThanOrEqualTo(30);

        Check missing = check(thousandRows, IndexChecks.MISSING.id());

        assertThat(missing.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(missing.section()).isEqualTo("statements");
        assertThat(missing.details()).hasSize(1);
        assertThat(missing.details().get(0)).startsWith("public.visits: ~").contains(seqScans + " sequential scans read ")
                .endsWith("an index served 0.0 % of scans".replace(".", decimalPoint()));
    }

    @Test
    void deadRowsUnderDisabledAutovacuumAreReportedUntilVacuumed(TestInfo test) {
        fresh(test);
        exec("CREATE TABLE events (id int, note text) WITH (autovacuum_enabled = false)",
                "INSERT INTO events SELECT g, 'event ' || g FROM generate_series(1, 5000) g",
                "ANALYZE events",
                "DELETE FROM events WHERE id <= 3000");

        Check vacuum = check(CheckThresholds.defaults(), MaintenanceVacuum.CHECK.id());
        assertThat(vacuum.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(vacuum.details()).anySatisfy(d -> assertThat(d).startsWith("public.events: 3" + grouping() + "000 dead rows to 2"
                + grouping() + "000 live rows, never vacuumed — VACUUM (ANALYZE) public.events;"));
        assertThat(vacuum.details()).contains("public.events: autovacuum is turned off for this table — ALTER TABLE public.events RESET (autovacuum_enabled);");

        exec("VACUUM events");
        Check after = check(CheckThresholds.defaults(), MaintenanceVacuum.CHECK.id());
        assertThat(after.details()).noneMatch(d -> d.contains("dead row"));
        assertThat(after.details()).anyMatch(d -> d.startsWith("public.events: autovacuum is turned off"));

        exec("ALTER TABLE events RESET (autovacuum_enabled)");
        assertThat(check(CheckThresholds.defaults(), MaintenanceVacuum.CHECK.id()).details()).noneMatch(d -> d.contains("public.events"));
    }

    @Test
    void aSerialKeyNearTheIntegerLimitIsAWarningAndPast99PercentCritical(TestInfo test) {
        fresh(test);
        exec("SELECT setval('cascade_users_id_seq', 2000000000)");

        Check seq = check(CheckThresholds.defaults(), MaintenanceSequences.CHECK.id());
        String used = String.format(Locale.getDefault(), "%.1f %%", 2_000_000_000 * 100.0 / Integer.MAX_VALUE);   // 93.1 %
        assertThat(seq.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(seq.details()).containsExactly("cascade_users.id (integer, sequence public.cascade_users_id_seq): "
                + count(2_000_000_000) + " of " + count(Integer.MAX_VALUE) + ", " + used + " used");
        assertThat(seq.advice()).startsWith("Widen the key before it runs out: ALTER TABLE public.cascade_users ALTER COLUMN id TYPE bigint;"
                        + " ALTER SEQUENCE public.cascade_users_id_seq AS bigint;")
                .contains("collaboration_sessions.owner_id, subscriptions.user_id").contains("rewrites the table");

        exec("SELECT setval('subscriptions_id_seq', 2140000000)");
        Check worse = check(CheckThresholds.defaults(), MaintenanceSequences.CHECK.id());
        assertThat(worse.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(worse.details()).hasSize(2);
        assertThat(worse.details().get(0)).startsWith("subscriptions.id (integer, ");
    }

    @Test
    void aTableRewrittenByUpdatesIsEstimatedBloatedUntilCompacted(TestInfo test) {
        fresh(test);
        CheckThresholds quarterMegabyte = thresholds(50, 10_000, 256 * 1024);
        exec("CREATE TABLE ledger (id int PRIMARY KEY, amount int, note text) WITH (autovacuum_enabled = false)",
                "INSERT INTO ledger SELECT g, g, 'entry ' || g FROM generate_series(1, 20000) g",
                "UPDATE ledger SET amount = amount + 1",
                "UPDATE ledger SET amount = amount + 1",
                "ANALYZE ledger");

        Check bloat = check(quarterMegabyte, MaintenanceBloat.CHECK.id());
        assertThat(bloat.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(bloat.figure()).contains("estimate");
        assertThat(bloat.details()).anySatisfy(d -> assertThat(d).startsWith("table public.ledger: ~").endsWith("VACUUM FULL public.ledger; (locks the table)"));
        assertThat(bloat.details()).anySatisfy(d -> assertThat(d).startsWith("index public.ledger_pkey on ledger: ~"));

        exec("VACUUM FULL ledger", "ANALYZE ledger");
        assertThat(check(quarterMegabyte, MaintenanceBloat.CHECK.id()).details()).noneMatch(d -> d.contains("ledger"));
    }

    @Test
    void aMonitoringLoginRunsEveryCheckAndIsToldWhichSequencesItCannotRead(TestInfo test) {
        fresh(test);
        String login = "maint_monitor_" + url.substring(url.lastIndexOf('_') + 1);
        exec("CREATE ROLE " + login + " LOGIN IN ROLE cascade_ops_monitoring");
        try (Database monitor = TestServers.open(url.replace("postgres@", login + "@"))) {
            List<Check> checks = new MaintenanceChecks(CheckThresholds.defaults()).run(monitor, CancelSignal.NONE);

            assertThat(checks).extracting(Check::id).containsExactly("postgres.unused_indexes", "postgres.duplicate_indexes",
                    "postgres.missing_indexes", "postgres.bloat", "postgres.vacuum", "postgres.sequence_overflow");
            // Ops' migration V4 lets the monitoring role read the sequences, so every check answers
            assertThat(checks).allSatisfy(c -> assertThat(c.verdict()).as(c.id() + ": " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));
            assertThat(checks).filteredOn(c -> c.id().equals(IndexChecks.DUPLICATE.id())).singleElement()
                    .satisfies(c -> assertThat(c.verdict()).isEqualTo(Verdict.WARNING));

            // without that grant (a database migrated by an older console) the check names what it cannot read
            exec("REVOKE SELECT ON ALL SEQUENCES IN SCHEMA public FROM cascade_ops_monitoring");
            Check seq = new MaintenanceChecks(CheckThresholds.defaults()).run(monitor, CancelSignal.NONE).get(5);
            assertThat(seq.verdict()).isEqualTo(Verdict.UNKNOWN);
            assertThat(seq.figure()).contains("could not be read by this login").contains("public.cascade_users_id_seq");
            assertThat(seq.advice()).contains("GRANT SELECT ON ALL SEQUENCES IN SCHEMA ").contains("public").endsWith(" TO cascade_ops_monitoring;");
        }
    }

    @Test
    void aCheckTheLoginMayNotRunIsUnknownWithTheReasonWhileTheOthersAnswer(TestInfo test) {
        fresh(test);
        String login = "maint_limited_" + url.substring(url.lastIndexOf('_') + 1);
        exec("CREATE ROLE " + login + " LOGIN IN ROLE cascade_ops_monitoring",
                "REVOKE EXECUTE ON FUNCTION pg_relation_size(regclass) FROM PUBLIC");   // in this database only
        try (Database limited = TestServers.open(url.replace("postgres@", login + "@"))) {
            List<Check> checks = new MaintenanceChecks(CheckThresholds.defaults()).run(limited, CancelSignal.NONE);

            assertThat(checks).filteredOn(c -> c.verdict() == Verdict.UNKNOWN).extracting(Check::id)
                    .containsExactlyInAnyOrder(IndexChecks.UNUSED.id(), IndexChecks.DUPLICATE.id());
            assertThat(checks.get(0).advice()).contains("lacks the privilege").contains("pg_relation_size");
            assertThat(checks.get(0).figure()).isEqualTo("could not tell");
        }
    }

    @Test
    void aCancelledRunStopsInsteadOfAnsweringUnknown(TestInfo test) {
        fresh(test);
        CancelSignal cancelled = new CancelSignal() {
            @Override
            public void onCancel(Runnable hook) {
                hook.run();
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        assertThatThrownBy(() -> new MaintenanceChecks(CheckThresholds.defaults()).run(db, cancelled))
                .isInstanceOf(CancellationException.class);
    }

    @Test
    void aServerThatCannotBeReachedIsOneErrorNotSixUnknowns() {
        try (Database nowhere = TestServers.open("postgresql://postgres@127.0.0.1:1/cascade")) {
            assertThatThrownBy(() -> new MaintenanceChecks(CheckThresholds.defaults()).run(nowhere, CancelSignal.NONE))
                    .isInstanceOf(BackendException.class).hasMessageContaining("refused the connection");
        }
    }

    // --- helpers

    private Check check(CheckThresholds thresholds, String id) {
        List<Check> all = new MaintenanceChecks(thresholds).run(db, CancelSignal.NONE);
        assertThat(all).as("every check answers for the superuser").allSatisfy(c ->
                assertThat(c.verdict()).as(c.id() + ": " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));
        return all.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * Runs the statements on one session, flushing its statistics after each so other sessions see them at once
     * (and so an ANALYZE's row count is not later added to by the inserts it already counted).
     */
    @Test
    void aWatchReusesTheMaintenanceFindingsForAWhileWhileTheLiveChecksRunEveryTime(TestInfo test) {
        fresh(test);
        ai.cascade.ops.backend.Connections connections = new ai.cascade.ops.backend.Connections() {
            @Override public Database database() { return db; }
            @Override public ai.cascade.ops.cache.RedisConnection redis() { throw new UnsupportedOperationException(); }
        };
        DatabaseChecks watch = new DatabaseChecks(connections, CheckThresholds.defaults(), java.time.Duration.ofMinutes(10));
        assertThat(verdictOf(watch.run(CancelSignal.NONE), IndexChecks.DUPLICATE.id())).isEqualTo(Verdict.WARNING);

        exec("DROP INDEX idx_venice_username");
        assertThat(verdictOf(watch.run(CancelSignal.NONE), IndexChecks.DUPLICATE.id())).as("reused").isEqualTo(Verdict.WARNING);
        assertThat(verdictOf(new DatabaseChecks(connections, CheckThresholds.defaults()).run(CancelSignal.NONE),
                IndexChecks.DUPLICATE.id())).as("a one-off run reads anew").isEqualTo(Verdict.OK);
    }

    private static Verdict verdictOf(List<Check> checks, String id) {
        return checks.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow().verdict();
    }

    private void exec(String... statements) {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
                st.execute("SELECT pg_stat_force_next_flush()");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long number(String sql) {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CheckThresholds thresholds(long unusedIndexMaxScans, long missingIndexMinRows, long bloatMinBytes) {
        CheckThresholds d = CheckThresholds.defaults();
        return new CheckThresholds(d.connectionsWarnPercent(), d.connectionsCriticalPercent(), d.longRunningSeconds(),
                d.idleInTransactionSeconds(), d.blockedCriticalSeconds(), d.cacheHitRatePercent(), d.xidWarnRemaining(),
                d.xidCriticalRemaining(), d.replicationLagWarnSeconds(), d.replicationLagCriticalSeconds(), unusedIndexMaxScans,
                missingIndexMinRows, d.missingIndexUsePercent(), bloatMinBytes, d.deadTuplePercent(), d.deadTupleMinRows(),
                d.sequenceDangerPercent(), d.redisMemoryWarnPercent(), d.redisMemoryCriticalPercent(), d.redisHitRateWarnPercent(),
                d.slowAnswerMillis());
    }

    private static String count(long n) {
        return java.text.NumberFormat.getIntegerInstance(Locale.getDefault()).format(n);
    }

    private static String grouping() {
        return count(1000).substring(1, count(1000).length() - 3);
    }

    private static String decimalPoint() {
        return String.valueOf(java.text.DecimalFormatSymbols.getInstance(Locale.getDefault()).getDecimalSeparator());
    }
}
