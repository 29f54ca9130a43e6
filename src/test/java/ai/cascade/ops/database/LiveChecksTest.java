package ai.cascade.ops.database;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live checks against a real PostgreSQL 18, each condition made for real on other connections. */
class LiveChecksTest {
    static String url;
    static Database db;
    static DataSource admin;

    private final List<Connection> opened = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "live-checks-test");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void database() throws SQLException {
        url = TestServers.freshDatabaseUrl("live_checks");
        db = TestServers.open(url);
        admin = TestServers.admin(url);
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE lock_target(id int PRIMARY KEY, v int NOT NULL)");
            st.execute("INSERT INTO lock_target VALUES (1, 0)");
        }
    }

    @AfterAll
    static void closePool() {
        db.close();
    }

    @AfterEach
    void endSessions() {
        for (Connection c : opened) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the session is gone already
            }
        }
        background.shutdownNow();
    }

    /** Thresholds from pghero's defaults with a few changed, so conditions trip within a second or two. */
    static CheckThresholds thresholds(UnaryOperator<Limits> change) {
        return change.apply(new Limits()).build();
    }

    /** The fields of {@link CheckThresholds} a test changes; the rest keep their defaults. */
    static final class Limits {
        private final CheckThresholds d = CheckThresholds.defaults();
        int connectionsWarn = d.connectionsWarnPercent(), connectionsCritical = d.connectionsCriticalPercent();
        int longRunning = 1, idleInTransaction = 1, blockedCritical = 3600;
        double cacheHitRate = d.cacheHitRatePercent();
        long xidWarn = d.xidWarnRemaining(), xidCritical = d.xidCriticalRemaining();
        int replicationWarn = d.replicationLagWarnSeconds(), replicationCritical = d.replicationLagCriticalSeconds();

        Limits connections(int warn, int critical) { connectionsWarn = warn; connectionsCritical = critical; return this; }
        Limits blockedCritical(int s) { blockedCritical = s; return this; }
        Limits cacheHitRate(double p) { cacheHitRate = p; return this; }
        Limits xid(long warn, long critical) { xidWarn = warn; xidCritical = critical; return this; }
        Limits replication(int warn, int critical) { replicationWarn = warn; replicationCritical = critical; return this; }

        CheckThresholds build() {
            return new CheckThresholds(connectionsWarn, connectionsCritical, longRunning, idleInTransaction, blockedCritical, cacheHitRate,
                    xidWarn, xidCritical, replicationWarn, replicationCritical, d.unusedIndexMaxScans(),
                    d.missingIndexMinRows(), d.missingIndexUsePercent(), d.bloatMinBytes(), d.deadTuplePercent(), d.deadTupleMinRows(),
                    d.sequenceDangerPercent(), d.redisMemoryWarnPercent(), d.redisMemoryCriticalPercent(), d.redisHitRateWarnPercent(),
                    d.slowAnswerMillis());
        }
    }

    static Check check(Database on, CheckThresholds t, String id) {
        return new LiveChecks(t).run(on, CancelSignal.NONE).stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + id));
    }

    /** Asks again until the check comes out {@code wanted} (a real condition takes a moment to show); the last answer otherwise. */
    static Check await(Database on, CheckThresholds t, String id, Verdict wanted) throws InterruptedException {
        return await(on, t, id, c -> c.verdict() == wanted);
    }

    static Check await(Database on, CheckThresholds t, String id, Predicate<Check> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Check last;
        do {
            last = check(on, t, id);
            if (wanted.test(last)) return last;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return last;
    }

    /** A session of its own, as another application would hold one. */
    Connection session(DataSource from, String applicationName) throws SQLException {
        Connection c = from.getConnection();
        opened.add(c);
        try (Statement st = c.createStatement()) {
            st.execute("SET application_name = '" + applicationName + "'");
        }
        return c;
    }

    static int pidOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Starts {@code sql} on {@code c} in the background; the statement, to cancel it. */
    Statement startInBackground(Connection c, String sql) throws SQLException {
        Statement st = c.createStatement();
        Future<?> unused = background.submit(() -> {
            try {
                st.execute(sql);
            } catch (SQLException expected) {
                // cancelled at the end of the test
            }
        });
        return st;
    }

    @Test
    void aLongQueryIsCriticalAndNamedUntilItIsCancelled() throws Exception {
        CheckThresholds t = thresholds(l -> l);
        Connection c = session(admin, "nightly-report");
        int pid = pidOf(c);
        Statement st = startInBackground(c, "SELECT pg_sleep(30) /* the nightly report */");

        Check red = await(db, t, "postgres.long_running", Verdict.CRITICAL);
        assertThat(red.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(red.figure()).contains(" over 1 s (longest ");
        assertThat(red.advice()).contains("cancel");
        assertThat(red.section()).isEqualTo("activity");
        assertThat(red.details()).anySatisfy(line -> assertThat(line)
                .contains("pid " + pid, "postgres", "nightly-report", "SELECT pg_sleep(30) /* the nightly report */"));

        st.cancel();
        assertThat(await(db, t, "postgres.long_running", Verdict.OK).figure()).isEqualTo("none over 1 s");
    }

    @Test
    void aTransactionLeftOpenIsCriticalUntilItEnds() throws Exception {
        CheckThresholds t = thresholds(l -> l);
        Connection c = session(admin, "forgetful-worker");
        int pid = pidOf(c);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT v FROM lock_target WHERE id = 1");
        }

        Check red = await(db, t, "postgres.idle_in_transaction", Verdict.CRITICAL);
        assertThat(red.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(red.details()).anySatisfy(line -> assertThat(line).contains("pid " + pid, "forgetful-worker", "SELECT v FROM lock_target"));

        c.rollback();
        assertThat(await(db, t, "postgres.idle_in_transaction", Verdict.OK).verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aBlockedQueryNamesWhoBlocksItAndTurnsRedWhenItWaitsLong() throws Exception {
        Connection holder = session(admin, "lock-holder");
        int holderPid = pidOf(holder);
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.executeUpdate("UPDATE lock_target SET v = v + 1 WHERE id = 1");
        }
        Connection waiter = session(admin, "lock-waiter");
        int waiterPid = pidOf(waiter);
        startInBackground(waiter, "UPDATE lock_target SET v = v + 10 WHERE id = 1");

        Check amber = await(db, thresholds(l -> l.blockedCritical(3600)), "postgres.blocked", Verdict.WARNING);
        assertThat(amber.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(amber.figure()).startsWith("1 waiting for a lock");
        assertThat(amber.details()).anySatisfy(line -> assertThat(line).contains("pid " + waiterPid, "lock-waiter", "UPDATE lock_target SET v = v + 10"));
        assertThat(amber.details()).anySatisfy(line -> assertThat(line)
                .contains("blocked by pid " + holderPid, "lock-holder", "idle in transaction", "UPDATE lock_target SET v = v + 1 "));

        assertThat(await(db, thresholds(l -> l.blockedCritical(1)), "postgres.blocked", Verdict.CRITICAL).verdict()).isEqualTo(Verdict.CRITICAL);

        holder.rollback();
        assertThat(await(db, thresholds(l -> l.blockedCritical(1)), "postgres.blocked", Verdict.OK).figure()).isEqualTo("none waiting for a lock");
    }

    @Test
    void manyConnectionsAgainstMaxConnectionsAreCriticalAndSayWhoHoldsThem() throws Exception {
        int clients, open;
        try (Connection c = admin.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'), "
                        + "current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int "
                        + "- coalesce(current_setting('reserved_connections', true)::int, 0)")) {
            rs.next();
            clients = rs.getInt(1);
            open = rs.getInt(2);
        }
        // The limit lies five connections above what is open now: ten more pass it, closing them goes back under.
        int limit = 100 * (clients + 5) / open;
        CheckThresholds t = thresholds(l -> l.connections(limit, limit));
        assertThat(check(db, t, "postgres.connections").verdict()).isEqualTo(Verdict.OK);

        for (int i = 0; i < 10; i++) session(admin, "connection-hog");
        Check red = await(db, t, "postgres.connections", Verdict.CRITICAL);
        assertThat(red.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(red.figure()).contains(" of " + open + " (", "max_connections");
        assertThat(red.details()).contains("10 · postgres · connection-hog");

        endSessions();
        assertThat(await(db, t, "postgres.connections", Verdict.OK).verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void theCacheHitRateIsJudgedAgainstItsThreshold() throws Exception {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE cache_traffic AS SELECT g AS id, repeat('x', 200) AS filler FROM generate_series(1, 20000) g");
            for (int i = 0; i < 5; i++) st.execute("SELECT count(*) FROM cache_traffic WHERE filler LIKE 'x%'");
        }
        // Backends report their block counts within seconds, not at once: wait for the table's to arrive.
        Check red = await(db, thresholds(l -> l.cacheHitRate(100.01)), "postgres.cache_hit_rate", c -> c.figure().contains("tables"));
        assertThat(red.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(red.figure()).contains("of block reads from memory", "tables", "threshold 100.01 %");
        assertThat(red.section()).isEqualTo("trends");
        assertThat(check(db, thresholds(l -> l.cacheHitRate(0)), "postgres.cache_hit_rate").verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aDatabaseWithoutTrafficHasNoHitRateYet() throws SQLException {
        String quiet = "live_quiet_" + System.nanoTime();
        try (Connection c = TestServers.admin(url.substring(0, url.lastIndexOf('/') + 1) + "postgres").getConnection();
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + quiet);
        }
        String quietUrl = url.substring(0, url.lastIndexOf('/') + 1) + quiet;
        try (Database quietDb = TestServers.open(quietUrl)) {
            LiveServerChecks server = new LiveServerChecks(thresholds(l -> l), quietDb, CancelSignal.NONE);
            server.cacheHitRate();    // the pool's connection has loaded its catalogs
            try (Connection c = TestServers.admin(quietUrl).getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_stat_reset()");
            }
            Check quietCheck = server.cacheHitRate();
            assertThat(quietCheck.verdict()).isEqualTo(Verdict.OK);
            assertThat(quietCheck.figure()).startsWith("not enough traffic yet");
        }
    }

    @Test
    void wraparoundHeadroomBelowTheWarningIsAmber() {
        Check amber = check(db, thresholds(l -> l.xid(Long.MAX_VALUE, 1)), "postgres.wraparound");
        assertThat(amber.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(amber.figure()).contains("transaction ids left", "multixact ids left");
        assertThat(amber.advice()).contains("VACUUM FREEZE");
        assertThat(check(db, thresholds(l -> l.xid(Long.MAX_VALUE, Long.MAX_VALUE)), "postgres.wraparound").verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(check(db, thresholds(l -> l), "postgres.wraparound").verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aServerWithoutReplicasSaysSo() {
        Check replication = check(db, thresholds(l -> l), "postgres.replication");
        assertThat(replication.verdict()).isEqualTo(Verdict.OK);
        assertThat(replication.figure()).isEqualTo("no replicas");
    }

    @Test
    void theSuperuserSeesEveryCheckAnswered() {
        List<Check> all = new LiveChecks(thresholds(l -> l)).run(db, CancelSignal.NONE);
        assertThat(all).extracting(Check::id).containsExactly("postgres.connections", "postgres.query_text_visible", "postgres.long_running",
                "postgres.idle_in_transaction", "postgres.blocked", "postgres.cache_hit_rate", "postgres.wraparound", "postgres.replication");
        assertThat(all).allSatisfy(c -> assertThat(c.verdict()).as(c.id() + ": " + c.figure() + " " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));
    }

    private static String as(String login) throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + login + " LOGIN");
            if (login.startsWith("live_monitor")) st.execute("GRANT cascade_ops_monitoring TO " + login);
        }
        return url.replace("postgres@", login + "@");
    }

    @Test
    void aMonitoringLoginSeesOtherLoginsLongQueries() throws Exception {
        try (Database monitoring = TestServers.open(as("live_monitor_" + System.nanoTime() % 100_000))) {
            CheckThresholds t = thresholds(l -> l);
            List<Check> all = new LiveChecks(t).run(monitoring, CancelSignal.NONE);
            assertThat(all).allSatisfy(c -> assertThat(c.verdict()).as(c.id() + ": " + c.figure() + " " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));

            Statement st = startInBackground(session(admin, "superuser-report"), "SELECT pg_sleep(30)");
            Check red = await(monitoring, t, "postgres.long_running", Verdict.CRITICAL);
            assertThat(red.details()).anySatisfy(line -> assertThat(line).contains("superuser-report", "SELECT pg_sleep(30)"));
            st.cancel();
        }
    }

    @Test
    void aLoginWithoutStatisticsIsToldWhatItCannotSeeAndNothingFails() throws Exception {
        Statement st = startInBackground(session(admin, "hidden-report"), "SELECT pg_sleep(30)");
        try (Database plain = TestServers.open(as("live_nostats_" + System.nanoTime() % 100_000))) {
            CheckThresholds t = thresholds(l -> l);
            await(db, t, "postgres.long_running", Verdict.CRITICAL);   // the superuser sees it

            List<Check> all = new LiveChecks(t).run(plain, CancelSignal.NONE);
            Check visible = all.stream().filter(c -> c.id().equals("postgres.query_text_visible")).findFirst().orElseThrow();
            assertThat(visible.verdict()).isEqualTo(Verdict.UNKNOWN);
            assertThat(visible.figure()).contains("query texts of other users hidden");
            assertThat(visible.advice()).contains("pg_read_all_stats", "pg_monitor");
            assertThat(all).filteredOn(c -> !c.id().equals("postgres.query_text_visible"))
                    .allSatisfy(c -> assertThat(c.verdict()).as(c.id() + ": " + c.figure() + " " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));
            Check longRunning = all.stream().filter(c -> c.id().equals("postgres.long_running")).findFirst().orElseThrow();
            assertThat(longRunning.verdict()).isEqualTo(Verdict.OK);
            assertThat(longRunning.figure()).contains("among sessions this login may see", "of other logins hidden");
        } finally {
            st.cancel();
        }
    }

    @Test
    void aCheckThatFailsIsUnknownWithTheReasonWhileTheOthersAnswer() throws SQLException {
        String own = TestServers.freshDatabaseUrl("live_checks_revoked");
        try (Connection c = TestServers.admin(own).getConnection(); Statement st = c.createStatement()) {
            st.execute("REVOKE EXECUTE ON FUNCTION pg_blocking_pids(integer) FROM PUBLIC");
        }
        String login = "live_monitor_revoked_" + System.nanoTime() % 100_000;
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + login + " LOGIN IN ROLE cascade_ops_monitoring");
        }
        try (Database limited = TestServers.open(own.replace("postgres@", login + "@"))) {
            List<Check> all = new LiveChecks(thresholds(l -> l)).run(limited, CancelSignal.NONE);
            Check blocked = all.stream().filter(c -> c.id().equals("postgres.blocked")).findFirst().orElseThrow();
            assertThat(blocked.verdict()).isEqualTo(Verdict.UNKNOWN);
            assertThat(blocked.advice()).contains("lacks the privilege", "pg_blocking_pids");
            assertThat(all).filteredOn(c -> !c.id().equals("postgres.blocked")).extracting(Check::verdict).doesNotContain(Verdict.UNKNOWN);
        }
    }

    @Test
    void anUnreachableServerIsOneExceptionSoonNotEightUnknowns() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Database nowhere = TestServers.open("postgresql://postgres@127.0.0.1:" + closedPort + "/cascade")) {
            Connections connections = new Connections() {
                @Override public Database database() { return nowhere; }
                @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis in this test"); }
            };
            long start = System.nanoTime();
            assertThatThrownBy(() -> new DatabaseChecks(connections, thresholds(l -> l)).run(CancelSignal.NONE))
                    .isInstanceOf(BackendException.class).hasMessageContaining("refused the connection");
            assertThatThrownBy(() -> new LiveChecks(thresholds(l -> l)).run(nowhere, CancelSignal.NONE))
                    .isInstanceOf(BackendException.class).hasMessageContaining("refused the connection");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("seconds to give up").isLessThan(15);
        }
    }
}
