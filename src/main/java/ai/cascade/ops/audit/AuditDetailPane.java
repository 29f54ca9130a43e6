package ai.cascade.ops.audit;

import ai.cascade.ops.ui.TimeDisplay;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The selected audit entry: who, when, where and why; its before and after side by side with the changed fields
 * marked; and the raw details as indented JSON. Everything shown is already in the row: nothing is fetched.
 */
final class AuditDetailPane {
    static final String NOTHING_SELECTED = "Select an entry to see what it changed: the state before and after, and why.";

    private final TimeDisplay time;
    private final VBox root = new VBox(8);
    private final Label title = new Label();
    private final Label facts = new Label();
    private final Label why = new Label();
    private final Label changeLines = new Label();
    private final GridPane sides = new GridPane();
    private final Label noSides = new Label("This action records no before and after; what it did is in its details.");
    private final TextArea json = new TextArea();
    private final VBox body;
    private final Label empty = new Label(NOTHING_SELECTED);
    private AuditEntry shown;

    AuditDetailPane(TimeDisplay time) {
        this.time = time;
        root.setId("audit-detail");
        root.getStyleClass().add("audit-detail");
        root.setPadding(new Insets(10, 16, 10, 16));
        title.getStyleClass().add("title-4");
        facts.getStyleClass().add("text-muted");
        why.setWrapText(true);
        changeLines.setId("audit-change-lines");
        changeLines.getStyleClass().add("audit-change-lines");
        changeLines.setWrapText(true);
        noSides.getStyleClass().add("text-muted");
        noSides.setWrapText(true);
        empty.getStyleClass().add("text-muted");
        json.setId("audit-details-json");
        json.setEditable(false);
        json.getStyleClass().add("audit-json");
        for (Label l : new Label[]{title, facts, why, changeLines}) l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);   // the JSON shrinks, not the facts
        body = new VBox(8, title, facts, why, changeLines, columns());
        VBox.setVgrow(body.getChildren().get(4), Priority.ALWAYS);
        time.utcProperty().addListener((o, was, utc) -> show(shown));
        show(null);
    }

    Node root() { return root; }

    /** Shows {@code entry}, or the hint to select one when null. */
    void show(AuditEntry entry) {
        shown = entry;
        if (entry == null) {
            root.getChildren().setAll(empty);
            return;
        }
        title.setText("#" + entry.id() + "  ·  " + entry.action() + (entry.target() == null ? "" : "  ·  " + entry.target()));
        facts.setText(time.formatUtc(entry.at()) + "  ·  by " + entry.actor()
                + (entry.profile() == null ? "" : "  ·  profile " + entry.profile()));
        why.setText("Why: " + (entry.reason() == null || entry.reason().isBlank() ? "(no reason given)" : entry.reason()));
        changeLines.setText(String.join("\n", entry.changeLines()));
        changeLines.setVisible(!entry.changeLines().isEmpty());
        changeLines.setManaged(changeLines.isVisible());
        fillSides(entry);
        json.setText(entry.prettyDetails());
        root.getChildren().setAll(body);
    }

    /** Before and after on the left, the raw JSON on the right. */
    private Node columns() {
        sides.getStyleClass().add("audit-sides");
        sides.setHgap(0);
        ColumnConstraints field = new ColumnConstraints();
        field.setMinWidth(110);
        ColumnConstraints side = new ColumnConstraints();
        side.setPercentWidth(38);
        sides.getColumnConstraints().setAll(field, side, side);
        ScrollPane scroll = new ScrollPane(new VBox(6, noSides, sides));
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        VBox left = new VBox(4, heading("Before and after"), scroll);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        VBox right = new VBox(4, heading("Details (JSON)"), json);
        VBox.setVgrow(json, Priority.ALWAYS);
        HBox.setHgrow(left, Priority.ALWAYS);
        HBox.setHgrow(right, Priority.ALWAYS);
        left.setPrefWidth(560);
        right.setPrefWidth(420);
        return new HBox(16, left, right);
    }

    private void fillSides(AuditEntry entry) {
        sides.getChildren().clear();
        boolean any = entry.hasBeforeAfter();
        noSides.setVisible(!any);
        noSides.setManaged(!any);
        sides.setVisible(any);
        sides.setManaged(any);
        if (!any) return;
        sides.addRow(0, cell("Field", "audit-side-head"), cell("Before", "audit-side-head"), cell("After", "audit-side-head"));
        int row = 1;
        for (AuditEntry.Change c : entry.changes()) {
            String style = c.changed() ? "audit-changed" : "audit-same";
            sides.addRow(row++, cell(c.field(), style), cell(orAbsent(c.before()), style), cell(orAbsent(c.after()), style));
        }
    }

    private static Label cell(String text, String style) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMaxWidth(Double.MAX_VALUE);
        l.getStyleClass().addAll("audit-cell", style);
        return l;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("audit-heading");
        return l;
    }

    private static String orAbsent(String value) {
        return value == null ? AuditEntry.ABSENT : value;
    }
}
