package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendMonitor;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import ai.cascade.ops.ui.LazyTooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.EnumMap;
import java.util.Map;

/**
 * The bottom bar: one indicator per backend (state and last latency, details in a tooltip, click to
 * re-check), the background job in flight with Cancel, and the time zone toggle.
 */
public final class StatusBar extends HBox {
    private final Map<Backend, Label> indicators = new EnumMap<>(Backend.class);
    private final Map<Backend, Health> shown = new EnumMap<>(Backend.class);
    private Label jobLabel;
    private ProgressBar jobProgress;
    private Button cancelJob;
    private final HBox jobBox = new HBox(8);
    private final TimeDisplay time;
    private BackendMonitor monitor;

    private final Map<Backend, java.util.function.Supplier<String>> details = new java.util.EnumMap<>(Backend.class);

    /** More to say in a backend's tooltip (e.g. Venice answers from the cache vs live); null removes it. */
    public void setDetails(Backend b, java.util.function.Supplier<String> more) {
        if (more == null) details.remove(b);
        else details.put(b, more);
    }

    public StatusBar(BackgroundWork work, TimeDisplay time) {
        this.time = time;
        getStyleClass().add("status-bar");
        setSpacing(14);
        for (Backend b : Backend.values()) {
            Label l = new Label(b.label());
            l.setId("status-" + b.name().toLowerCase());
            l.getStyleClass().add("backend-indicator");
            l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            l.setGraphic(new FontIcon("mdi2c-circle"));
            l.setOnMouseClicked(e -> { if (monitor != null) monitor.checkNow(b); });
            LazyTooltip.install(l, () -> {
                Health h = shown.get(b);
                java.util.function.Supplier<String> more = details.get(b);
                return h.message() + (more == null ? "" : "\n" + more.get())
                        + "\nChecked " + time.format(h.checkedAt()) + ". Click to check now.";
            });
            indicators.put(b, l);
            getChildren().add(l);
            show(Health.notConfigured(b));
        }
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button zone = new Button();
        zone.setId("time-zone-toggle");
        zone.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        zone.getStyleClass().addAll("small", "flat");
        zone.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> "Times: " + time.zoneLabel(), time.utcProperty()));
        LazyTooltip.install(zone, () -> "Show times in UTC or in the local time zone (Ctrl+U)");
        zone.setOnAction(e -> time.utcProperty().set(!time.utcProperty().get()));
        jobBox.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        getChildren().addAll(spacer, jobBox, zone);
        work.running().addListener((ListChangeListener<Job<?>>) c -> showJobs(work));
        showJobs(work);
    }

    /** Follows a new profile's monitor; results of an old one are ignored. */
    public void attach(BackendMonitor next) {
        this.monitor = next;
        next.addListener(h -> Platform.runLater(() -> { if (monitor == next) show(h); }));
    }

    /** States set before any monitor exists, e.g. while the demo servers start. */
    public void show(Health h) {
        shown.put(h.backend(), h);
        Label l = indicators.get(h.backend());
        l.getStyleClass().removeIf(s -> s.startsWith("state-"));
        l.getStyleClass().add("state-" + h.state().name().toLowerCase().replace('_', '-'));
        String state = switch (h.state()) {
            case CONNECTED -> "connected";
            case DEGRADED -> "degraded";
            case DOWN -> "down";
            case CHECKING -> "connecting…";
            case NOT_CONFIGURED -> "not configured";
        };
        String latency = h.latency() == null ? "" : " · " + h.latency().toMillis() + " ms";
        l.setText(h.backend().label() + ": " + state + latency);
    }

    public Health shown(Backend b) {
        return shown.get(b);
    }

    private void showJobs(BackgroundWork work) {
        boolean any = !work.running().isEmpty();
        jobBox.setVisible(any);
        if (!any) return;
        if (jobLabel == null) {   // made on the first job, not before the first frame
            jobLabel = new Label();
            jobProgress = new ProgressBar();
            jobProgress.setPrefWidth(90);
            cancelJob = new Button("Cancel");
            cancelJob.getStyleClass().add("small");
            jobBox.getChildren().addAll(jobLabel, jobProgress, cancelJob);
        }
        Job<?> newest = work.running().get(work.running().size() - 1);
        jobLabel.textProperty().unbind();
        jobLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> newest.getTitle() + (work.running().size() > 1 ? " (+" + (work.running().size() - 1) + " more)" : ""),
                newest.titleProperty()));
        jobProgress.progressProperty().unbind();
        jobProgress.progressProperty().bind(newest.progressProperty());
        cancelJob.setOnAction(e -> newest.cancel(true));
    }
}
