package ai.cascade.ops.ui;

import javafx.scene.control.Control;
import javafx.scene.control.Tooltip;

import java.util.function.Supplier;

/**
 * A tooltip made when the pointer first reaches the control, with its text read then: tooltips are
 * popup windows, costly to create by the dozen before the first frame, and their text goes stale.
 */
public final class LazyTooltip {
    private LazyTooltip() {}

    public static void install(Control control, Supplier<String> text) {
        control.setOnMouseEntered(e -> {
            Tooltip t = control.getTooltip();
            if (t == null) {
                t = new Tooltip();
                t.setWrapText(true);
                t.setMaxWidth(480);
                control.setTooltip(t);
            }
            t.setText(text.get());
        });
    }
}
