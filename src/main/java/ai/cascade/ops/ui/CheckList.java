package ai.cascade.ops.ui;

import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks as rows, worst first: a coloured mark, what was checked, the figure, what to do, and the offending
 * items behind a "details" link. A row's "Open" link (when given a handler) leads to the page that explains it.
 */
public final class CheckList extends VBox {
    /** Worst first; among equals, by backend then title, so the list does not reshuffle between refreshes. */
    public static final Comparator<Check> WORST_FIRST = Check.WORST_FIRST;

    private Consumer<Check> onOpen;
    private List<Check> shown = List.of();
    /** Checks whose details are open: a refresh every 30 s must not fold away what someone is reading. */
    private final java.util.Set<String> expanded = new java.util.HashSet<>();
    private boolean foldPassing;
    private boolean passingOpen;

    public CheckList() {
        getStyleClass().add("check-list");
        setSpacing(2);
    }

    /** Called with a row's check when its "Open" link is pressed; null hides the links. */
    public void setOnOpen(Consumer<Check> onOpen) {
        this.onOpen = onOpen;
    }

    public List<Check> shown() { return shown; }

    public void show(List<Check> checks) {
        List<Check> sorted = new ArrayList<>(checks);
        sorted.sort(WORST_FIRST);
        shown = List.copyOf(sorted);
        getChildren().clear();
        List<VBox> passing = new ArrayList<>();
        for (Check c : sorted) {
            VBox row = row(c);
            getChildren().add(row);
            if (c.verdict() == Verdict.OK) passing.add(row);
        }
        if (foldPassing && !passing.isEmpty() && passing.size() < sorted.size()) {
            Hyperlink toggle = new Hyperlink();
            toggle.getStyleClass().add("check-passing-toggle");
            Runnable apply = () -> {
                passing.forEach(r -> { r.setVisible(passingOpen); r.setManaged(passingOpen); });
                toggle.setText(passingOpen ? "Hide the " + passing.size() + " passing checks"
                        : "Show the " + passing.size() + " passing checks");
            };
            toggle.setOnAction(e -> { passingOpen = !passingOpen; apply.run(); });
            apply.run();
            getChildren().add(toggle);
        }
    }

    /**
     * Folds the passing checks behind one link when anything needs attention, so what is wrong (and whatever follows
     * the list, like the overview's business figures) stays on the first screen. When everything passes, all show.
     */
    public void setFoldPassing(boolean fold) {
        this.foldPassing = fold;
        show(shown);
    }

    private VBox row(Check c) {
        FontIcon mark = new FontIcon(icon(c.verdict()));
        mark.getStyleClass().addAll("check-mark", "verdict-" + c.verdict().label());
        Label title = new Label(c.title());
        title.getStyleClass().add("check-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Label figure = new Label(c.figure());
        figure.getStyleClass().add("check-figure");
        figure.setWrapText(true);
        figure.setMinWidth(0);
        figure.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(figure, Priority.ALWAYS);   // the figure wraps; the links beside it keep their width
        HBox line = new HBox(8, mark, title, figure);
        line.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(2, line);
        box.getStyleClass().addAll("check-row", "verdict-" + c.verdict().label());
        box.setPadding(new Insets(4, 8, 4, 8));
        box.setUserData(c);
        if (!c.advice().isEmpty() && c.verdict() != Verdict.OK) {
            Label advice = new Label(c.advice());
            advice.getStyleClass().add("check-advice");
            advice.setWrapText(true);
            advice.setPadding(new Insets(0, 0, 0, 24));
            box.getChildren().add(advice);
        }
        if (!c.details().isEmpty()) {
            Label details = new Label(String.join("\n", c.details()));
            details.getStyleClass().add("check-details");
            details.setWrapText(true);
            details.setPadding(new Insets(0, 0, 0, 24));
            details.setVisible(expanded.contains(c.id()));
            details.managedProperty().bind(details.visibleProperty());
            Hyperlink toggle = new Hyperlink(c.details().size() == 1 ? "1 item" : c.details().size() + " items");
            toggle.setOnAction(e -> {
                details.setVisible(!details.isVisible());
                if (details.isVisible()) expanded.add(c.id());
                else expanded.remove(c.id());
            });
            toggle.setMinWidth(Region.USE_PREF_SIZE);
            line.getChildren().add(toggle);
            box.getChildren().add(details);
        }
        if (onOpen != null && c.verdict() != Verdict.OK) {
            Hyperlink open = new Hyperlink("Open");
            open.getStyleClass().add("check-open");
            open.setOnAction(e -> onOpen.accept(c));
            open.setMinWidth(Region.USE_PREF_SIZE);
            line.getChildren().add(open);
        }
        return box;
    }

    private static String icon(Verdict v) {
        return switch (v) {
            case OK -> "mdi2c-check-circle";
            case UNKNOWN -> "mdi2h-help-circle-outline";
            case WARNING -> "mdi2a-alert";
            case CRITICAL -> "mdi2a-alert-octagon";
            case UNREACHABLE -> "mdi2l-lan-disconnect";
        };
    }
}
