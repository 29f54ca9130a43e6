package ai.cascade.ops.database;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The database's trends sampled from a real Postgres 18: rates from real transactions, resets, an unreachable server. */
class DatabaseTrendsTest {
    // Besides the test's own work an interval holds the sampler's statement, the pool's validation and, now and
    // then, an autovacuum worker's transactions.
    private static final int SLACK = 30;
    static String url;
    static Database db;
    DatabaseTrends trends;

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("trends");
        db = TestServers.open(url);
        exec("CREATE TABLE trend_work(id bigserial PRIMARY KEY, note text)");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void sampler() {
        trends = new DatabaseTrends(connections(db));
    }

    @AfterEach
    void stop() {
        trends.close();
    }

    @Test
    void commitsAndRollbacksBetweenTwoSamplesShowAsTransactionsPerSecond() throws SQLException {
        assertThat(trends.sampleNow().kind()).isEqualTo(TrendPoint.Kind.BASELINE);
        int commits = 200, rollbacks = 15;
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < commits; i++) st.execute("INSERT INTO trend_work(note) VALUES ('commit " + i + "')");
            c.setAutoCommit(false);
            for (int i = 0; i < rollbacks; i++) {
                st.execute("INSERT INTO trend_work(note) VALUES ('rolled back')");
                c.rollback();
            }
            c.setAutoCommit(true);
            flushStatistics(st);
        }
        TrendPoint point = trends.sampleNow();

        assertThat(point.kind()).isEqualTo(TrendPoint.Kind.RATES);
        TrendRates r = point.rates();
        assertThat(r.commits() * r.seconds()).isBetween(commits - 0.01, commits + SLACK + 0.01);
        assertThat(r.rollbacks() * r.seconds()).isBetween(rollbacks - 0.01, rollbacks + SLACK + 0.01);
    }

    @Test
    void insertedRowsShowAsInsertedTuplesPerSecond() throws SQLException {
        trends.sampleNow();
        int rows = 5_000;
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO trend_work(note) SELECT 'bulk ' || g FROM generate_series(1, " + rows + ") g");
            st.execute("UPDATE trend_work SET note = note || '!' WHERE id IN (SELECT id FROM trend_work ORDER BY id DESC LIMIT 100)");
            flushStatistics(st);
        }
        TrendRates r = trends.sampleNow().rates();

        assertThat(r.inserted() * r.seconds()).isBetween(rows - 0.01, rows + 200.0);
        assertThat(r.updated() * r.seconds()).isGreaterThanOrEqualTo(100 - 0.01);
        assertThat(r.cacheHitPercent()).isPresent();
        assertThat(r.cacheHitPercent().getAsDouble()).isBetween(0.0, 100.0);
    }

    @Test
    void aStatisticsResetBetweenSamplesMarksTheIntervalAndNothingGoesNegative() throws SQLException {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < 50; i++) st.execute("INSERT INTO trend_work(note) VALUES ('before the reset')");
            flushStatistics(st);
        }
        trends.sampleNow();
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_reset()");
            flushStatistics(st);
        }
        TrendPoint reset = trends.sampleNow();
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO trend_work(note) VALUES ('after the reset')");
            flushStatistics(st);
        }
        TrendPoint after = trends.sampleNow();

        assertThat(reset.kind()).isEqualTo(TrendPoint.Kind.RESET);
        assertThat(reset.rates()).isNull();
        assertThat(reset.note()).contains("reset");
        assertThat(reset.sessions()).isNotNull();
        assertThat(after.kind()).isEqualTo(TrendPoint.Kind.RATES);
        TrendRates r = after.rates();
        assertThat(List.of(r.commits(), r.rollbacks(), r.returned(), r.fetched(), r.inserted(), r.updated(), r.deleted(), r.tempBytes()))
                .allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(0.0));
        assertThat(r.commits() * r.seconds()).isLessThan(1 + SLACK + 0.01);
    }

    @Test
    void aCounterThatGoesDownIsAResetEvenWhenStatsResetDidNotChange() {
        TrendSample before = sample(0, 1_000, 500, 0);
        TrendSample after = sample(5, 10, 10, 0);

        assertThat(after.resetSince(before)).isTrue();
        assertThat(sample(5, 1_010, 510, 0).resetSince(before)).isFalse();
    }

    @Test
    void anIntervalWithoutBlockReadsOrHitsHasNoCacheHitRateRatherThanAHundredPercent() {
        TrendSample before = sample(0, 100, 40, 2);
        assertThat(TrendRates.between(before, sample(5, 110, 40, 2)).cacheHitPercent()).isEmpty();
        assertThat(TrendRates.between(before, sample(5, 110, 70, 12)).cacheHitPercent()).isEqualTo(OptionalDouble.of(75.0));
    }

    @Test
    void anUnreachableServerGivesGapsWithTheReasonAndSamplingResumesWhenItAnswers() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Database down = TestServers.open("postgresql://postgres@localhost:" + closedPort + "/trends")) {
            AtomicReference<Database> server = new AtomicReference<>(down);
            try (DatabaseTrends switching = new DatabaseTrends(new Connections() {
                @Override public Database database() { return server.get(); }
                @Override public RedisConnection redis() { throw new IllegalStateException("not used"); }
            })) {
                TrendPoint gap = switching.sampleNow();
                TrendPoint second = switching.sampleNow();
                server.set(db);   // the server answers again
                TrendPoint back = switching.sampleNow();
                TrendPoint rates = switching.sampleNow();

                assertThat(gap.kind()).isEqualTo(TrendPoint.Kind.GAP);
                assertThat(gap.note()).contains("refused the connection");
                assertThat(gap.sessions()).isNull();
                assertThat(second.kind()).isEqualTo(TrendPoint.Kind.GAP);
                assertThat(back.kind()).isEqualTo(TrendPoint.Kind.BASELINE);
                assertThat(rates.kind()).isEqualTo(TrendPoint.Kind.RATES);
                assertThat(switching.history()).extracting(TrendPoint::kind)
                        .containsExactly(TrendPoint.Kind.GAP, TrendPoint.Kind.GAP, TrendPoint.Kind.BASELINE, TrendPoint.Kind.RATES);
            }
        }
    }

    @Test
    void sessionsByStateCountARealIdleTransactionAndARealLockWait() throws Exception {
        try (Connection holder = TestServers.admin(url).getConnection(); Connection waiter = TestServers.admin(url).getConnection()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE trend_work IN ACCESS EXCLUSIVE MODE");
            }
            Thread blocked = new Thread(() -> {
                try (Statement st = waiter.createStatement()) {
                    st.execute("SELECT count(*) FROM trend_work");
                } catch (SQLException e) {
                    // ends when the holder commits
                }
            });
            blocked.start();
            try {
                TrendSessions s = waitFor(() -> trends.sampleNow().sessions(), x -> x.waitingOnLocks() == 1);
                assertThat(s.idleInTransaction()).isGreaterThanOrEqualTo(1);
                assertThat(s.active()).isGreaterThanOrEqualTo(1);
                assertThat(s.connected()).isGreaterThanOrEqualTo(3);
            } finally {
                holder.commit();
                blocked.join(10_000);
            }
        }
    }

    @Test
    void scheduledSamplingReachesListenersOnItsOwnDaemonThreadAndPauseStopsIt() throws Exception {
        BlockingQueue<TrendPoint> heard = new LinkedBlockingQueue<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        trends.addListener(p -> { thread.set(Thread.currentThread()); heard.add(p); });
        trends.setIntervalSeconds(1);
        trends.start();

        assertThat(heard.poll(20, TimeUnit.SECONDS)).extracting(TrendPoint::kind).isEqualTo(TrendPoint.Kind.BASELINE);
        assertThat(heard.poll(20, TimeUnit.SECONDS)).extracting(TrendPoint::kind).isEqualTo(TrendPoint.Kind.RATES);
        assertThat(thread.get().isDaemon()).isTrue();
        assertThat(thread.get().getName()).isEqualTo("database-trends");

        trends.pause();
        heard.clear();
        assertThat(heard.poll(3, TimeUnit.SECONDS)).as("a point after pause").isNull();
        trends.resume();
        assertThat(heard.poll(20, TimeUnit.SECONDS)).extracting(TrendPoint::kind).isEqualTo(TrendPoint.Kind.BASELINE);
    }

    @Test
    void changingTheIntervalKeepsTheHistoryAndOnlyTheOfferedIntervalsAreAccepted() {
        trends.sampleNow();
        trends.sampleNow();
        List<TrendPoint> before = trends.history();

        trends.setIntervalSeconds(15);

        assertThat(trends.intervalSeconds()).isEqualTo(15);
        assertThat(trends.history()).isEqualTo(before).hasSize(2);
        assertThatThrownBy(() -> trends.setIntervalSeconds(7)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DatabaseTrends(connections(db)).intervalSeconds()).isEqualTo(DatabaseTrends.DEFAULT_INTERVAL_SECONDS);
    }

    /** Makes this backend publish its pending statistics before the statement returns (they are otherwise held up to a second or more). */
    private static void flushStatistics(Statement st) throws SQLException {
        st.execute("SELECT pg_stat_force_next_flush()");
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static TrendSample sample(int second, long commits, long blocksHit, long blocksRead) {
        return new TrendSample(Instant.EPOCH.plusSeconds(second), Duration.ofSeconds(second).toNanos(), new TrendSessions(1, 0, 0, 0, 0, 0),
                commits, 0, 0, 0, 0, 0, 0, blocksHit, blocksRead, 0, 0, null);
    }

    private static <T> T waitFor(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) throw new AssertionError("still not there after 30 s: " + value);
            Thread.sleep(100);
            value = read.get();
        }
        return value;
    }

    private static Connections connections(Database database) {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new IllegalStateException("the trends use no Redis"); }
        };
    }
}
