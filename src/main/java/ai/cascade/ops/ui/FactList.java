package ai.cascade.ops.ui;

import javafx.geometry.VPos;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * Named facts about one thing (a user, a session) in two columns whose values wrap: unlike
 * {@link FigureList}, made for long text such as e-mail addresses, ids and user agents in a narrow pane.
 */
public final class FactList extends GridPane {
    private int rows;

    public FactList() {
        getStyleClass().add("fact-list");
        setHgap(12);
        setVgap(4);
        ColumnConstraints name = new ColumnConstraints();
        name.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints value = new ColumnConstraints();
        value.setHgrow(Priority.ALWAYS);
        getColumnConstraints().addAll(name, value);
    }

    public FactList clear() {
        getChildren().clear();
        rows = 0;
        return this;
    }

    public FactList add(String name, String value) {
        return add(name, value, null);
    }

    /** A fact with its explanation as a tooltip. */
    public FactList add(String name, String value, String hint) {
        Label n = new Label(name);
        n.getStyleClass().add("figure-name");
        Label v = new Label(value == null || value.isEmpty() ? "—" : value);
        v.getStyleClass().add("fact-value");
        v.setWrapText(true);
        v.setMinWidth(0);
        v.setMaxWidth(Double.MAX_VALUE);
        if (hint != null) {
            LazyTooltip.install(n, () -> hint);
            LazyTooltip.install(v, () -> hint);
        }
        GridPane.setValignment(n, VPos.TOP);   // a long value wraps; its name stays beside its first line
        addRow(rows++, n, v);
        return this;
    }

    /** The shown value of the fact called {@code name}, or null: for tests and screenshots. */
    public String value(String name) {
        for (var child : getChildren())
            if (child instanceof Label l && name.equals(l.getText()) && GridPane.getColumnIndex(l) == 0) {
                int row = GridPane.getRowIndex(l);
                for (var other : getChildren())
                    if (GridPane.getRowIndex(other) == row && GridPane.getColumnIndex(other) == 1) return ((Label) other).getText();
            }
        return null;
    }
}
