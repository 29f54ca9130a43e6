package ai.cascade.ops.app;

import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** With nothing configured the console runs the demo on its own embedded servers, and says so. */
@ExtendWith(ApplicationExtension.class)
class DemoStartTest {
    static Path home;
    static AppDirectories dirs;
    static Console first;

    @BeforeAll
    static void smallDemo() throws IOException {
        home = Files.createTempDirectory("cascade-ops-demo-ui");
        dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));
        new SettingsStore(dirs.settingsFile()).update(s -> s.demoUsers = 800);
    }

    @AfterAll
    static void stopDemo() {
        if (first != null) first.closeConnections();
    }

    @Start
    void start(Stage stage) {
        first = new Console(dirs, new Console.Options(null, null, null));
        first.start(stage);
    }

    @Test
    void theDemoStartsLabelledOffersToConnectAndKeepsASecondConsoleOut(FxRobot robot) {
        ConsoleHarness.awaitSettled(first, Duration.ofSeconds(120));
        assertThat(robot.lookup("#demo-badge").query().isVisible()).isTrue();
        Fx.until(Duration.ofSeconds(10), "the demo's 800 users on the overview",
                () -> ShellTest.texts(first.shell().content()).contains("All users") && ShellTest.texts(first.shell().content()).contains("800"));
        Node welcome = robot.lookup("#welcome-panel").query();
        assertThat(welcome.isVisible()).isTrue();
        robot.clickOn("#welcome-dismiss");
        Fx.until(Duration.ofSeconds(5), "the first-run panel gone", () -> first.shell().root().lookup("#welcome-panel") == null);
        assertThat(new SettingsStore(dirs.settingsFile()).load().firstRunDismissed).isTrue();

        robot.press(KeyCode.F1).release(KeyCode.F1);
        Fx.until(Duration.ofSeconds(5), "the shortcut list open", () -> Window.getWindows().stream()
                .anyMatch(w -> w.getScene() != null && w.getScene().lookup("#shortcuts") != null));
        Fx.run(() -> Window.getWindows().stream().filter(w -> w.getScene() != null && w.getScene().lookup("#shortcuts") != null)
                .toList().forEach(Window::hide));

        // A second console on the same demo folder must not start a second Postgres on the same data.
        Console second = Fx.read(() -> {
            Console c = new Console(dirs, new Console.Options(null, null, null));
            c.start(new Stage());
            return c;
        });
        try {
            Fx.until(Duration.ofSeconds(30), "the second console's message", () -> second.shell().content().lookup("#failure-panel") != null);
            assertThat(ShellTest.texts(second.shell().content())).contains("Another CASCADE Ops is already running the demo");
            assertThat(ShellTest.texts(first.shell().content())).contains("All users");
        } finally {
            second.closeConnections();
        }
    }
}
