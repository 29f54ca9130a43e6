package ai.cascade.ops.ui;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Worker;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.function.Consumer;

/**
 * A region whose content comes from a backend: it shows progress with a Cancel button while loading,
 * and the error with a Retry button when loading failed. Each part of a view loads on its own, so one
 * slow or failing backend leaves the others visible.
 */
public final class LoadPane extends StackPane {
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty problem = new SimpleStringProperty();
    private final VBox busyBox = new VBox(8);
    private final Label busyLabel = new Label();
    private final VBox errorBox = new VBox(8);
    private final Label errorLabel = new Label();
    private Job<?> current;
    private int loads;
    private Runnable retry;

    public LoadPane() {
        getStyleClass().add("load-pane");
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setMaxSize(32, 32);
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> cancel());
        busyBox.getChildren().addAll(spinner, busyLabel, cancel);
        busyBox.setAlignment(Pos.CENTER);
        busyBox.getStyleClass().add("load-busy");
        busyBox.setVisible(false);

        FontIcon icon = new FontIcon("mdi2a-alert-circle-outline");
        icon.getStyleClass().add("load-error-icon");
        errorLabel.setWrapText(true);
        errorLabel.getStyleClass().add("load-error-text");
        Button retryButton = new Button("Retry", new FontIcon("mdi2r-refresh"));
        retryButton.setOnAction(e -> { if (retry != null) retry.run(); });
        errorBox.getChildren().addAll(icon, errorLabel, retryButton);
        errorBox.setAlignment(Pos.CENTER);
        errorBox.getStyleClass().add("load-error");
        errorBox.setVisible(false);
        getChildren().addAll(busyBox, errorBox);
    }

    /** Sets what the pane shows once loaded (FXML children work too: the first child is the content). */
    public void setContent(Node content) {
        getChildren().add(0, content);
    }

    /** Loads in the background and hands the result to {@code show} on the FX thread; replaces a load in flight. */
    public <T> void load(BackgroundWork work, String title, Work<T> loader, Consumer<T> show) {
        retry = () -> load(work, title, loader, show);
        // A job still queued is not "running" yet, and one that finished may not have reported yet:
        // cancel anything not done, and let only the newest load speak, or an old answer would end the busy state early.
        int generation = ++loads;
        if (current != null && !current.isDone()) current.cancel(true);
        errorBox.setVisible(false);
        busyLabel.setText(title + "…");
        busyBox.setVisible(true);
        busyBox.toFront();
        busy.set(true);
        problem.set(null);
        Job<T> job = work.run(title, loader, value -> {
            if (generation != loads) return;
            busyBox.setVisible(false);
            busy.set(false);
            show.accept(value);
        }, e -> {
            if (generation == loads) fail(Problems.describe(e));
        });
        job.stateProperty().addListener((o, was, state) -> {
            if (state == Worker.State.CANCELLED && generation == loads) fail("Cancelled. Retry to load again.");
        });
        current = job;
    }

    public void cancel() {
        if (current != null) current.cancel(true);
    }

    private void fail(String message) {
        busyBox.setVisible(false);
        errorLabel.setText(message);
        errorBox.setVisible(true);
        errorBox.toFront();
        problem.set(message);
        busy.set(false);
    }

    /** True while loading: screenshots and tests wait for every pane to settle. */
    public ReadOnlyBooleanProperty busyProperty() { return busy; }

    public boolean isBusy() { return busy.get(); }

    /** The error shown, or null. */
    public ReadOnlyStringProperty problemProperty() { return problem; }
}
