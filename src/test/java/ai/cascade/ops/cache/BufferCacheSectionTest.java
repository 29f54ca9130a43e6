package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.database.BufferCacheReport;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Postgres buffer cache" tab, headless, on a real Postgres: the two windows, the flag and its rule. */
@ExtendWith(ApplicationExtension.class)
class BufferCacheSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static String url;
    static Database db;

    Stage stage;
    BackgroundWork work;
    BufferCacheSection section;

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("buffer_cache_view");
        db = TestServers.open(url);
        exec("CREATE TABLE warm(id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false)",
                "INSERT INTO warm SELECT g, 'note ' || g FROM generate_series(1, 2000) g", "SELECT count(*) FROM warm");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new Scene(new StackPane(), 1400, 900));
        stage.show();
    }

    @AfterEach
    void stop() {
        if (work != null) work.close();
    }

    private static void exec(String... sql) throws SQLException {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
            st.execute("SELECT pg_stat_force_next_flush()");
        }
    }

    private void open() {
        BufferCacheReport report = new BufferCacheReport(new Connections() {
            @Override public Database database() { return db; }
            @Override public RedisConnection redis() { throw new IllegalStateException("no Redis here"); }
        }, CheckThresholds.defaults());
        Fx.run(() -> {
            work = new BackgroundWork(2);
            section = new BufferCacheSection(report, work, new TimeDisplay(ZoneId.of("UTC")));
            stage.getScene().setRoot(new StackPane(section.root()));
            section.refresh();
        });
    }

    @Test
    void theDatabaseLineAndTheTablesSinceResetShowAndTheRuleIsStated() {
        open();
        Fx.until(BOUND, "tables listed", () -> !section.tables().getItems().isEmpty());

        assertThat(Fx.read(() -> section.databaseLine().getText())).startsWith("Database ").contains("block requests found in shared buffers")
                .contains("since the statistics were reset");
        assertThat(Fx.read(() -> section.tables().getItems().stream().anyMatch(t -> t.name().equals("warm")))).isTrue();
        assertThat(Fx.read(() -> ((javafx.scene.control.Label) stage.getScene().lookup("#buffer-cache-rule")).getText()))
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
        exec("CREATE TABLE cold WITH (autovacuum_enabled = false) AS SELECT g AS id, repeat('v', 200) AS pad FROM generate_series(1, 180000) g",
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
