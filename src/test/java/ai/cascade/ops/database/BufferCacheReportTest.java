package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.database.BufferCacheReport.Blocks;
import ai.cascade.ops.database.BufferCacheReport.IndexRow;
import ai.cascade.ops.database.BufferCacheReport.TableRow;
import ai.cascade.ops.testing.AdminSql;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Postgres' buffer cache figures from a real Postgres 18. The oracle is pg_statio_* read directly by the test right
 * after the report (on tables autovacuum leaves alone, so nothing touches them in between), and blocks that miss
 * the cache come from a table written through Postgres' bulk-write ring and scanned through its bulk-read ring,
 * so its pages are not in shared buffers.
 */
class BufferCacheReportTest {
    static String url;
    static Database db;

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("buffer_cache");
        db = TestServers.open(url);
        AdminSql.execAndFlushStats(url, "CREATE TABLE warm(id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false)",
                "INSERT INTO warm SELECT g, 'note ' || g FROM generate_series(1, 5000) g");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static BufferCacheReport report() {
        return new BufferCacheReport(connections(), CheckThresholds.defaults());
    }

    private static Connections connections() {
        return new Connections() {
            @Override public Database database() { return db; }
            @Override public RedisConnection redis() { throw new IllegalStateException("no Redis here"); }
        };
    }

    /** heap, toast and index blocks of a table, straight from pg_statio_user_tables. */
    private static Blocks[] statio(String table) throws SQLException {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(heap_blks_hit, 0), coalesce(heap_blks_read, 0), coalesce(toast_blks_hit, 0), "
                     + "coalesce(toast_blks_read, 0), coalesce(idx_blks_hit, 0), coalesce(idx_blks_read, 0) FROM pg_statio_user_tables WHERE relname = '" + table + "'")) {
            assertThat(rs.next()).isTrue();
            return new Blocks[]{new Blocks(rs.getLong(1), rs.getLong(2)), new Blocks(rs.getLong(3), rs.getLong(4)), new Blocks(rs.getLong(5), rs.getLong(6))};
        }
    }

    private static Blocks statioIndex(String index) throws SQLException {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT idx_blks_hit, idx_blks_read FROM pg_statio_user_indexes WHERE indexrelname = '" + index + "'")) {
            assertThat(rs.next()).isTrue();
            return new Blocks(rs.getLong(1), rs.getLong(2));
        }
    }

    private static TableRow table(List<TableRow> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no row for " + name));
    }

    @Test
    void sinceResetFiguresAreThoseOfPgStatioForTablesAndIndexes() throws SQLException {
        AdminSql.execAndFlushStats(url, "SELECT count(*) FROM warm", "SELECT note FROM warm WHERE id = 42",
                "SELECT note FROM warm WHERE id = 4242");

        BufferCacheReport.Result r = report().read(CancelSignal.NONE);
        Blocks[] oracle = statio("warm");
        Blocks index = statioIndex("warm_pkey");

        TableRow warm = table(r.sinceReset().tables(), "warm");
        assertThat(warm.heap()).isEqualTo(oracle[0]);
        assertThat(warm.toast()).isEqualTo(oracle[1]);
        assertThat(warm.indexes()).isEqualTo(oracle[2]);
        assertThat(warm.heap().requests()).as("the reads above reached the statistics").isPositive();
        IndexRow pkey = r.sinceReset().indexes().stream().filter(i -> i.name().equals("warm_pkey")).findFirst().orElseThrow();
        assertThat(pkey.blocks()).isEqualTo(index);
        assertThat(pkey.table()).isEqualTo("warm");
        assertThat(r.sinceRefresh()).as("the first refresh has nothing to compare with").isNull();
        assertThat(r.database()).isEqualTo(url.substring(url.lastIndexOf('/') + 1));
        assertThat(r.sinceReset().database().requests()).isGreaterThanOrEqualTo(warm.heap().requests());
        assertThat(r.thresholdPercent()).isEqualTo(99.0);
    }

    @Test
    void aTableWhoseReadsMissTheCacheIsFlaggedFirstAndTheWindowSinceTheLastRefreshIsItsDelta() throws SQLException {
        // ~40 MB through CREATE TABLE AS (bulk-write ring), scanned with a seq scan over a quarter of shared_buffers
        // or more (bulk-read ring): its pages come from outside shared buffers, so blks_read grows.
        AdminSql.execAndFlushStats(url, "CREATE TABLE cold WITH (autovacuum_enabled = false) AS "
                + "SELECT g AS id, repeat('v', 200) AS pad FROM generate_series(1, 180000) g");
        BufferCacheReport report = report();
        report.read(CancelSignal.NONE);
        Blocks before = statio("cold")[0];

        AdminSql.execAndFlushStats(url, "SELECT count(*) FROM cold");
        BufferCacheReport.Result r = report.read(CancelSignal.NONE);
        Blocks after = statio("cold")[0];

        TableRow since = table(r.sinceRefresh().tables(), "cold");
        assertThat(since.heap()).isEqualTo(new Blocks(after.hit() - before.hit(), after.read() - before.read()));
        assertThat(since.heap().read()).as("the scan read blocks from outside shared buffers").isPositive();
        assertThat(since.heap().requests()).isGreaterThanOrEqualTo(BufferCacheReport.MIN_REQUESTS);
        boolean below = since.heap().hitPercent().getAsDouble() < 99.0;
        assertThat(since.flagged()).isEqualTo(below);
        assertThat(below).as("most of a bulk scan's blocks miss shared buffers").isTrue();
        assertThat(r.sinceRefresh().tables().get(0).name()).as("worst first").isEqualTo("cold");
        assertThat(r.sinceRefresh().tablesFlagged()).isGreaterThanOrEqualTo(1);
        assertThat(r.refreshInterval()).isNotNull();
        TableRow warm = r.sinceRefresh().tables().stream().filter(t -> t.name().equals("warm")).findFirst().orElse(null);
        assertThat(warm == null || warm.data().requests() == 0).as("warm was not read between the refreshes").isTrue();
    }

    @Test
    void aFewMissesOnARarelyReadTableAreNoFinding() {
        Blocks few = new Blocks(10, 40);
        Blocks many = new Blocks(980, 20);
        Blocks healthy = new Blocks(99_500, 500);
        assertThat(BufferCacheReport.flagged(few, 99)).as("50 requests: too few to matter").isFalse();
        assertThat(BufferCacheReport.flagged(many, 99)).as("98 %% of 1,000").isTrue();
        assertThat(BufferCacheReport.flagged(healthy, 99)).as("exactly 99.5 %%").isFalse();
        assertThat(BufferCacheReport.flagged(many, 97)).as("the threshold is the setting").isFalse();
    }

    @Test
    void aDatabaseOfManyTablesShowsTheWorstTwoHundredAndCountsTheRest() throws SQLException {
        String[] sql = new String[3 * 230];
        for (int i = 0; i < 230; i++) {
            sql[3 * i] = "CREATE TABLE many_" + i + "(id int) WITH (autovacuum_enabled = false)";
            sql[3 * i + 1] = "INSERT INTO many_" + i + " VALUES (" + i + ")";
            sql[3 * i + 2] = "SELECT count(*) FROM many_" + i;
        }
        AdminSql.execAndFlushStats(url, sql);
        BufferCacheReport.Result r = report().read(CancelSignal.NONE);
        assertThat(r.sinceReset().tables()).hasSize(BufferCacheReport.LIMIT);
        assertThat(r.sinceReset().tablesRead()).as("every table read counts, shown or not").isGreaterThanOrEqualTo(230);
    }

    @Test
    void theMonitoringLoginCanReadIt() throws SQLException {
        AdminSql.execAndFlushStats(url, "DROP ROLE IF EXISTS buffer_cache_monitor", "CREATE ROLE buffer_cache_monitor LOGIN");
        AdminSql.execAndFlushStats(url, "SELECT * FROM warm WHERE id = 7");
        try (Database monitor = TestServers.open(url.replace("postgres@", "buffer_cache_monitor@"))) {
            BufferCacheReport.Result r = new BufferCacheReport(new Connections() {
                @Override public Database database() { return monitor; }
                @Override public RedisConnection redis() { throw new IllegalStateException("no Redis here"); }
            }, CheckThresholds.defaults()).read(CancelSignal.NONE);
            assertThat(table(r.sinceReset().tables(), "warm").heap().requests()).isPositive();
        }
    }

    @Test
    void aStatisticsResetBetweenRefreshesCountsBothWindowsFromTheReset() throws SQLException {
        BufferCacheReport report = report();
        AdminSql.execAndFlushStats(url, "SELECT count(*) FROM warm");
        report.read(CancelSignal.NONE);
        AdminSql.execAndFlushStats(url, "SELECT pg_stat_reset()", "SELECT count(*) FROM warm");
        BufferCacheReport.Result r = report.read(CancelSignal.NONE);
        assertThat(r.note()).contains("reset");
        assertThat(r.sinceRefresh()).isEqualTo(r.sinceReset());
        Blocks[] oracle = statio("warm");
        assertThat(table(r.sinceReset().tables(), "warm").heap()).isEqualTo(oracle[0]);
    }
}
