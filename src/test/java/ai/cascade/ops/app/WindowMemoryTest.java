package ai.cascade.ops.app;

import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The window comes back where it was, at its size, on the page last shown. */
@ExtendWith(ApplicationExtension.class)
class WindowMemoryTest {
    Stage firstStage;

    @Start
    void start(Stage stage) {
        firstStage = stage;
    }

    @Test
    void sizePlaceAndLastPageAreRememberedBetweenRuns() throws IOException {
        Path home = Files.createTempDirectory("cascade-ops-window");
        AppDirectories dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));
        ConnectionProfile profile = new ConnectionProfile("p", false, false, "", TestServers.redisUrl(), "", "");
        Console first = Fx.read(() -> {
            Console c = new Console(dirs, new Console.Options(null, null, profile));
            c.start(firstStage);
            return c;
        });
        Fx.until(Duration.ofSeconds(20), "connected", () -> first.workspace() != null);
        Fx.run(() -> {
            firstStage.setX(140);
            firstStage.setY(90);
            firstStage.setWidth(1100);
            firstStage.setHeight(700);
            first.shell().select(ViewId.CACHE);
            first.rememberWindow();
            firstStage.hide();
        });
        first.closeConnections();
        assertThat(new SettingsStore(dirs.settingsFile()).load().lastView).isEqualTo("CACHE");

        Stage again = Fx.read(Stage::new);
        Console second = Fx.read(() -> {
            Console c = new Console(dirs, new Console.Options(null, null, profile));
            c.start(again);
            return c;
        });
        try {
            Fx.until(Duration.ofSeconds(20), "the cache page shown again", () -> second.shell().currentView() == ViewId.CACHE);
            assertThat(Fx.read(again::getWidth)).isEqualTo(1100.0);
            assertThat(Fx.read(again::getHeight)).isEqualTo(700.0);
            assertThat(Fx.read(again::getX)).isEqualTo(140.0);
            assertThat(Fx.read(again::getY)).isEqualTo(90.0);
        } finally {
            second.closeConnections();
            Fx.run(again::hide);
        }
    }
}
