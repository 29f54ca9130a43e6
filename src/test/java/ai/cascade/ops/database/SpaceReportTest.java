package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Table and index sizes on the real embedded PostgreSQL 18. */
class SpaceReportTest {
    static String url;
    static Database db;
    static SpaceReport report;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("space_report");
        StatementStatsTest.exec(url,
                "CREATE TABLE space_filled(id int PRIMARY KEY, payload text)",
                "INSERT INTO space_filled SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g",
                "CREATE INDEX space_filled_payload ON space_filled(payload)",
                "CREATE TABLE space_empty(id int PRIMARY KEY, payload text)",
                "CREATE TABLE space_never_analyzed(id int)",
                "ANALYZE space_filled", "ANALYZE space_empty");
        db = TestServers.open(url);
        report = new SpaceReport(new StatementStatsTest.PostgresOnly(db));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static SpaceReport.Table table(SpaceReport.Usage usage, String name) {
        return usage.tables().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not listed"));
    }

    @Test
    void aFilledTableIsListedLargerThanAnEmptyOneWithASensibleRowEstimate() {
        SpaceReport.Usage usage = report.read(CancelSignal.NONE);
        SpaceReport.Table filled = table(usage, "space_filled");
        SpaceReport.Table empty = table(usage, "space_empty");
        assertThat(filled.totalBytes()).isGreaterThan(empty.totalBytes());
        assertThat(usage.tables().indexOf(filled)).isLessThan(usage.tables().indexOf(empty));
        assertThat(filled.rowsKnown()).isTrue();
        assertThat(filled.rowEstimate()).isBetween(18_000L, 22_000L);
        assertThat(filled.tableBytes()).isGreaterThan(20_000L * 200);
        assertThat(filled.totalBytes()).isEqualTo(filled.tableBytes() + filled.indexBytes() + filled.toastBytes());
        assertThat(filled.indexes()).extracting(SpaceReport.Index::name).contains("space_filled_pkey", "space_filled_payload");
        assertThat(filled.indexes().stream().mapToLong(SpaceReport.Index::bytes).sum()).isEqualTo(filled.indexBytes());
        assertThat(empty.rowEstimate()).isZero();
        assertThat(usage.databaseBytes()).isGreaterThan(filled.totalBytes());
    }

    @Test
    void largestFirstAndATableNeverAnalyzedHasAnUnknownRowEstimate() {
        SpaceReport.Usage usage = report.read(CancelSignal.NONE);
        for (int i = 1; i < usage.tables().size(); i++)
            assertThat(usage.tables().get(i).totalBytes()).isLessThanOrEqualTo(usage.tables().get(i - 1).totalBytes());
        assertThat(table(usage, "space_never_analyzed").rowsKnown()).isFalse();
        assertThat(usage.tables()).extracting(SpaceReport.Table::schema).doesNotContain("pg_catalog", "information_schema");
        assertThat(usage.tableCount()).isGreaterThanOrEqualTo(usage.tables().size());
        assertThat(usage.bounded()).isFalse();
    }

    @Test
    void aSchemaWithMoreTablesThanTheLimitIsBoundedAndCountsThemAll() {
        String many = TestServers.freshDatabaseUrl("space_report_many");
        StatementStatsTest.exec(many, "DO $$ BEGIN FOR i IN 1.." + (SpaceReport.LIMIT + 20)
                + " LOOP EXECUTE format('CREATE TABLE many_%s(id int)', i); END LOOP; END $$");
        try (Database other = TestServers.open(many)) {
            SpaceReport.Usage usage = new SpaceReport(new StatementStatsTest.PostgresOnly(other)).read(CancelSignal.NONE);
            assertThat(usage.tables()).hasSize(SpaceReport.LIMIT);
            assertThat(usage.tableCount()).isGreaterThanOrEqualTo(SpaceReport.LIMIT + 20);
            assertThat(usage.bounded()).isTrue();
        }
    }
}
