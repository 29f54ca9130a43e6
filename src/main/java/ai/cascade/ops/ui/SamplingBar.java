package ai.cascade.ops.ui;

import ai.cascade.ops.backend.PeriodicSampler;
import javafx.geometry.Pos;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.HBox;
import javafx.util.StringConverter;

/** "Sampling [every 5 s] [Pause] · the last hour is kept": the interval and pause of a {@link PeriodicSampler}. */
public final class SamplingBar extends HBox {
    private final ChoiceBox<Integer> interval = new ChoiceBox<>();
    private final ToggleButton pause = new ToggleButton("Pause");

    /** {@code idPrefix} names the controls ("trends" gives #trends-interval and #trends-pause). */
    public SamplingBar(PeriodicSampler<?, ?> sampler, String idPrefix) {
        interval.getItems().setAll(PeriodicSampler.INTERVAL_CHOICES);
        interval.setConverter(new StringConverter<>() {
            @Override public String toString(Integer s) { return s == null ? "" : "every " + s + " s"; }
            @Override public Integer fromString(String s) { return null; }
        });
        interval.setValue(sampler.intervalSeconds());
        interval.setId(idPrefix + "-interval");
        interval.valueProperty().addListener((o, was, now) -> { if (now != null) sampler.setIntervalSeconds(now); });
        pause.setId(idPrefix + "-pause");
        pause.setSelected(sampler.isPaused());
        pause.selectedProperty().addListener((o, was, now) -> {
            if (now) sampler.pause();
            else sampler.resume();
            pause.setText(now ? "Resume" : "Pause");
        });
        pause.setText(pause.isSelected() ? "Resume" : "Pause");
        Label kept = new Label("· the last hour is kept");
        kept.getStyleClass().add("text-muted");
        getChildren().addAll(new Label("Sampling"), interval, pause, kept);
        setSpacing(8);
        setAlignment(Pos.CENTER_LEFT);
    }

    public ToggleButton pauseButton() { return pause; }

    public ChoiceBox<Integer> intervalChoice() { return interval; }
}
