package ai.cascade.ops.ui;

import ai.cascade.ops.database.AuditReason;

import ai.cascade.ops.config.ConnectionProfile;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.Optional;

/**
 * Asks for the reason of a support action (it goes into the audit log), and on a production profile for the
 * profile's name too, as {@link ChangeConfirmation} does. Shared by every page that changes data.
 */
public final class ReasonPrompt {
    private ReasonPrompt() {}

    /** The reason typed, or empty when the person cancelled. */
    public static Optional<String> ask(Window owner, ConnectionProfile profile, String action, String question) {
        return ask(owner, profile, action, question, null, null);
    }

    /**
     * Like {@link #ask(Window, ConnectionProfile, String, String)} with {@code extra} controls above the reason (e.g. a
     * refund's amount); the action stays disabled while {@code extraValid} is false.
     */
    public static Optional<String> ask(Window owner, ConnectionProfile profile, String action, String question,
                                       Node extra, ObservableBooleanValue extraValid) {
        Dialog<ButtonType> d = new Dialog<>();
        d.initOwner(owner);
        d.setTitle(action);
        d.setHeaderText(question);
        ButtonType go = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, go);
        TextField reason = new TextField();
        reason.setId("reason-field");
        reason.setPromptText("Why (recorded in the audit log)");
        TextField typed = new TextField();
        typed.setId("confirm-profile-name");
        // A reason the audit log cannot store exactly is refused here, with why, not by the database after the click.
        Label reasonProblem = new Label();
        reasonProblem.setId("reason-problem");
        reasonProblem.setWrapText(true);
        reasonProblem.getStyleClass().add(atlantafx.base.theme.Styles.DANGER);   // the theme colours it; a dialog has no console.css
        reasonProblem.textProperty().bind(Bindings.createStringBinding(
                () -> reason.getText().isBlank() ? "" : java.util.Objects.requireNonNullElse(AuditReason.problem(reason.getText()), ""),
                reason.textProperty()));
        reasonProblem.managedProperty().bind(reasonProblem.textProperty().isNotEmpty());
        reasonProblem.visibleProperty().bind(reasonProblem.managedProperty());
        VBox box = new VBox(8);
        box.setPrefWidth(420);
        if (extra != null) box.getChildren().add(extra);
        box.getChildren().addAll(new Label("Reason:"), reason, reasonProblem);
        // The dialog was sized without the message: grow (or shrink) it so the message is read whole.
        reasonProblem.textProperty().addListener((o, was, now) -> {
            if (d.getDialogPane().getScene() != null && d.getDialogPane().getScene().getWindow() != null)
                d.getDialogPane().getScene().getWindow().sizeToScene();
        });
        if (profile.production())
            box.getChildren().addAll(new Label("This is the PRODUCTION profile. Type its name, " + profile.name() + ", to confirm:"), typed);
        d.getDialogPane().setContent(box);
        d.getDialogPane().lookupButton(go).disableProperty().bind(Bindings.createBooleanBinding(
                () -> AuditReason.problem(reason.getText()) != null || !ChangeConfirmation.accepts(profile, typed.getText())
                        || (extraValid != null && !extraValid.get()),
                extraValid == null ? new javafx.beans.Observable[]{reason.textProperty(), typed.textProperty()}
                        : new javafx.beans.Observable[]{reason.textProperty(), typed.textProperty(), extraValid}));
        d.setOnShown(e -> reason.requestFocus());
        return d.showAndWait().filter(b -> b == go).map(b -> reason.getText().strip());
    }
}
