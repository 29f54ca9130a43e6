package ai.cascade.ops.ui;

import ai.cascade.ops.config.ConnectionProfile;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Asks before any change of data. On a production profile the operator types the profile's name;
 * on a read-only profile the change is refused outright.
 */
public final class ChangeConfirmation {
    private ChangeConfirmation() {}

    /** True when {@code typed} confirms a change on {@code profile}: anything on non-production, the exact name on production. */
    public static boolean accepts(ConnectionProfile profile, String typed) {
        return !profile.production() || profile.name().equals(typed == null ? "" : typed.strip());
    }

    public static boolean confirm(Window owner, ConnectionProfile profile, String action, String question) {
        if (profile.readOnly()) {
            Alert a = new Alert(Alert.AlertType.INFORMATION, "The profile \"" + profile.name() + "\" is marked read-only, so \""
                    + action + "\" is not available. Switch the profile to read-write under File → Connections first.");
            a.initOwner(owner);
            a.setHeaderText(action + " is not allowed");
            a.showAndWait();
            return false;
        }
        Dialog<ButtonType> d = new Dialog<>();
        d.initOwner(owner);
        d.setTitle(action);
        d.setHeaderText(question);
        ButtonType go = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, go);
        TextField typed = new TextField();
        typed.setId("confirm-profile-name");
        if (profile.production()) {
            VBox box = new VBox(8, new Label("This is the PRODUCTION profile. Type its name, " + profile.name() + ", to confirm:"), typed);
            d.getDialogPane().setContent(box);
            d.getDialogPane().lookupButton(go).disableProperty().bind(
                    javafx.beans.binding.Bindings.createBooleanBinding(() -> !accepts(profile, typed.getText()), typed.textProperty()));
        }
        return d.showAndWait().filter(b -> b == go).isPresent();
    }
}
