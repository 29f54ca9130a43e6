package ai.cascade.ops.database;

import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.Node;
import javafx.scene.control.Button;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** The Statements, Space and Pool tabs, headless, on the real embedded PostgreSQL 18. */
@ExtendWith(ApplicationExtension.class)
class StatementsSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static String url;
    static Database db;

    @RegisterExtension final TestStage window = new TestStage(1300, 900);

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("statements_section");
        StatementStatsTest.exec(url, "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE section_probe(id int PRIMARY KEY, note text)",
                "INSERT INTO section_probe SELECT g, 'n' || g FROM generate_series(1, 500) g", "ANALYZE section_probe");
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < 40; i++) try (ResultSet rs = st.executeQuery("SELECT count(*) FROM section_probe")) { rs.next(); }
        }
        db = TestServers.open(url);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private int rowOf(StatementsSection section, String fragment) {
        return Fx.read(() -> {
            var items = section.table().getItems();
            for (int i = 0; i < items.size(); i++) if (items.get(i).text().contains(fragment)) return i;
            return -1;
        });
    }

    @Test
    void theTopStatementsAreListedAndTheChosenOneIsExplainedAndAnalyzedReadOnly(FxRobot robot) {
        StatementsSection section = window.open(2, w -> new StatementsSection(new StatementStats(new StatementStatsTest.PostgresOnly(db)), w,
                new TimeDisplay(ZoneId.of("UTC"))));
        Fx.until(BOUND, "the probe statement listed", () -> rowOf(section, "FROM section_probe") >= 0);
        int row = rowOf(section, "FROM section_probe");
        Fx.run(() -> section.table().getSelectionModel().clearAndSelect(row));
        assertThat(Fx.read(() -> ((javafx.scene.control.TextArea) section.root().lookup("#statements-text")).getText()))
                .contains("SELECT count(*) FROM section_probe");

        robot.clickOn("#statements-explain");
        Fx.until(BOUND, "a plan shown", () -> section.plan().getText().contains("section_probe"));
        assertThat(Fx.read(() -> section.plan().getText())).doesNotContain("actual");

        robot.clickOn("#statements-explain-analyze");
        Button run = robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                .filter(b -> "Run read-only".equals(b.getText())).findFirst().orElseThrow();
        robot.clickOn(run);
        Fx.until(BOUND, "an analyzed plan shown", () -> section.plan().getText().contains("actual"));
    }

    @Test
    void withoutTheExtensionTheTabShowsHowToEnableIt() {
        String bare = TestServers.freshDatabaseUrl("statements_section_bare");
        try (Database other = TestServers.open(bare)) {
            StatementsSection section = window.open(2, w -> new StatementsSection(new StatementStats(new StatementStatsTest.PostgresOnly(other)), w,
                    new TimeDisplay(ZoneId.of("UTC"))));
            Fx.until(BOUND, "the how-to shown", () -> section.root().lookup("#statements-how-to").isVisible());
            Node body = Fx.read(() -> section.root().lookup("#statements-body"));
            assertThat(Fx.read(body::isVisible)).isFalse();
            assertThat(Fx.read(() -> ((javafx.scene.control.TextArea) section.root().lookup(".statements-how-to-steps")).getText()))
                    .contains("shared_preload_libraries").contains("CREATE EXTENSION pg_stat_statements");
        }
    }

    @Test
    void theSpaceTabListsTablesLargestFirst() {
        SpaceSection section = window.open(2, w -> new SpaceSection(new SpaceReport(new StatementStatsTest.PostgresOnly(db)), w));
        Fx.until(BOUND, "tables listed", () -> section.tree().getRoot() != null && !section.tree().getRoot().getChildren().isEmpty());
        assertThat(Fx.read(() -> section.tree().getRoot().getChildren().stream().map(i -> i.getValue().name()).toList()))
                .contains("public.section_probe");
    }

    @Test
    void thePoolTabShowsTheConsolesApplicationAndStopsRefreshingWhenHidden() {
        PoolSection section = window.open(2, w -> new PoolSection(new PoolReport(new StatementStatsTest.PostgresOnly(db)), w));
        Fx.until(BOUND, "connections by application listed",
                () -> section.byApplication().getItems().stream().anyMatch(u -> u.name().equals("cascade-ops-test")));
        Fx.run(section::hidden);
    }

    @Test
    void theWindowSinceTheFirstSnapshotShowsOnlyTheCallsMadeAfterTheTabOpened() throws SQLException {
        StatementsSection section = window.open(2, w -> new StatementsSection(new StatementStats(new StatementStatsTest.PostgresOnly(db)), w,
                new TimeDisplay(ZoneId.of("UTC"))));
        Fx.until(BOUND, "the probe statement listed", () -> rowOf(section, "FROM section_probe") >= 0);
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < 5; i++) try (ResultSet rs = st.executeQuery("SELECT count(*) FROM section_probe")) { rs.next(); }
        }
        Fx.run(() -> {
            @SuppressWarnings("unchecked")
            var window = (javafx.scene.control.ComboBox<StatementsSection.WindowChoice>) section.root().lookup("#statements-window");
            window.setValue(StatementsSection.SINCE_FIRST);
        });
        Fx.until(BOUND, "exactly the 5 new calls shown", () -> {
            int row = rowOf(section, "FROM section_probe");
            return row >= 0 && section.table().getItems().get(row).calls() == 5;
        });
    }
}
