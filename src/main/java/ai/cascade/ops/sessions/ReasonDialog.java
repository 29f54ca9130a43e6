package ai.cascade.ops.sessions;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.ui.ChangeConfirmation;
import javafx.beans.binding.Bindings;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.Optional;

/**
 * Asks for the reason of a support action (it goes into the audit log and, for a revoke, the blacklist entry),
 * and on a production profile for the profile's name too, as {@link ChangeConfirmation} does.
 */
final class ReasonDialog {
    private ReasonDialog() {}

    /** The reason typed, or empty when the person cancelled. */
    static Optional<String> ask(Window owner, ConnectionProfile profile, String action, String question) {
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
        VBox box = new VBox(8, new Label("Reason:"), reason);
        if (profile.production())
            box.getChildren().addAll(new Label("This is the PRODUCTION profile. Type its name, " + profile.name() + ", to confirm:"), typed);
        d.getDialogPane().setContent(box);
        d.getDialogPane().lookupButton(go).disableProperty().bind(Bindings.createBooleanBinding(
                () -> reason.getText().isBlank() || !ChangeConfirmation.accepts(profile, typed.getText()),
                reason.textProperty(), typed.textProperty()));
        d.setOnShown(e -> reason.requestFocus());
        return d.showAndWait().filter(b -> b == go).map(b -> reason.getText().strip());
    }
}
