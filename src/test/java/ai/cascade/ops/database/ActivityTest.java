package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.testing.DebianPostgres15;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Activity service on a real Postgres: real sleeping queries on other connections, real locks, real roles. */
class ActivityTest {
    static final Duration BOUND = Duration.ofSeconds(30);
    static String url;
    static Database admin, support, monitoring, plain, auditor;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("activity");
        exec(url, "DROP ROLE IF EXISTS act_app", "CREATE ROLE act_app LOGIN");
        admin = TestServers.open(url);
        support = login(url, "act_support", "IN ROLE cascade_ops_support");
        monitoring = login(url, "act_monitor", "IN ROLE cascade_ops_monitoring");
        plain = login(url, "act_plain", "");
        // May write the audit log but lacks pg_signal_backend: only the server's own check stops its signals.
        auditor = login(url, "act_auditor", "IN ROLE cascade_ops_monitoring");
        exec(url, "GRANT INSERT ON ops.audit_log TO act_auditor", "GRANT USAGE ON SEQUENCE ops.audit_log_id_seq TO act_auditor");
    }

    @AfterAll
    static void tearDown() {
        for (Database db : List.of(admin, support, monitoring, plain, auditor)) db.close();
    }

    @AfterEach
    void closeConnections() throws Exception {
        for (AutoCloseable c : opened) c.close();
        opened.clear();
    }

    // --- reading --------------------------------------------------------------------------------------------

    @Test
    void aLongQueryOnAnotherConnectionIsListedWithItsDurationAndText() {
        Sleeper sleeper = sleep("act_app", "SELECT pg_sleep(60) /* the long report */");
        Activity activity = new Activity(only(support), "test");

        ActivityRow row = until(activity, r -> r.pid() == sleeper.pid() && r.active() && r.queryDurationSeconds() >= 1);
        assertThat(row.user()).isEqualTo("act_app");
        assertThat(row.query()).contains("pg_sleep(60)").contains("the long report");
        assertThat(row.waitText()).isEqualTo("Timeout: PgSleep");
        assertThat(row.blockedBy()).isEmpty();
        assertThat(row.textHidden()).isFalse();
        assertThat(row.own()).isFalse();
        assertThat(row.queryStart()).isBefore(Instant.now());
        Activity.QueryText whole = activity.fullQuery(sleeper.pid(), CancelSignal.NONE).orElseThrow();
        assertThat(whole.text()).isEqualTo("SELECT pg_sleep(60) /* the long report */");
        assertThat(whole.cutByServer()).isFalse();
    }

    @Test
    void theConsolesOwnConnectionsAreMarkedAndActiveSessionsComeFirst() {
        sleep("act_app", "SELECT pg_sleep(60)");
        Activity.Snapshot s = new Activity(only(support), "test").read(CancelSignal.NONE);
        assertThat(s.rows()).anyMatch(ActivityRow::own);
        assertThat(s.rows()).filteredOn(ActivityRow::own).allMatch(r -> "act_support".equals(r.user()));
        // Active first: no idle session is listed before an active one.
        int lastActive = -1, firstIdle = Integer.MAX_VALUE;
        for (int i = 0; i < s.rows().size(); i++) {
            if (s.rows().get(i).active()) lastActive = i;
            else if ("idle".equals(s.rows().get(i).state())) firstIdle = Math.min(firstIdle, i);
        }
        assertThat(lastActive).isLessThan(firstIdle);
        assertThat(s.queryTextsHidden()).isFalse();
    }

    @Test
    void theWholeQueryOfAnEndedSessionIsEmpty() {
        int pid;
        try (Sleeper quick = sleep("act_app", "SELECT 1")) {
            pid = quick.pid();
        }
        awaitGone(pid);
        assertThat(new Activity(only(support), "test").fullQuery(pid, CancelSignal.NONE)).isEmpty();
    }

    @Test
    void aServerWithThousandsOfLocksAndManySessionsAnswersWithABoundedList() throws SQLException {
        Connection holder = connect("act_app");
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute("SELECT count(pg_advisory_xact_lock(g)) FROM generate_series(1, 5000) g");   // held until the transaction ends
        }
        int holderPid = pidOf(holder);
        Sleeper waiter = sleep("act_app", "SELECT pg_advisory_xact_lock(1)");
        for (int i = 0; i < 60; i++) connect("act_app");
        assertThat(count("SELECT count(*) FROM pg_locks WHERE pid = " + holderPid)).isGreaterThanOrEqualTo(5000);

        Activity bounded = new Activity(only(support), "test", 20);
        ActivityRow waiting = until(bounded, r -> r.pid() == waiter.pid() && r.waitingOnLock());
        Activity.Snapshot s = bounded.read(CancelSignal.NONE);
        assertThat(s.rows()).hasSize(20);
        assertThat(s.total()).isGreaterThanOrEqualTo(62);
        assertThat(s.sessions()).isGreaterThanOrEqualTo(62);
        assertThat(s.limited()).isTrue();
        assertThat(s.waitingOnLocks()).isGreaterThanOrEqualTo(1);
        assertThat(s.idleInTransaction()).isGreaterThanOrEqualTo(1);
        assertThat(s.summary()).contains("waiting on locks").contains("showing 20 of " + ai.cascade.ops.ui.Figures.count(s.total()));
        assertThat(waiting.blockedBy()).containsExactly(holderPid);
        assertThat(waiting.waitText()).isEqualTo("Lock: advisory");
        // The holder, idle in its transaction, is listed right after the active sessions.
        assertThat(s.rows()).anyMatch(r -> r.pid() == holderPid && r.idleInTransaction() && r.transactionDurationSeconds() != null);
    }

    @Test
    void aLoginWithoutReadAllStatsSeesThatTextsAreHiddenInsteadOfAnError() {
        Sleeper sleeper = sleep("act_app", "SELECT pg_sleep(60) /* secret */");
        Activity activity = new Activity(only(plain), "test");
        Activity.Snapshot s = activity.read(CancelSignal.NONE);
        assertThat(s.queryTextsHidden()).isTrue();
        ActivityRow theirs = s.rows().stream().filter(r -> r.pid() == sleeper.pid()).findFirst().orElseThrow();
        assertThat(theirs.textHidden()).isTrue();
        assertThat(theirs.query()).isEqualTo(ActivityRow.HIDDEN_TEXT).doesNotContain("secret");
        assertThat(theirs.user()).isEqualTo("act_app");
        assertThat(s.rows()).filteredOn(r -> "act_plain".equals(r.user())).noneMatch(ActivityRow::textHidden);
        assertThat(activity.fullQuery(sleeper.pid(), CancelSignal.NONE).orElseThrow().hidden()).isTrue();
        assertThat(activity.maySignal()).isFalse();
    }

    @Test
    void theSummaryCountsSessionsAndSaysWhatIsShown() {
        ActivityRow one = new ActivityRow(1, "db", "u", "app", null, "client backend", "active", null, null, null, 1L, 1L, 1L,
                List.of(), "SELECT 1", false, false, false);
        Activity.Snapshot all = new Activity.Snapshot(List.of(one), 1, 1, 1, 0, 0, 0, Instant.now());
        assertThat(all.summary()).isEqualTo("1 session: 1 active, 0 idle in transaction, 0 waiting on locks — showing all");
        Activity.Snapshot some = new Activity.Snapshot(List.of(one), 48, 42, 3, 1, 2, 0, Instant.now());
        assertThat(some.summary()).isEqualTo("42 sessions: 3 active, 1 idle in transaction, 2 waiting on locks (and 6 server processes)"
                + " — showing 1 of 48, active and longest running first");
    }

    // --- signals ----------------------------------------------------------------------------------------------

    @Test
    void aSupportLoginCancelsAQueryAndTheCancelIsAudited() {
        Sleeper sleeper = sleep("act_app", "SELECT pg_sleep(60) /* runaway */");
        Activity activity = new Activity(only(support), "test-profile");
        until(activity, r -> r.pid() == sleeper.pid() && r.active());
        assertThat(activity.maySignal()).isTrue();

        Activity.Outcome outcome = activity.cancelQuery(sleeper.pid(), "runaway report", CancelSignal.NONE);

        assertThat(outcome.result()).isEqualTo(Activity.Result.SIGNALLED);
        assertThat(outcome.message()).contains("Cancelled the query of session " + sleeper.pid()).contains("act_app");
        assertThat(sleeper.awaitFailure()).isEqualTo("57014");
        assertThat(sleeper.connectionOpen()).isTrue();
        assertThat(count("SELECT count(*) FROM ops.audit_log WHERE action = 'postgres.cancel_query' AND reason = 'runaway report' "
                + "AND actor = 'act_support' AND profile = 'test-profile' AND id = " + outcome.auditId()
                + " AND target = 'pid " + sleeper.pid() + " (act_app@PostgreSQL JDBC Driver)' "
                + "AND details->>'query' LIKE '%pg_sleep(60) /* runaway */%' AND details->>'usename' = 'act_app'")).isEqualTo(1);
    }

    @Test
    void terminatingASessionClosesItsConnectionAndIsAudited() {
        Sleeper sleeper = sleep("act_app", "SELECT pg_sleep(60)");
        Activity activity = new Activity(only(admin), "test");
        until(activity, r -> r.pid() == sleeper.pid() && r.active());

        Activity.Outcome outcome = activity.terminateSession(sleeper.pid(), "stuck deploy", CancelSignal.NONE);

        assertThat(outcome.signalled()).isTrue();
        assertThat(sleeper.awaitFailure()).isIn("57P01", "08006", "08003");
        assertThat(sleeper.connectionOpen()).isFalse();
        assertThat(count("SELECT count(*) FROM ops.audit_log WHERE action = 'postgres.terminate_session' AND reason = 'stuck deploy' "
                + "AND target LIKE 'pid " + sleeper.pid() + " %'")).isEqualTo(1);
    }

    @Test
    void aMonitoringLoginIsRefusedTheQueryKeepsRunningAndNothingIsAudited() {
        Sleeper sleeper = sleep("act_app", "SELECT pg_sleep(60)");
        Activity activity = new Activity(only(monitoring), "test");
        until(activity, r -> r.pid() == sleeper.pid() && r.active());
        assertThat(activity.maySignal()).isFalse();

        Activity.Outcome outcome = activity.cancelQuery(sleeper.pid(), "trying", CancelSignal.NONE);

        assertThat(outcome.result()).isEqualTo(Activity.Result.REFUSED);
        assertThat(outcome.message()).startsWith("Postgres refused: this login may not cancel other sessions' queries (pg_signal_backend)");
        assertThat(outcome.auditId()).isNull();
        assertStillSleeping(sleeper);
        assertThat(auditedFor(sleeper.pid())).isZero();
    }

    @Test
    void postgresItselfRefusesTheSignalOfALoginWithoutSignalRightsAndItsAuditEntryRollsBack() {
        Sleeper sleeper = sleep("act_app", "SELECT pg_sleep(60)");
        Activity activity = new Activity(only(auditor), "test");
        until(activity, r -> r.pid() == sleeper.pid() && r.active());

        Activity.Outcome cancel = activity.cancelQuery(sleeper.pid(), "trying", CancelSignal.NONE);
        Activity.Outcome terminate = activity.terminateSession(sleeper.pid(), "trying", CancelSignal.NONE);

        assertThat(cancel.result()).isEqualTo(Activity.Result.REFUSED);
        assertThat(cancel.message()).startsWith("Postgres refused: this login may not cancel other sessions' queries (pg_signal_backend).")
                .contains("nothing was recorded");
        assertThat(terminate.message()).startsWith("Postgres refused: this login may not terminate other sessions (pg_signal_backend).");
        assertStillSleeping(sleeper);
        assertThat(auditedFor(sleeper.pid())).isZero();
    }

    @Test
    void aSessionThatHasAlreadyEndedIsReportedSoAndNothingIsAudited() {
        int pid;
        try (Sleeper quick = sleep("act_app", "SELECT 1")) {
            pid = quick.pid();
        }
        awaitGone(pid);
        Activity.Outcome outcome = new Activity(only(support), "test").terminateSession(pid, "cleanup", CancelSignal.NONE);
        assertThat(outcome.result()).isEqualTo(Activity.Result.GONE);
        assertThat(outcome.message()).isEqualTo("Session " + pid + " has already ended. Nothing was sent.");
        assertThat(auditedFor(pid)).isZero();
    }

    @Test
    void cancellingAnIdleSessionSaysThereWasNothingToStopAndLeavesItConnected() throws SQLException {
        Connection idle = connect("act_app");
        int pid = pidOf(idle);
        Activity activity = new Activity(only(support), "test");
        until(activity, r -> r.pid() == pid && "idle".equals(r.state()));

        Activity.Outcome outcome = activity.cancelQuery(pid, "checking", CancelSignal.NONE);

        assertThat(outcome.signalled()).isTrue();
        assertThat(outcome.message()).contains("which was idle: there was no running query to stop");
        assertThat(idle.isValid(5)).isTrue();
    }

    @Test
    void theConsoleRefusesToSignalItsOwnConnection() {
        Activity activity = new Activity(only(support), "test");
        int own = activity.read(CancelSignal.NONE).rows().stream().filter(ActivityRow::own).findFirst().orElseThrow().pid();
        Activity.Outcome outcome = activity.terminateSession(own, "oops", CancelSignal.NONE);
        assertThat(outcome.result()).isEqualTo(Activity.Result.REFUSED);
        assertThat(outcome.message()).contains("this console's own connections");
        assertThat(auditedFor(own)).isZero();
    }

    /** The same statements on an older major version, Debian's PostgreSQL 15, where this machine has it. */
    @Nested
    class OnPostgres15 {
        @BeforeEach
        void onlyWherePostgres15Runs() {
            assumeTrue(DebianPostgres15.available(), () -> "Skipped: " + DebianPostgres15.whyUnavailable());
        }

        @Test
        void readingCancellingAndRefusalsWorkAsOnTheNewestVersion() {
            String url15 = DebianPostgres15.freshDatabaseUrl("activity");
            DataSource admin15 = DebianPostgres15.adminOf(url15);
            exec(admin15, "DROP ROLE IF EXISTS act15_app", "CREATE ROLE act15_app LOGIN",
                    "DROP ROLE IF EXISTS act15_support", "CREATE ROLE act15_support LOGIN IN ROLE cascade_ops_support",
                    "DROP ROLE IF EXISTS act15_auditor", "CREATE ROLE act15_auditor LOGIN IN ROLE cascade_ops_monitoring",
                    "GRANT INSERT ON ops.audit_log TO act15_auditor", "GRANT USAGE ON SEQUENCE ops.audit_log_id_seq TO act15_auditor",
                    "DROP ROLE IF EXISTS act15_plain", "CREATE ROLE act15_plain LOGIN");
            try (Database support15 = TestServers.open(url15.replace("postgres@", "act15_support@"));
                 Database auditor15 = TestServers.open(url15.replace("postgres@", "act15_auditor@"));
                 Database plain15 = TestServers.open(url15.replace("postgres@", "act15_plain@"));
                 Sleeper sleeper = Sleeper.start(url15, admin15, "act15_app", "SELECT pg_sleep(60) /* on 15 */")) {
                Activity activity = new Activity(only(support15), "test");
                ActivityRow row = until(activity, r -> r.pid() == sleeper.pid() && r.active(), BOUND);
                assertThat(row.query()).contains("on 15");
                assertThat(new Activity(only(plain15), "test").read(CancelSignal.NONE).queryTextsHidden()).isTrue();

                Activity.Outcome refused = new Activity(only(auditor15), "test").cancelQuery(sleeper.pid(), "trying", CancelSignal.NONE);
                assertThat(refused.message()).startsWith("Postgres refused: this login may not cancel other sessions' queries (pg_signal_backend).");
                assertThat(sleeper.running()).isTrue();

                Activity.Outcome done = activity.cancelQuery(sleeper.pid(), "cancelled on 15", CancelSignal.NONE);
                assertThat(done.signalled()).isTrue();
                assertThat(sleeper.awaitFailure()).isEqualTo("57014");
                assertThat(count(admin15, "SELECT count(*) FROM ops.audit_log WHERE target LIKE 'pid " + sleeper.pid() + " %'")).isEqualTo(1);
            }
        }
    }

    // --- fixtures (shared with ActivitySectionTest) ----------------------------------------------------------

    private void assertStillSleeping(Sleeper sleeper) {
        assertThat(sleeper.running()).isTrue();
        assertThat(count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + sleeper.pid() + " AND state = 'active'")).isEqualTo(1);
    }

    /** A closed connection's server process exits a moment later. */
    static void awaitGone(int pid) {
        long end = System.nanoTime() + BOUND.toNanos();
        while (count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) > 0) {
            if (System.nanoTime() > end) throw new AssertionError("session " + pid + " did not end");
            Thread.onSpinWait();
        }
    }

    private static long auditedFor(int pid) {
        return count("SELECT count(*) FROM ops.audit_log WHERE target LIKE 'pid " + pid + " %'");
    }

    private ActivityRow until(Activity activity, Predicate<ActivityRow> wanted) {
        return until(activity, wanted, BOUND);
    }

    /** Reads until a row matches: the other connection's statement reaches the server a moment after it is sent. */
    static ActivityRow until(Activity activity, Predicate<ActivityRow> wanted, Duration bound) {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < end) {
            for (ActivityRow r : activity.read(CancelSignal.NONE).rows()) if (wanted.test(r)) return r;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no session as wanted within " + bound.toSeconds() + " s");
    }

    private Sleeper sleep(String role, String sql) {
        Sleeper s = Sleeper.start(url, role, sql);
        opened.add(s);
        return s;
    }

    private Connection connect(String role) {
        Connection c = Sleeper.connect(url, role);
        opened.add(c);
        return c;
    }

    static Database login(String databaseUrl, String role, String membership) {
        exec(databaseUrl, "DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN " + membership);
        return TestServers.open(databaseUrl.replace("postgres@", role + "@"));
    }

    static void exec(String databaseUrl, String... sql) {
        exec(TestServers.admin(databaseUrl), sql);
    }

    static void exec(DataSource admin, String... sql) {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String sql) {
        return count(url, sql);
    }

    static long count(String databaseUrl, String sql) {
        return count(TestServers.admin(databaseUrl), sql);
    }

    static long count(DataSource admin, String sql) {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static int pidOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Only Postgres: what the Activity service uses. */
    record PostgresOnly(Database database) implements Connections {
        @Override public RedisConnection redis() { throw new BackendException(Backend.REDIS, "Redis is not part of this test"); }
    }

    static Connections only(Database db) {
        return new PostgresOnly(db);
    }

    /**
     * A statement running on its own connection in its own thread, as an application's would. Closing it ends the
     * session on the server (superuser), so a 60-second sleep does not outlive its test.
     */
    static final class Sleeper implements AutoCloseable {
        private final Connection connection;
        private final int pid;
        private final Thread thread;
        private final CountDownLatch ended = new CountDownLatch(1);
        private final DataSource admin;
        private volatile String failure;

        private Sleeper(DataSource admin, Connection connection, int pid, String sql) {
            this.admin = admin;
            this.connection = connection;
            this.pid = pid;
            this.thread = new Thread(() -> {
                try (Statement st = connection.createStatement()) {
                    st.execute(sql);
                } catch (SQLException e) {
                    failure = e.getSQLState() == null ? "?" : e.getSQLState();
                } finally {
                    ended.countDown();
                }
            }, "sleeper-" + pid);
            thread.setDaemon(true);
        }

        static Sleeper start(String databaseUrl, String role, String sql) {
            return start(databaseUrl, TestServers.admin(databaseUrl), role, sql);
        }

        /** On the server of {@code databaseUrl}, whose superuser {@code admin} ends the session when closed. */
        static Sleeper start(String databaseUrl, DataSource admin, String role, String sql) {
            Connection c = connect(databaseUrl, role);
            try {
                Sleeper s = new Sleeper(admin, c, pidOf(c), sql);
                s.thread.start();
                return s;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        static Connection connect(String databaseUrl, String role) {
            try {
                PostgresAddress a = PostgresAddress.parse(databaseUrl);
                Properties p = new Properties();
                p.setProperty("user", role);
                return DriverManager.getConnection(a.jdbcUrl(), p);
            } catch (SQLException | InvalidSettingException e) {
                throw new IllegalStateException(e);
            }
        }

        int pid() { return pid; }

        boolean running() { return ended.getCount() > 0; }

        /** The SQLSTATE the statement failed with, waiting for it generously; fails the test when it did not end. */
        String awaitFailure() {
            try {
                if (!ended.await(BOUND.toSeconds(), TimeUnit.SECONDS)) throw new AssertionError("the statement of session " + pid + " kept running");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return failure;
        }

        boolean connectionOpen() {
            try {
                return connection.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public void close() {
            if (running()) exec(admin, "SELECT pg_terminate_backend(" + pid + ")");
            try {
                connection.close();
                thread.join(BOUND.toMillis());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
