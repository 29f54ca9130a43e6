package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.testing.DebianPostgres15;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pg_stat_statements on the real embedded PostgreSQL 18: top lists, windows since snapshots, resets, hidden texts, EXPLAIN. */
class StatementStatsTest {
    static String url;
    static Database db;
    static StatementStats stats;

    /** The clients of a profile with only Postgres configured. */
    record PostgresOnly(Database database) implements Connections {
        @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis in this test"); }
    }

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("statement_stats");
        exec(url, "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE stmt_probe(id int PRIMARY KEY, note text)",
                "INSERT INTO stmt_probe SELECT g, 'row ' || g FROM generate_series(1, 1000) g",
                "ANALYZE stmt_probe");
        db = TestServers.open(url);
        stats = new StatementStats(new PostgresOnly(db));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static void exec(String databaseUrl, String... sql) {
        try (Connection c = TestServers.admin(databaseUrl).getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String sql) {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one parameterised statement {@code times} times, so pg_stat_statements records it as "... WHERE id > $1". */
    static void run(String sql, int times) {
        try (Connection c = TestServers.admin(url).getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                st.setInt(1, i + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) { }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static StatementRow find(StatementWindow w, String fragment) {
        return w.rows().stream().filter(r -> r.text().contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("no statement containing \"" + fragment + "\" in " + w.rows().size() + " rows"));
    }

    @Test
    void theExtensionIsReportedAvailableToASuperuser() {
        StatementAvailability a = stats.availability(CancelSignal.NONE);
        assertThat(a.available()).isTrue();
        assertThat(a.seesAllTexts()).isTrue();
        assertThat(a.explainsParameterisedStatements()).isTrue();
    }

    @Test
    void topByCallsListsAStatementRunManyTimesWithAtLeastThoseCalls() {
        run("SELECT count(*) FROM stmt_probe WHERE id > ?", 25);
        StatementWindow all = stats.top(StatementOrder.CALLS, null, 100, CancelSignal.NONE);
        StatementRow row = find(all, "FROM stmt_probe WHERE id > $1");
        assertThat(row.calls()).isGreaterThanOrEqualTo(25);
        assertThat(row.textHidden()).isFalse();
        assertThat(row.hitRate()).isBetween(0.0, 1.0);
        assertThat(row.shareOfTotalTime()).isBetween(0.0, 1.0);
        assertThat(all.since()).isNull();
        for (int i = 1; i < all.rows().size(); i++)
            assertThat(all.rows().get(i).calls()).isLessThanOrEqualTo(all.rows().get(i - 1).calls());
    }

    @Test
    void aWindowSinceASnapshotCountsExactlyTheCallsMadeAfterIt() {
        String sql = "SELECT note FROM stmt_probe WHERE id = ?";
        run(sql, 9);
        StatementSnapshot snapshot = stats.takeSnapshot(CancelSignal.NONE);
        run(sql, 7);
        StatementWindow window = stats.top(StatementOrder.TOTAL_TIME, snapshot, 100, CancelSignal.NONE);
        StatementRow row = find(window, "FROM stmt_probe WHERE id = $1");
        assertThat(row.calls()).isEqualTo(7);
        assertThat(row.rows()).isEqualTo(7);
        assertThat(row.restarted()).isFalse();
        assertThat(window.since()).isEqualTo(snapshot.takenAt());
        assertThat(stats.top(StatementOrder.CALLS, null, 100, CancelSignal.NONE).rows().stream()
                .filter(r -> r.text().contains("FROM stmt_probe WHERE id = $1")).findFirst().orElseThrow().calls()).isGreaterThanOrEqualTo(16);
    }

    @Test
    void afterAResetTheWindowIsFlaggedAndCountsFromTheResetWithoutNegativeNumbers() {
        String sql = "SELECT id FROM stmt_probe WHERE id < ? ORDER BY id DESC LIMIT 3";
        run(sql, 12);
        StatementSnapshot snapshot = stats.takeSnapshot(CancelSignal.NONE);
        exec(url, "SELECT pg_stat_statements_reset()");
        run(sql, 3);
        StatementWindow window = stats.top(StatementOrder.CALLS, snapshot, 100, CancelSignal.NONE);
        assertThat(window.resetSinceSnapshot()).isTrue();
        assertThat(window.notes()).anyMatch(n -> n.contains("reset"));
        assertThat(find(window, "FROM stmt_probe WHERE id < $1").calls()).isEqualTo(3);
        assertThat(window.rows()).allSatisfy(r -> {
            assertThat(r.calls()).isPositive();
            assertThat(r.totalMillis()).isNotNegative();
            assertThat(r.rows()).isNotNegative();
            assertThat(r.blocksHit()).isNotNegative();
            assertThat(r.blocksRead()).isNotNegative();
        });
    }

    @Test
    void aResetOfOneStatementAloneIsFlaggedToo() {
        String sql = "SELECT max(note) FROM stmt_probe WHERE id BETWEEN ? AND 500";
        run(sql, 10);
        StatementSnapshot snapshot = stats.takeSnapshot(CancelSignal.NONE);
        StatementRow before = find(stats.top(StatementOrder.CALLS, null, 100, CancelSignal.NONE), "id BETWEEN $1 AND");
        exec(url, "SELECT pg_stat_statements_reset(0, 0, " + before.queryId() + ")");
        run(sql, 2);
        StatementWindow window = stats.top(StatementOrder.CALLS, snapshot, 100, CancelSignal.NONE);
        StatementRow row = find(window, "id BETWEEN $1 AND");
        assertThat(row.calls()).isEqualTo(2);
        assertThat(row.restarted()).isTrue();
        assertThat(window.resetSinceSnapshot()).isTrue();
    }

    @Test
    void withoutTheExtensionTheStatusSaysHowToEnableIt() {
        String bare = TestServers.freshDatabaseUrl("statement_stats_bare");
        try (Database other = TestServers.open(bare)) {
            StatementStats without = new StatementStats(new PostgresOnly(other));
            StatementAvailability a = without.availability(CancelSignal.NONE);
            assertThat(a.available()).isFalse();
            assertThat(a.problem()).contains("not installed");
            assertThat(a.howTo()).contains("shared_preload_libraries = 'pg_stat_statements'").contains("CREATE EXTENSION pg_stat_statements;")
                    .contains("Restart");
            assertThatThrownBy(() -> without.top(StatementOrder.CALLS, null, 10, CancelSignal.NONE))
                    .isInstanceOf(Refused.class).hasMessageContaining("CREATE EXTENSION pg_stat_statements");
        }
    }

    @Test
    void aLoginWithoutReadAllStatsSeesOtherLoginsTextsAsHiddenAndIsToldSo() {
        exec(url, "DROP ROLE IF EXISTS stats_plain_login", "CREATE ROLE stats_plain_login LOGIN");
        run("SELECT note FROM stmt_probe WHERE id >= ? LIMIT 1", 4);
        try (Database plain = TestServers.open(url.replace("postgres@", "stats_plain_login@"))) {
            StatementStats limited = new StatementStats(new PostgresOnly(plain));
            assertThat(limited.availability(CancelSignal.NONE).seesAllTexts()).isFalse();
            StatementWindow w = limited.top(StatementOrder.CALLS, null, 100, CancelSignal.NONE);
            assertThat(w.hiddenTexts()).isPositive();
            assertThat(w.notes()).anyMatch(n -> n.contains("pg_read_all_stats"));
            assertThat(w.rows()).anyMatch(r -> r.textHidden() && r.user().equals("postgres") && r.text().startsWith("<insufficient privilege>"));
            assertThat(w.rows()).noneMatch(r -> r.text().contains("FROM stmt_probe WHERE id >= $1"));
            StatementSnapshot s = limited.takeSnapshot(CancelSignal.NONE);
            run("SELECT note FROM stmt_probe WHERE id >= ? LIMIT 1", 5);
            StatementWindow since = limited.top(StatementOrder.CALLS, s, 100, CancelSignal.NONE);
            assertThat(since.rows()).filteredOn(r -> r.textHidden() && r.user().equals("postgres"))
                    .singleElement().satisfies(r -> assertThat(r.calls()).isGreaterThanOrEqualTo(5));
        }
    }

    @Test
    void aParameterisedStatementIsExplainedWithItsGenericPlan() {
        run("SELECT count(*) FROM stmt_probe WHERE id > ?", 2);
        StatementRow row = find(stats.top(StatementOrder.CALLS, null, 100, CancelSignal.NONE), "FROM stmt_probe WHERE id > $1");
        StatementPlan plan = stats.explain(row.text(), false, 10, CancelSignal.NONE);
        assertThat(plan.refused()).as(plan.refusal()).isFalse();
        assertThat(plan.generic()).isTrue();
        assertThat(plan.plan()).contains("stmt_probe");
        StatementPlan analyzed = stats.explain(row.text(), true, 10, CancelSignal.NONE);
        assertThat(analyzed.refusal()).contains("parameters");
    }

    @Test
    void explainAnalyzeRunsAReadOnlySelectAndShowsActualFigures() {
        StatementPlan plan = stats.explain("SELECT count(*) FROM stmt_probe WHERE note LIKE 'row 1%';", true, 10, CancelSignal.NONE);
        assertThat(plan.refused()).as(plan.refusal()).isFalse();
        assertThat(plan.analyzed()).isTrue();
        assertThat(plan.plan()).contains("actual");
    }

    @Test
    void explainAnalyzeOfAWriteLeavesTheTableUnchangedAndSaysTheServerRefused() {
        long before = count("SELECT count(*) FROM stmt_probe");
        String firstNote = List.of(count("SELECT count(*) FROM stmt_probe WHERE note = 'row 1'")).toString();
        StatementPlan delete = stats.explain("DELETE FROM stmt_probe WHERE id <= 500", true, 10, CancelSignal.NONE);
        StatementPlan update = stats.explain("UPDATE stmt_probe SET note = 'changed' WHERE id = 1", true, 10, CancelSignal.NONE);
        assertThat(delete.refusal()).contains("read-only").contains("nothing was changed");
        assertThat(update.refusal()).contains("read-only");
        assertThat(count("SELECT count(*) FROM stmt_probe")).isEqualTo(before);
        assertThat(List.of(count("SELECT count(*) FROM stmt_probe WHERE note = 'row 1'")).toString()).isEqualTo(firstNote);
        // Without ANALYZE nothing runs, so a write statement's plan is shown.
        assertThat(stats.explain("DELETE FROM stmt_probe WHERE id <= 500", false, 10, CancelSignal.NONE).plan()).contains("Delete on stmt_probe");
        assertThat(count("SELECT count(*) FROM stmt_probe")).isEqualTo(before);
    }

    @Test
    void aTextWithSeveralStatementsIsRefusedBeforeAnythingRuns() {
        long before = count("SELECT count(*) FROM stmt_probe");
        StatementPlan plan = stats.explain("SELECT 1; DELETE FROM stmt_probe", true, 10, CancelSignal.NONE);
        assertThat(plan.refusal()).contains("more than one statement");
        assertThat(count("SELECT count(*) FROM stmt_probe")).isEqualTo(before);
    }

    @Test
    void aStatementThatRunsTooLongUnderAnalyzeIsStoppedAndSaysSo() {
        StatementPlan plan = stats.explain("SELECT pg_sleep(5)", true, 1, CancelSignal.NONE);
        assertThat(plan.refusal()).contains("longer than 1 s");
    }

    @Test
    void snapshotsAreKeptOldestFirstAndTheFirstIsTheWindowSinceTheConsoleStartedWatching() {
        StatementStats fresh = new StatementStats(new PostgresOnly(db));
        assertThat(fresh.firstSnapshot()).isEmpty();
        StatementSnapshot first = fresh.snapshotIfDue(java.time.Duration.ofMinutes(5), CancelSignal.NONE);
        assertThat(fresh.snapshotIfDue(java.time.Duration.ofMinutes(5), CancelSignal.NONE)).isSameAs(first);
        StatementSnapshot second = fresh.takeSnapshot(CancelSignal.NONE);
        assertThat(fresh.snapshots()).containsExactly(first, second);
        assertThat(fresh.firstSnapshot()).containsSame(first);
        assertThat(fresh.snapshotFrom(java.time.Duration.ofMinutes(30))).containsSame(first);   // none that old: the oldest
        assertThat(fresh.snapshotFrom(java.time.Duration.ZERO)).containsSame(second);
    }

    @Test
    void onPostgres15WindowsWorkAndAParameterisedStatementIsRefusedPlainly() throws SQLException {
        Assumptions.assumeTrue(DebianPostgres15.available(), DebianPostgres15::whyUnavailable);
        String old = DebianPostgres15.freshDatabaseUrl("statement_stats");
        try (Connection c = DebianPostgres15.adminOf(old).getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
            st.execute("CREATE TABLE stmt_probe(id int PRIMARY KEY, note text)");
            st.execute("INSERT INTO stmt_probe SELECT g, 'row ' || g FROM generate_series(1, 100) g");
        }
        try (Database pg15 = TestServers.open(old)) {
            StatementStats older = new StatementStats(new PostgresOnly(pg15));
            StatementAvailability a = older.availability(CancelSignal.NONE);
            assertThat(a.available()).as(a.problem()).isTrue();
            assertThat(a.explainsParameterisedStatements()).isFalse();
            StatementSnapshot snapshot = older.takeSnapshot(CancelSignal.NONE);
            try (Connection c = DebianPostgres15.adminOf(old).getConnection();
                 PreparedStatement st = c.prepareStatement("SELECT note FROM stmt_probe WHERE id = ?")) {
                for (int i = 1; i <= 6; i++) {
                    st.setInt(1, i);
                    st.executeQuery().close();
                }
            }
            StatementRow row = find(older.top(StatementOrder.CALLS, snapshot, 100, CancelSignal.NONE), "FROM stmt_probe WHERE id = $1");
            assertThat(row.calls()).isEqualTo(6);
            assertThat(older.explain(row.text(), false, 10, CancelSignal.NONE).refusal())
                    .contains("PostgreSQL 15 cannot explain a parameterised statement");
            assertThat(older.explain("SELECT note FROM stmt_probe WHERE id = 3", false, 10, CancelSignal.NONE).plan()).contains("stmt_probe");
        }
    }
}
