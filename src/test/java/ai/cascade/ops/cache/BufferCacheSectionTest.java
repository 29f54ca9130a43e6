package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.database.BufferCacheReport;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.AdminSql;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Postgres buffer cache" tab, headless, on a real Postgres: the two windows, the flag and its rule. */
@ExtendWith(ApplicationExtension.class)
class BufferCacheSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static String url;
    static Database db;

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    BufferCacheSection section;

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("buffer_cache_view");
        db = TestServers.open(url);
        AdminSql.execAndFlushStats(url, "CREATE TABLE warm(id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false)",
                "INSERT INTO warm SELECT g, 'note ' || g FROM generate_series(1, 2000) g", "SELECT count(*) FROM warm");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private void open() {
        BufferCacheReport report = new BufferCacheReport(new Connections() {
            @Override public Database database() { return db; }
            @Override public RedisConnection redis() { throw new IllegalStateException("no Redis here"); }
        }, CheckThresholds.defaults());
        section = window.open(2, work -> new BufferCacheSection(report, work, new TimeDisplay(ZoneId.of("UTC"))));
    }

    @Test
    void theDatabaseLineAndTheTablesSinceResetShowAndTheRuleIsStated() {
        open();
        Fx.until(BOUND, "tables listed", () -> !section.tables().getItems().isEmpty());

        assertThat(Fx.read(() -> section.databaseLine().getText())).startsWith("Database ").contains("block requests found in shared buffers")
                .contains("since the statistics were reset");
        assertThat(Fx.read(() -> section.tables().getItems().stream().anyMatch(t -> t.name().equals("warm")))).isTrue();
        assertThat(Fx.read(() -> ((javafx.scene.control.Label) window.scene().lookup("#buffer-cache-rule")).getText()))
                .contains("below 99 %").contains("at least 100 block requests");
    }

    @Test
    void sinceTheLastRefreshShowsTheColdTableFlaggedFirst(FxRobot robot) throws SQLException {
        open();
        Fx.until(BOUND, "first refresh", () -> !section.pane().isBusy() && !section.tables().getItems().isEmpty());
        robot.clickOn("#buffer-cache-since-refresh");
        assertThat(Fx.read(() -> section.databaseLine().getText())).contains("refresh again");
        assertThat(Fx.read(() -> section.tables().getItems().isEmpty())).isTrue();

        // written through the bulk-write ring and scanned through the bulk-read ring: its blocks miss shared buffers
        AdminSql.execAndFlushStats(url,
                "CREATE TABLE cold WITH (autovacuum_enabled = false) AS SELECT g AS id, repeat('v', 200) AS pad FROM generate_series(1, 180000) g",
                "SELECT count(*) FROM cold");
        robot.clickOn("#buffer-cache-refresh");
        Fx.until(BOUND, "the cold table listed", () -> !section.tables().getItems().isEmpty()
                && section.tables().getItems().get(0).name().equals("cold"));
        assertThat(Fx.read(() -> section.tables().getItems().get(0).flagged())).isTrue();
        assertThat(Fx.read(() -> section.databaseLine().getText())).contains("since the previous refresh").contains("Tables flagged: ");

        robot.clickOn("#buffer-cache-since-reset");
        assertThat(Fx.read(() -> section.databaseLine().getText())).contains("since the statistics were reset");
        robot.clickOn("#buffer-cache-since-reset");   // clicking the chosen window again keeps it chosen
        assertThat(Fx.read(() -> section.databaseLine().getText())).contains("since the statistics were reset");
    }
}
