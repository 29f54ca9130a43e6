package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's pool and the server's connections by application, on the real embedded PostgreSQL 18. */
class PoolReportTest {
    static String url;
    static Database db;
    static PoolReport report;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("pool_report");
        db = TestServers.open(url);
        report = new PoolReport(new StatementStatsTest.PostgresOnly(db));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void connectionsHeldFromThePoolCountAsActiveAndTheirAcquireTimesAreRecorded() throws SQLException {
        long borrowedBefore = report.pool().acquire().count();
        List<Connection> held = new ArrayList<>();
        try {
            held.add(db.dataSource().getConnection());
            held.add(db.dataSource().getConnection());
            PoolReport.AppPool pool = report.pool();
            assertThat(pool.figures().active()).isEqualTo(2);
            assertThat(pool.figures().max()).isEqualTo(4);
            assertThat(pool.acquire().count()).isGreaterThanOrEqualTo(borrowedBefore + 2);
            assertThat(pool.acquire().recentCount()).isGreaterThanOrEqualTo(2);
            assertThat(pool.acquire().maxMillis()).isGreaterThanOrEqualTo(pool.acquire().averageMillis()).isPositive();
        } finally {
            for (Connection c : held) c.close();
        }
        assertThat(report.pool().figures().active()).isZero();
    }

    @Test
    void aBorrowerWaitingForAFullPoolIsCountedAsWaiting() throws Exception {
        List<Connection> held = new ArrayList<>();
        Thread waiter = null;
        try {
            for (int i = 0; i < 4; i++) held.add(db.dataSource().getConnection());
            waiter = new Thread(() -> {
                try (Connection c = db.dataSource().getConnection()) {
                    c.isValid(1);
                } catch (SQLException e) {
                    // timed out: fine, the pool was full on purpose
                }
            });
            waiter.start();
            long until = System.nanoTime() + 2_500_000_000L;
            while (report.pool().figures().waiting() == 0 && System.nanoTime() < until) Thread.sleep(20);
            assertThat(report.pool().figures().waiting()).isEqualTo(1);
            assertThat(report.pool().figures().active()).isEqualTo(4);
        } finally {
            for (Connection c : held) c.close();
            if (waiter != null) waiter.join(10_000);
        }
    }

    @Test
    void theServersConnectionsAreGroupedByApplicationName() throws SQLException {
        String jdbc = "jdbc:postgresql://localhost:" + TestServers.servers().postgresPort() + url.substring(url.lastIndexOf('/'));
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("ApplicationName", "pool-report-probe");
        try (Connection a = DriverManager.getConnection(jdbc, p); Connection b = DriverManager.getConnection(jdbc, p)) {
            b.setAutoCommit(false);
            b.createStatement().execute("SELECT 1");   // leaves b idle in a transaction
            PoolReport.ServerUsage usage = report.serverUsage(CancelSignal.NONE);
            PoolReport.Usage probe = usage.byApplication().stream().filter(u -> u.name().equals("pool-report-probe")).findFirst().orElseThrow();
            assertThat(probe.total()).isEqualTo(2);
            assertThat(probe.idle()).isEqualTo(1);
            assertThat(probe.idleInTransaction()).isEqualTo(1);
            assertThat(usage.byApplication()).anyMatch(u -> u.name().equals("cascade-ops-test") && u.active() >= 1);
            assertThat(usage.byUser()).anyMatch(u -> u.name().equals("postgres") && u.total() >= 3);
            assertThat(usage.maxConnections()).isEqualTo(100);
            assertThat(usage.clientConnections()).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(usage.maxConnections());
            assertThat(usage.byState().get("idle in transaction")).isGreaterThanOrEqualTo(1);
            b.rollback();
        }
    }

    @Test
    void aLoginWithoutReadAllStatsStillCountsOtherLoginsConnectionsAndIsToldTheirStateIsHidden() throws SQLException {
        StatementStatsTest.exec(url, "DROP ROLE IF EXISTS pool_plain_login", "CREATE ROLE pool_plain_login LOGIN");
        String jdbc = "jdbc:postgresql://localhost:" + TestServers.servers().postgresPort() + url.substring(url.lastIndexOf('/'));
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("ApplicationName", "pool-report-hidden");
        try (Connection other = DriverManager.getConnection(jdbc, p);
             Database plain = TestServers.open(url.replace("postgres@", "pool_plain_login@"))) {
            other.isValid(1);
            PoolReport.ServerUsage usage = new PoolReport(new StatementStatsTest.PostgresOnly(plain)).serverUsage(CancelSignal.NONE);
            assertThat(usage.hiddenStates()).isPositive();
            assertThat(usage.byUser()).anyMatch(u -> u.name().equals("postgres") && u.hidden() >= 1);
            assertThat(usage.byUser()).anyMatch(u -> u.name().equals("pool_plain_login") && u.active() == 1);
        }
    }
}
