package ai.cascade.ops.config;

import ai.cascade.ops.app.Workspace;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class ConnectionsDialogTest {
    @TempDir Path home;
    SettingsStore store;
    BackgroundWork work;
    final CompletableFuture<Optional<ConnectionProfile>> chosen = new CompletableFuture<>();

    @Start
    void start(Stage stage) {
        stage.setScene(new javafx.scene.Scene(new javafx.scene.layout.StackPane(), 300, 200));
        stage.show();
    }

    @AfterEach
    void stop() {
        // A failed test must not leave the modal dialog's nested event loop running for the next class.
        Fx.run(() -> java.util.List.copyOf(javafx.stage.Window.getWindows()).stream()
                .filter(w -> w.getScene() != null && w.getScene().lookup("#profile-list") != null).forEach(javafx.stage.Window::hide));
        if (work != null) work.close();
    }

    private void open() {
        store = new SettingsStore(home.resolve("settings.json"));
        Fx.run(() -> work = new BackgroundWork(2));
        ConnectionsDialog dialog = new ConnectionsDialog(store, work, null, p -> {
            try (Workspace trial = new Workspace(p, StripeAccess.LIVE_API_BASE)) {
                return trial.testOnce();
            }
        });
        Platform.runLater(() -> chosen.complete(dialog.showAndChoose(null)));
        Fx.until(Duration.ofSeconds(10), "the dialog open", () -> !javafx.stage.Window.getWindows().filtered(w -> w.isShowing()
                && w.getScene() != null && w.getScene().lookup("#profile-list") != null).isEmpty());
    }

    @Test
    void aPastedUrlKeepsItsPasswordInAMaskedFieldAndTheFileIsOwnerOnly(FxRobot robot) throws Exception {
        open();
        robot.clickOn("#new-profile");
        robot.clickOn("#profile-name").write("staging");
        TextField url = robot.lookup("#postgres-url").queryAs(TextField.class);
        Fx.run(() -> url.setText(TestServers.servers().postgresUrl("postgres").replace("postgres@", "postgres:s3cr%40t@")));
        Fx.run(() -> robot.lookup("#redis-url").queryAs(TextField.class).setText(TestServers.redisUrl()));
        Fx.run(() -> robot.lookup("#venice-url").queryAs(TextField.class).setText(""));
        robot.clickOn("#save-profile");
        Fx.until(Duration.ofSeconds(5), "the profile saved", () -> store.snapshot().profile("staging").isPresent());
        ConnectionProfile saved = store.snapshot().profile("staging").orElseThrow();
        assertThat(saved.postgresUrl()).contains("postgres:s3cr%40t@");
        String shownUrl = Fx.read(() -> url.getText());
        assertThat(shownUrl).doesNotContain("s3cr");
        String password = Fx.read(() -> robot.lookup("#postgres-password").queryAs(PasswordField.class).getText());
        assertThat(password).isEqualTo("s3cr@t");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(Files.readString(store.file())).contains("staging");

        robot.clickOn("#test-profile");
        Fx.until(Duration.ofSeconds(20), "test results for four backends",
                () -> robot.lookup("#test-results").queryAs(javafx.scene.layout.VBox.class).getChildren().size() == 4);
        String results = Fx.<String>read(() -> robot.lookup("#test-results").queryAs(javafx.scene.layout.VBox.class).getChildren().stream()
                .map(n -> ((Label) n).getText()).reduce("", (a, b) -> a + b + "\n"));
        assertThat(results).contains("Postgres: Postgres answered").contains("Redis: Redis answered")
                .contains("Venice is not configured").contains("Stripe is not configured").doesNotContain("s3cr");

        robot.clickOn("#connect-profile");
        assertThat(chosen.get(10, TimeUnit.SECONDS)).hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("staging"));
    }

    @Test
    void badInputIsExplainedAndNothingIsSaved(FxRobot robot) {
        open();
        robot.clickOn("#new-profile");
        robot.clickOn("#profile-name").write("Demo");
        Fx.run(() -> robot.lookup("#postgres-url").queryAs(TextField.class).setText("mysql://root@db/cascade"));
        Fx.run(() -> robot.lookup("#redis-url").queryAs(TextField.class).setText("redis://"));
        Fx.run(() -> robot.lookup("#stripe-key").queryAs(PasswordField.class).setText("pk_live_1234567890abcdef"));
        robot.clickOn("#save-profile");
        String problems = Fx.read(() -> robot.lookup("#profile-problems").queryAs(Label.class).getText());
        assertThat(problems).contains("reserved").contains("postgresql://").contains("Redis URL").contains("publishable")
                .doesNotContain("1234567890abcdef");
        assertThat(store.snapshot().profiles).isEmpty();
        assertThat(Files.exists(store.file())).isFalse();
    }
}
