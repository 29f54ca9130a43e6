package ai.cascade.ops.app;

import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.testing.Fx;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
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

/**
 * Folders the console cannot write (here: paths that are files, which stops root too) give clear
 * messages; the window keeps working.
 */
@ExtendWith(ApplicationExtension.class)
class UnwritableFoldersTest {
    Console console;

    @Start
    void start(Stage stage) throws IOException {
        Path home = Files.createTempDirectory("cascade-ops-unwritable");
        Path config = Files.writeString(home.resolve("config"), "not a folder");
        Path data = Files.writeString(home.resolve("data"), "not a folder");
        console = new Console(new AppDirectories(config, data, home.resolve("logs")), new Console.Options(null, null, null));
        console.start(stage);
    }

    @AfterEach
    void stop() {
        console.closeConnections();
    }

    @Test
    void theDemoAndTheSettingsSayWhichFolderCannotBeWritten(FxRobot robot) {
        Fx.until(Duration.ofSeconds(30), "the demo's failure shown", () -> console.shell().content().lookup("#failure-panel") != null);
        String shown = ShellTest.texts(console.shell().content());
        assertThat(shown).contains("The demo's data folder cannot be written").contains("CASCADE_OPS_HOME").doesNotContain("Exception");

        robot.press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);   // saving the last page fails
        Fx.until(Duration.ofSeconds(5), "the settings notice", () -> ShellTest.texts(console.shell().root()).contains("Settings cannot be saved"));
        assertThat(Fx.read(() -> console.shell().currentView())).isEqualTo(ViewId.USERS);
    }
}
