package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.testing.DebianPostgres15;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The composed database checks against an older major version, Debian's PostgreSQL 15, where this machine has
 * it: every statement must be valid there too. Skipped, saying why, where it is absent.
 */
class DatabaseChecksPg15Test {
    private static final Set<String> LIVE = Set.of("postgres.connections", "postgres.query_text_visible", "postgres.long_running",
            "postgres.idle_in_transaction", "postgres.blocked", "postgres.cache_hit_rate", "postgres.wraparound", "postgres.replication");

    static String url;
    static Database db;

    @BeforeAll
    static void postgres15() {
        if (!DebianPostgres15.available()) return;
        url = DebianPostgres15.freshDatabaseUrl("database_checks");
        db = TestServers.open(url);
    }

    /** Per test, so each one is reported skipped with the reason (a class-level skip shows as no tests at all). */
    @BeforeEach
    void onlyWherePostgres15Runs() {
        assumeTrue(DebianPostgres15.available(), () -> "Skipped: " + DebianPostgres15.whyUnavailable());
    }

    @AfterAll
    static void closePool() {
        if (db != null) db.close();
    }

    private static List<Check> run(Database on, CheckThresholds t) {
        Connections connections = new Connections() {
            @Override public Database database() { return on; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis in this test"); }
        };
        return new DatabaseChecks(connections, t).run(CancelSignal.NONE);
    }

    private static Check find(List<Check> checks, String id) {
        return checks.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no check " + id + " in " + checks));
    }

    @Test
    void everyCheckAnswersOnPostgres15() {
        List<Check> all = run(db, LiveChecksTest.thresholds(l -> l));

        assertThat(find(all, "postgres.reachable").figure()).startsWith("PostgreSQL 15");
        assertThat(all).extracting(Check::id).containsAll(LIVE);
        assertThat(all).allSatisfy(c -> assertThat((c.figure() + " " + c.advice()).toLowerCase()).as(c.id())
                .doesNotContain("syntax error", "does not exist"));
        // A figure may name a column (a duplicate index's); an unanswered check must not blame one.
        assertThat(all).filteredOn(c -> c.verdict() == Verdict.UNKNOWN)
                .allSatisfy(c -> assertThat((c.figure() + " " + c.advice()).toLowerCase()).as(c.id()).doesNotContain("column", "function"));
        assertThat(all).filteredOn(c -> LIVE.contains(c.id()))
                .allSatisfy(c -> assertThat(c.verdict()).as(c.id() + ": " + c.figure() + " " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));
    }

    @Test
    void aLongQueryAndATransactionLeftOpenTurnRedOnPostgres15() throws Exception {
        CheckThresholds t = LiveChecksTest.thresholds(l -> l);
        try (Connection sleeper = DebianPostgres15.adminOf(url).getConnection();
             Connection forgetful = DebianPostgres15.adminOf(url).getConnection()) {
            int sleeperPid = pidOf(sleeper), forgetfulPid = pidOf(forgetful);
            forgetful.setAutoCommit(false);
            try (Statement st = forgetful.createStatement()) {
                st.execute("SELECT count(*) FROM cascade_users");
            }
            Statement sleep = sleeper.createStatement();
            Thread running = new Thread(() -> {
                try {
                    sleep.execute("SELECT pg_sleep(30)");
                } catch (SQLException expected) {
                    // cancelled below
                }
            }, "pg15-long-query");
            running.setDaemon(true);
            running.start();
            try {
                List<Check> all = awaitBothRed(t);
                assertThat(find(all, "postgres.long_running").verdict()).isEqualTo(Verdict.CRITICAL);
                assertThat(find(all, "postgres.long_running").details()).anySatisfy(l -> assertThat(l).contains("pid " + sleeperPid, "pg_sleep(30)"));
                assertThat(find(all, "postgres.idle_in_transaction").verdict()).isEqualTo(Verdict.CRITICAL);
                assertThat(find(all, "postgres.idle_in_transaction").details()).anySatisfy(l -> assertThat(l).contains("pid " + forgetfulPid));
            } finally {
                sleep.cancel();
                forgetful.rollback();
            }
        }
    }

    @Test
    void aLoginWithoutStatisticsIsToldSoOnPostgres15() throws SQLException {
        String login = "pg15_nostats_" + System.nanoTime() % 100_000;
        try (Connection c = DebianPostgres15.adminOf(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + login + " LOGIN");
        }
        try (Database plain = TestServers.open(url.replace("postgres@", login + "@"))) {
            List<Check> all = run(plain, LiveChecksTest.thresholds(l -> l));
            assertThat(find(all, "postgres.query_text_visible").figure()).contains("query texts of other users hidden");
            // Replicas, once another test made one, show their lag only to pg_read_all_stats: said so, not failed.
            Check replication = find(all, "postgres.replication");
            if (replication.verdict() == Verdict.UNKNOWN) assertThat(replication.figure()).endsWith("their lag is hidden from this login");
            assertThat(all).filteredOn(c -> LIVE.contains(c.id()) && !c.id().equals("postgres.query_text_visible") && !c.id().equals("postgres.replication"))
                    .allSatisfy(c -> assertThat(c.verdict()).as(c.id() + ": " + c.figure() + " " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));
        }
    }

    @Test
    void aReplicaSaysItIsOneAndItsPrimaryCountsIt() throws Exception {
        CheckThresholds t = LiveChecksTest.thresholds(l -> l);
        int replicaPort = DebianPostgres15.replicaPort();

        Check onPrimary = LiveChecksTest.await(db, t, "postgres.replication", c -> c.figure().startsWith("1 replica"));
        assertThat(onPrimary.figure()).startsWith("1 replica, furthest ");
        assertThat(onPrimary.verdict()).isEqualTo(Verdict.OK);
        assertThat(onPrimary.details()).singleElement().asString().contains("streaming", "replay lag");

        String replicaUrl = url.replace(":" + DebianPostgres15.port() + "/", ":" + replicaPort + "/");
        try (Database replica = TestServers.open(replicaUrl)) {
            List<Check> all = run(replica, t);
            Check replication = find(all, "postgres.replication");
            assertThat(replication.verdict()).isEqualTo(Verdict.OK);
            assertThat(replication.figure()).startsWith("read-only replica; ").contains("checks only read");
            assertThat(all).filteredOn(c -> LIVE.contains(c.id()))
                    .allSatisfy(c -> assertThat(c.verdict()).as(c.id() + ": " + c.figure() + " " + c.advice()).isNotEqualTo(Verdict.UNKNOWN));
        }
    }

    @Test
    void aReplicaThatStopsReplayingFallsBehindOnBothSides() throws Exception {
        int replicaPort = DebianPostgres15.replicaPort();
        String replicaUrl = url.replace(":" + DebianPostgres15.port() + "/", ":" + replicaPort + "/");
        CheckThresholds t = LiveChecksTest.thresholds(l -> l.replication(1, 3600));
        try (Database replica = TestServers.open(replicaUrl);
             Connection replicaAdmin = DebianPostgres15.adminOf(replicaUrl).getConnection(); Statement onReplica = replicaAdmin.createStatement();
             Connection primary = DebianPostgres15.adminOf(url).getConnection(); Statement onPrimary = primary.createStatement()) {
            // A transaction replayed first: the replica's lag is the age of the last one it replayed.
            onPrimary.execute("CREATE TABLE IF NOT EXISTS replicated(id serial, at timestamptz)");
            onPrimary.execute("INSERT INTO replicated(at) VALUES (now())");
            awaitRows(onReplica, "SELECT count(*) FROM replicated", 1);
            onReplica.execute("SELECT pg_wal_replay_pause()");
            try {
                onPrimary.execute("INSERT INTO replicated(at) VALUES (now())");
                Check behind = LiveChecksTest.await(replica, t, "postgres.replication", Verdict.WARNING);
                assertThat(behind.verdict()).isEqualTo(Verdict.WARNING);
                assertThat(behind.figure()).startsWith("read-only replica; ").contains(" behind");
                assertThat(behind.advice()).isNotEmpty();
                Check primarySide = LiveChecksTest.await(db, t, "postgres.replication", Verdict.WARNING);
                assertThat(primarySide.verdict()).as(primarySide.figure() + " " + primarySide.details()).isEqualTo(Verdict.WARNING);
                assertThat(primarySide.figure()).startsWith("1 replica, furthest ");
            } finally {
                onReplica.execute("SELECT pg_wal_replay_resume()");
            }
            assertThat(LiveChecksTest.await(replica, t, "postgres.replication", Verdict.OK).figure()).contains("replayed all it received");
        }
    }

    private static void awaitRows(Statement st, String count, long atLeast) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (ResultSet rs = st.executeQuery(count)) {
                rs.next();
                if (rs.getLong(1) >= atLeast) return;
            } catch (SQLException notYetReplayed) {
                // the table itself has not arrived yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the replica did not replay " + count + " >= " + atLeast + " in 30 s");
    }

    private static List<Check> awaitBothRed(CheckThresholds t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Check> all;
        do {
            all = run(db, t);
            if (find(all, "postgres.long_running").verdict() == Verdict.CRITICAL
                    && find(all, "postgres.idle_in_transaction").verdict() == Verdict.CRITICAL) return all;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return all;
    }

    private static int pidOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
