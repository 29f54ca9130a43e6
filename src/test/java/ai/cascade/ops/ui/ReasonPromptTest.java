package ai.cascade.ops.ui;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.Fx;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The reason prompt refuses, with why, a reason the audit log could not store exactly (AuditReason). */
@ExtendWith(ApplicationExtension.class)
class ReasonPromptTest {
    Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Fx.showEmpty(stage, 400, 300);
    }

    @AfterEach
    void closeDialogs() {
        Fx.run(() -> List.copyOf(Window.getWindows()).stream().filter(w -> w != stage).forEach(Window::hide));
    }

    @Test
    void aReasonWithHalfAnEmojiOrTooLongKeepsTheActionDisabledAndSaysWhy() throws Exception {
        CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
        Platform.runLater(() -> answer.complete(ReasonPrompt.ask(stage, new ConnectionProfile("p", false, false, "", "", "", ""),
                "Revoke", "Revoke this session?")));
        Fx.until(Duration.ofSeconds(10), "the prompt is shown", () -> pane() != null);

        check("", true, "");
        // A NUL never reaches the prompt's reason: JavaFX's text field drops control characters as they are typed.
        check("stolen \uD83D", true, "broken character");
        check("x".repeat(2001), true, "2,001 characters");
        check("stolen \uD83D", true, "broken character");
        snapshot(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "reason-prompt-broken-character.png"));
        check("  lost laptop  ", false, "");

        Fx.run(() -> action().fire());
        assertThat(answer.get(10, TimeUnit.SECONDS)).contains("lost laptop");
    }

    private void check(String typed, boolean disabled, String problem) {
        Fx.run(() -> ((TextField) pane().lookup("#reason-field")).setText(typed));
        assertThat(Fx.read(() -> action().isDisabled())).as(typed.length() > 40 ? typed.length() + " characters" : typed).isEqualTo(disabled);
        Label shown = (Label) Fx.read(() -> pane().lookup("#reason-problem"));
        String text = Fx.read(shown::getText);
        if (problem.isEmpty()) assertThat(text).isEmpty();
        else assertThat(text).contains(problem).hasSizeLessThan(200);
        assertThat(Fx.read(shown::isVisible)).isEqualTo(!problem.isEmpty());
    }

    private DialogPane pane() {
        return Window.getWindows().stream().filter(w -> w != stage && w.getScene() != null && w.getScene().getRoot() instanceof DialogPane)
                .map(w -> (DialogPane) w.getScene().getRoot()).findFirst().orElse(null);
    }

    private Button action() {
        for (Node n : pane().lookupAll(".button"))
            if (n instanceof Button b && ButtonBar.getButtonData(b) == ButtonBar.ButtonData.OK_DONE) return b;
        throw new AssertionError("no action button");
    }

    /** A picture for people reviewing the prompt (not asserted). */
    private void snapshot(java.nio.file.Path file) {
        var image = Fx.read(() -> pane().getScene().snapshot(null));
        try {
            javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
