package ai.cascade.ops.ui;

import javafx.geometry.HPos;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;

/** A two- or three-column list of named figures, optionally with a bar showing each one's share. */
public final class FigureList extends GridPane {
    private int rows;

    public FigureList() {
        getStyleClass().add("figure-list");
        setHgap(12);
        setVgap(4);
        ColumnConstraints name = new ColumnConstraints();
        name.setHgrow(Priority.SOMETIMES);
        ColumnConstraints value = new ColumnConstraints();
        value.setHalignment(HPos.RIGHT);
        ColumnConstraints bar = new ColumnConstraints(60, 90, 140);
        getColumnConstraints().addAll(name, value, bar);
    }

    public FigureList clear() {
        getChildren().clear();
        rows = 0;
        return this;
    }

    /** A figure with its explanation (shown as a tooltip): what it means and what threshold applies. */
    public FigureList add(String name, String value, String hint) {
        return add(name, value, null, hint);
    }

    /** A row with a bar of {@code share} (0..1), e.g. a tier's part of all users. */
    public FigureList add(String name, String value, Double share, String hint) {
        Label n = new Label(name);
        n.getStyleClass().add("figure-name");
        Label v = new Label(value);
        v.getStyleClass().add("figure-value");
        n.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        v.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        if (hint != null) {
            LazyTooltip.install(n, () -> hint);
            LazyTooltip.install(v, () -> hint);
        }
        addRow(rows, n, v);
        if (share != null) {
            ProgressBar b = new ProgressBar(share);
            b.setMaxWidth(Double.MAX_VALUE);
            b.getStyleClass().add("figure-bar");
            add(b, 2, rows);
        }
        rows++;
        return this;
    }
}
