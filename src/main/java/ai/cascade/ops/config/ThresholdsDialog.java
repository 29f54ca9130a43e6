package ai.cascade.ops.config;

import atlantafx.base.theme.Styles;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Shows and changes where the health checks turn amber and red: one field per threshold, grouped by backend, with
 * its unit, a hint and the default beside it. Save stays disabled while a field is wrong; the wrong field is marked
 * and says why. The rules live in {@link ThresholdField} and {@link ThresholdForm}; this class only binds them.
 */
public final class ThresholdsDialog {
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");

    private final CheckThresholds current;
    private final Locale locale;
    private final Map<ThresholdField, TextField> fields = new EnumMap<>(ThresholdField.class);
    private final Map<ThresholdField, Label> problems = new EnumMap<>(ThresholdField.class);
    private final Map<ThresholdField, Label> defaults = new EnumMap<>(ThresholdField.class);
    private final Label summary = new Label();
    private final Button save = new Button("Save");
    private final Button reset = new Button("Reset to pghero's defaults", new FontIcon("mdi2r-restore"));
    private final Button cancel = new Button("Cancel");
    private Parent root;
    private CheckThresholds saved;

    /** A dialog filled from {@code current}, numbers written the way this computer's locale writes them. */
    public ThresholdsDialog(CheckThresholds current) {
        this(current, Locale.getDefault());
    }

    ThresholdsDialog(CheckThresholds current, Locale locale) {
        this.current = current == null ? CheckThresholds.defaults() : current;
        this.locale = locale;
    }

    /** Shows the dialog modally and waits; the thresholds to keep when the operator saved, empty when cancelled. */
    public static Optional<CheckThresholds> edit(Window owner, CheckThresholds current) {
        ThresholdsDialog d = new ThresholdsDialog(current);
        Stage stage = new Stage();
        if (owner != null) {
            stage.initOwner(owner);
            stage.initModality(Modality.WINDOW_MODAL);
        }
        stage.setTitle("Health check thresholds");
        Scene scene = new Scene(d.root(), 760, 720);
        if (owner != null && owner.getScene() != null) scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        stage.setScene(scene);
        stage.showAndWait();
        return Optional.ofNullable(d.saved);
    }

    /** The dialog's content, built on first call (on the FX thread). */
    public Parent root() {
        if (root == null) {
            root = build();
            fill(current);
        }
        return root;
    }

    /** What the fields say now, or empty while any field is wrong. */
    public Optional<CheckThresholds> result() {
        return form().thresholds();
    }

    /** What was saved with the Save button; empty until then. */
    public Optional<CheckThresholds> saved() {
        return Optional.ofNullable(saved);
    }

    private ThresholdForm form() {
        root();
        Map<ThresholdField, String> texts = new EnumMap<>(ThresholdField.class);
        fields.forEach((f, t) -> texts.put(f, t.getText()));
        return new ThresholdForm(texts, locale);
    }

    private Parent build() {
        VBox groups = new VBox(2);
        groups.setPadding(new Insets(0, 16, 12, 4));
        Label intro = new Label("Where each health check turns amber or red. pghero's defaults are shown beside the fields "
                + "that have one; the console's own choice beside the others.");
        intro.setWrapText(true);
        intro.getStyleClass().add(Styles.TEXT_MUTED);
        groups.getChildren().add(intro);
        for (ThresholdField.Group g : ThresholdField.Group.values()) {
            Label title = new Label(g.title());
            title.getStyleClass().addAll(Styles.TITLE_4, "threshold-group");
            groups.getChildren().addAll(title, grid(g));
        }
        ScrollPane scroller = new ScrollPane(groups);
        scroller.setFitToWidth(true);

        reset.setId("reset-thresholds");
        reset.setOnAction(e -> fill(CheckThresholds.defaults()));
        save.setId("save-thresholds");
        save.setDefaultButton(true);
        save.setOnAction(e -> result().ifPresent(t -> { saved = t; close(); }));
        cancel.setId("cancel-thresholds");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> close());
        summary.setId("threshold-problems");
        summary.getStyleClass().add("threshold-summary");
        summary.setWrapText(true);
        summary.managedProperty().bind(summary.textProperty().isNotEmpty());
        for (Button b : new Button[]{reset, cancel, save}) b.setMinWidth(Region.USE_PREF_SIZE);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox buttons = new HBox(8, reset, gap, cancel, save);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox footer = new VBox(8, summary, buttons);
        footer.getStyleClass().add("threshold-footer");

        BorderPane pane = new BorderPane(scroller);
        pane.setBottom(footer);
        pane.setPadding(new Insets(12));
        pane.getStyleClass().add("thresholds-dialog");
        pane.getStylesheets().add(ThresholdsDialog.class.getResource("ThresholdsDialog.css").toExternalForm());
        return pane;
    }

    /** One row per field: its label, then the field with unit and default, the hint, and the problem when there is one. */
    private GridPane grid(ThresholdField.Group group) {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        ColumnConstraints labels = new ColumnConstraints(235);
        ColumnConstraints content = new ColumnConstraints();
        content.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(labels, content);
        int row = 0;
        for (ThresholdField f : ThresholdField.values()) {
            if (f.group() != group) continue;
            Label label = new Label(f.label());
            label.getStyleClass().add("threshold-label");
            label.setPadding(new Insets(6, 0, 0, 0));   // level with the field's text
            GridPane.setValignment(label, VPos.TOP);
            TextField field = new TextField();
            field.setId(f.id());
            field.getStyleClass().add("threshold-field");
            field.setPrefColumnCount(9);
            field.setPromptText(f.format(f.valueIn(CheckThresholds.defaults()), locale));
            label.setLabelFor(field);
            field.textProperty().addListener((o, was, now) -> check());
            Label unit = new Label(f.unit());
            unit.setMinWidth(40);
            Label note = new Label(f.defaultNote(locale));
            note.setId(f.id() + "-default");
            note.getStyleClass().add("threshold-default");
            HBox line = new HBox(8, field, unit, note);
            line.setAlignment(Pos.CENTER_LEFT);
            Label hint = new Label(capitalized(f.hint()) + ".");
            hint.getStyleClass().add("threshold-hint");
            hint.setWrapText(true);
            Label problem = new Label();
            problem.setId(f.id() + "-problem");
            problem.getStyleClass().add("threshold-problem");
            problem.setWrapText(true);
            problem.managedProperty().bind(problem.visibleProperty());
            problem.setVisible(false);
            grid.addRow(row++, label, new VBox(2, line, hint, problem));
            fields.put(f, field);
            problems.put(f, problem);
            defaults.put(f, note);
        }
        return grid;
    }

    private void fill(CheckThresholds t) {
        ThresholdForm.of(t, locale).texts().forEach((f, text) -> fields.get(f).setText(text));
        check();
    }

    /** Marks wrong fields, says why under each and beside Save, and marks the ones that differ from the defaults. */
    private void check() {
        if (root == null) return;   // still building: fill() checks once every field is there
        ThresholdForm form = form();
        Map<ThresholdField, String> wrong = form.problems();
        CheckThresholds defaults = CheckThresholds.defaults();
        for (ThresholdField f : ThresholdField.values()) {
            String problem = wrong.get(f);
            fields.get(f).pseudoClassStateChanged(Styles.STATE_DANGER, problem != null);
            problems.get(f).setText(problem == null ? "" : problem);
            problems.get(f).setVisible(problem != null);
            ThresholdField.Reading r = f.parse(form.text(f), locale);
            this.defaults.get(f).pseudoClassStateChanged(CHANGED, r.ok() && r.value() != f.valueIn(defaults));
        }
        save.setDisable(!wrong.isEmpty());
        long distinct = wrong.values().stream().distinct().count();
        summary.setText(wrong.isEmpty() ? "" : wrong.values().iterator().next()
                + (distinct > 1 ? " (and " + (distinct - 1) + " more)" : ""));
        reset.setDisable(form.thresholds().filter(defaults::equals).isPresent());
    }

    private void close() {
        if (root != null && root.getScene() != null && root.getScene().getWindow() != null) root.getScene().getWindow().hide();
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
