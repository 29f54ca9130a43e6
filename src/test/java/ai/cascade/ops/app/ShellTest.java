package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.LoadPane;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
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

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class ShellTest {
    static ConnectionProfile profile;
    Console console;

    @BeforeAll
    static void servers() throws SQLException {
        String url = TestServers.freshDatabaseUrl("shell");
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO cascade_users(venice_username, subscription_tier, subscription_status) VALUES "
                    + "('Foscari_Banker', 'merchant', 'active'), ('Dandolo_Mercante', 'observer', NULL), ('Zuàne_Bragadin', 'observer', NULL)");
            st.execute("INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status) VALUES (1, 'sub_1', 'merchant', 2900, 'active')");
        }
        TestServers.freshRedis().close();
        profile = new ConnectionProfile("test", false, false, url, TestServers.redisUrl(), "", "");
    }

    @Start
    void start(Stage stage) {
        console = ConsoleHarness.start(stage, profile);
    }

    @AfterEach
    void stop() {
        console.closeConnections();
    }

    @Test
    void theOverviewShowsRealFiguresFromPostgresAndRedis() {
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        assertThat(Fx.read(() -> console.shell().currentView())).isEqualTo(ViewId.OVERVIEW);
        // the checks come from the health watch's own thread, not the background work the harness waits for
        Fx.until(Duration.ofSeconds(60), "the overview's checks", () ->
                ((ai.cascade.ops.overview.OverviewView) console.shell().view(ViewId.OVERVIEW)).hasChecked());
        var overview = (ai.cascade.ops.overview.OverviewView) console.shell().view(ViewId.OVERVIEW);
        assertThat(Fx.read(() -> overview.checkList().shown())).extracting(c -> c.id() + " " + c.figure())
                .anyMatch(s -> s.startsWith("postgres.reachable PostgreSQL 18")).anyMatch(s -> s.startsWith("redis.hit_rate"))
                .anyMatch(s -> s.startsWith("redis.reachable Redis "));
        // the backend's duplicate index is a finding in every fresh CASCADE database: shown, the passing checks folded
        assertThat(Fx.read(() -> texts(console.shell().content()))).contains("Duplicate indexes").contains("passing checks");
        assertThat(Fx.read(() -> ConsoleHarness.panes(console).stream().allMatch(p -> p.problemProperty().get() == null))).isTrue();
    }

    @Test
    void theStatusBarShowsEachBackend(FxRobot robot) {
        ConsoleHarness.awaitState(console, Backend.POSTGRES, Health.State.CONNECTED, Duration.ofSeconds(15));
        ConsoleHarness.awaitState(console, Backend.REDIS, Health.State.CONNECTED, Duration.ofSeconds(15));
        assertThat(ConsoleHarness.state(console, Backend.VENICE)).isEqualTo(Health.State.NOT_CONFIGURED);
        assertThat(ConsoleHarness.state(console, Backend.STRIPE)).isEqualTo(Health.State.NOT_CONFIGURED);
        assertThat(robot.lookup("#status-postgres").queryAs(Label.class).getText()).matches("Postgres: connected · \\d+ ms");
    }

    @Test
    void everyViewIsReachableByKeyboard(FxRobot robot) {
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        for (ViewId v : ViewId.values()) {
            robot.press(KeyCode.CONTROL, v.key()).release(v.key(), KeyCode.CONTROL);
            Fx.until(Duration.ofSeconds(5), v + " shown", () -> console.shell().currentView() == v);
            String shown = Fx.read(() -> texts(console.shell().content()));
            assertThat(shown).as("page %s", v).contains(v.label());
        }
        robot.press(KeyCode.CONTROL, KeyCode.TAB).release(KeyCode.TAB, KeyCode.CONTROL);
        Fx.until(Duration.ofSeconds(5), "Ctrl+Tab wraps to the overview", () -> console.shell().currentView() == ViewId.OVERVIEW);
    }

    @Test
    void everyViewIsReachableByClickingTheNavigation(FxRobot robot) {
        for (ViewId v : ViewId.values()) {
            robot.clickOn("#nav-" + v.name().toLowerCase());
            Fx.until(Duration.ofSeconds(5), v + " shown", () -> console.shell().currentView() == v);
        }
    }

    @Test
    void theDemoBadgeAndProductionBannerAreHiddenOnAPlainProfile(FxRobot robot) {
        assertThat(robot.lookup("#demo-badge").query().isVisible()).isFalse();
        assertThat(robot.lookup("#production-banner").query().isVisible()).isFalse();
    }

    @Test
    void timesSwitchBetweenLocalAndUtc(FxRobot robot) {
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        robot.press(KeyCode.CONTROL, KeyCode.U).release(KeyCode.U, KeyCode.CONTROL);
        Fx.until(Duration.ofSeconds(5), "UTC shown", () -> texts(console.shell().content()).contains(" UTC"));
        assertThat(robot.lookup("#time-zone-toggle").queryButton().getText()).isEqualTo("Times: UTC");
    }

    @Test
    void aboutNamesTheVersionsOfTheConsoleAndOfItsServers() {
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        Fx.run(() -> console.showAbout());
        Fx.until(Duration.ofSeconds(15), "server versions in About", () -> javafx.stage.Window.getWindows().stream()
                .filter(w -> w.getScene() != null && w.getScene().lookup("#about") != null)
                .anyMatch(w -> texts(w.getScene().getRoot()).contains("PostgreSQL 18") && texts(w.getScene().getRoot()).contains("Redis ")));
        String about = Fx.read(() -> javafx.stage.Window.getWindows().stream()
                .filter(w -> w.getScene() != null && w.getScene().lookup("#about") != null)
                .map(w -> texts(w.getScene().getRoot())).findFirst().orElseThrow());
        assertThat(about).containsPattern("CASCADE Ops \\d+\\.\\d+\\.\\d+").contains("Java 17").contains("cascade-ops.log");
        Fx.run(() -> javafx.stage.Window.getWindows().stream().filter(w -> w.getScene() != null && w.getScene().lookup("#about") != null)
                .toList().forEach(javafx.stage.Window::hide));
    }

    static String texts(Node n) {
        StringBuilder b = new StringBuilder();
        collect(n, b);
        return b.toString();
    }

    private static void collect(Node n, StringBuilder b) {
        if (!n.isVisible()) return;
        if (n instanceof javafx.scene.control.Labeled l && l.getText() != null) b.append(l.getText()).append('\n');
        if (n instanceof javafx.scene.Parent p) for (Node c : p.getChildrenUnmodifiable()) collect(c, b);
    }

    static boolean anyBusy(Console c) {
        return ConsoleHarness.panes(c).stream().anyMatch(LoadPane::isBusy);
    }
}
