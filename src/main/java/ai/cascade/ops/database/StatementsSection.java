package ai.cascade.ops.database;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Statements tab: the top statements of pg_stat_statements over a chosen window, the chosen statement's text,
 * and its plan. While the tab is shown the console snapshots the counters every five minutes, so windows like
 * "last 15 minutes" exist; when pg_stat_statements is missing the tab says how to enable it.
 */
public final class StatementsSection implements PageSection {
    static final int LIMIT = 100;
    static final int EXPLAIN_SECONDS = 30;
    static final java.time.Duration SNAPSHOT_EVERY = java.time.Duration.ofMinutes(5);
    private static final PseudoClass RESTARTED = PseudoClass.getPseudoClass("restarted");

    /** A choice of window: everything pg_stat_statements holds, since the first snapshot, or since about {@code age} ago. */
    record WindowChoice(String label, boolean all, java.time.Duration age) {
        @Override public String toString() { return label; }

        StatementSnapshot since(StatementStats stats) {
            if (all) return null;
            return (age == null ? stats.firstSnapshot() : stats.snapshotFrom(age)).orElse(null);
        }
    }

    static final WindowChoice SINCE_RESET = new WindowChoice("Since statistics reset", true, null);
    static final WindowChoice SINCE_FIRST = new WindowChoice("Since the console's first snapshot", false, null);

    private record Loaded(StatementAvailability availability, StatementWindow window) {}

    private final StatementStats stats;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final ComboBox<StatementOrder> order = new ComboBox<>();
    private final ComboBox<WindowChoice> window = new ComboBox<>();
    private final TableView<StatementRow> table = new TableView<>();
    private final Label summary = new Label();
    private final Label notes = new Label();
    private final TextArea text = new TextArea();
    private final TextArea plan = new TextArea();
    private final Button explain = new Button("Explain", new FontIcon("mdi2f-file-tree-outline"));
    private final Button explainAnalyze = new Button("Explain analyze…", new FontIcon("mdi2p-play-circle-outline"));
    private final Label howToProblem = new Label();
    private final TextArea howToSteps = new TextArea();
    private final VBox howTo = new VBox(10);
    private final Timeline snapshots = new Timeline(new KeyFrame(Duration.seconds(SNAPSHOT_EVERY.toSeconds()), e -> snapshotNow()));
    private LoadPane pane;
    private LoadPane planPane;
    private VBox root;
    private Node statementsView;

    public StatementsSection(StatementStats stats, BackgroundWork work, TimeDisplay time) {
        this.stats = stats;
        this.work = work;
        this.time = time;
        snapshots.setCycleCount(Timeline.INDEFINITE);
    }

    @Override public String id() { return "statements"; }

    @Override public String title() { return "Statements"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        order.getItems().setAll(StatementOrder.values());
        order.setValue(StatementOrder.TOTAL_TIME);
        order.setId("statements-order");
        window.getItems().setAll(SINCE_RESET, SINCE_FIRST,
                new WindowChoice("Last 5 minutes", false, java.time.Duration.ofMinutes(5)),
                new WindowChoice("Last 15 minutes", false, java.time.Duration.ofMinutes(15)),
                new WindowChoice("Last hour", false, java.time.Duration.ofHours(1)));
        window.setValue(SINCE_RESET);
        window.setId("statements-window");
        order.setOnAction(e -> refresh());
        window.setOnAction(e -> refresh());
        Button reload = new Button("Refresh", new FontIcon("mdi2r-refresh"));
        reload.setOnAction(e -> refresh());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox bar = new HBox(8, new Label("Top by"), order, new Label("over"), window, gap, reload);
        bar.setAlignment(Pos.CENTER_LEFT);
        summary.getStyleClass().add("text-muted");
        notes.getStyleClass().add("statements-notes");
        notes.setWrapText(true);
        notes.managedProperty().bind(notes.visibleProperty());

        buildTable();
        text.setEditable(false);
        text.setWrapText(true);
        text.getStyleClass().add("statements-text");
        text.setId("statements-text");
        plan.setEditable(false);
        plan.getStyleClass().add("statements-plan");
        plan.setId("statements-plan");
        explain.setId("statements-explain");
        explainAnalyze.setId("statements-explain-analyze");
        explain.setOnAction(e -> explainSelected(false));
        explainAnalyze.setOnAction(e -> confirmAndAnalyze());
        explain.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        explainAnalyze.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            text.setText(now == null ? "" : now.text() + (now.textTruncated() ? "\n…(text cut at " + StatementStats.TEXT_LIMIT + " characters)" : ""));
            plan.clear();
        });
        planPane = new LoadPane();
        planPane.setContent(plan);
        Label textHeading = heading("Statement");
        Label planHeading = heading("Plan");
        HBox actions = new HBox(8, explain, explainAnalyze);
        VBox detail = new VBox(6, textHeading, text, actions, planHeading, planPane);
        VBox.setVgrow(planPane, Priority.ALWAYS);
        text.setPrefRowCount(5);
        SplitPane split = new SplitPane(table, detail);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.5);
        split.setId("statements-body");
        statementsView = split;

        howToProblem.setWrapText(true);
        howToSteps.setEditable(false);
        howToSteps.setPrefRowCount(6);
        howToSteps.getStyleClass().add("statements-how-to-steps");
        Button again = new Button("Check again", new FontIcon("mdi2r-refresh"));
        again.setOnAction(e -> refresh());
        howTo.getChildren().setAll(heading("pg_stat_statements is not available"), howToProblem, new Label("To enable it:"), howToSteps, again);
        howTo.getStyleClass().add("statements-how-to");
        howTo.setId("statements-how-to");
        howTo.setMaxHeight(Region.USE_PREF_SIZE);
        StackPane body = new StackPane(statementsView, howTo);
        StackPane.setAlignment(howTo, Pos.TOP_LEFT);
        howTo.setVisible(false);

        pane = new LoadPane();
        pane.setContent(body);
        VBox.setVgrow(pane, Priority.ALWAYS);
        root = new VBox(8, bar, summary, notes, pane);
        root.setPadding(new Insets(8, 0, 0, 0));
        root.getStylesheets().add(StatementsSection.class.getResource("StatementsSection.css").toExternalForm());
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("statements-heading");
        return l;
    }

    private void buildTable() {
        table.getStyleClass().add("statements-table");
        table.setId("statements-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No statement ran in this window."));
        table.getColumns().setAll(List.of(
                column("Calls", 90, r -> Figures.count(r.calls())),
                column("Total", 100, r -> millis(r.totalMillis())),
                column("Mean", 90, r -> millis(r.meanMillis())),
                column("Rows", 90, r -> Figures.count(r.rows())),
                column("Hit %", 70, r -> r.hitRate() < 0 ? "—" : String.format(Locale.getDefault(), "%.1f %%", 100 * r.hitRate())),
                column("% of time", 80, r -> String.format(Locale.getDefault(), "%.1f %%", 100 * r.shareOfTotalTime())),
                column("Statement", 500, StatementRow::firstLine)));
        table.setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(StatementRow row, boolean empty) {
                super.updateItem(row, empty);
                pseudoClassStateChanged(RESTARTED, !empty && row != null && row.restarted());
            }
        });
    }

    private static TableColumn<StatementRow, String> column(String title, double width, Function<StatementRow, String> value) {
        TableColumn<StatementRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);   // the server's ranking is the order; the choice above changes it
        if (!title.equals("Statement")) c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    /** Milliseconds as people read them: "0.42 ms", "180 ms", "12.3 s", "4.1 min". */
    static String millis(double ms) {
        if (ms < 10) return String.format(Locale.getDefault(), "%.2f ms", ms);
        if (ms < 10_000) return String.format(Locale.getDefault(), "%.0f ms", ms);
        if (ms < 600_000) return String.format(Locale.getDefault(), "%.1f s", ms / 1000);
        if (ms < 36_000_000) return String.format(Locale.getDefault(), "%.1f min", ms / 60_000);
        return String.format(Locale.getDefault(), "%.1f h", ms / 3_600_000);
    }

    @Override
    public void refresh() {
        root();
        StatementOrder o = order.getValue();
        WindowChoice w = window.getValue();
        pane.load(work, "Reading pg_stat_statements", control -> {
            StatementAvailability a = stats.availability(control);
            if (!a.available()) return new Loaded(a, null);
            stats.snapshotIfDue(SNAPSHOT_EVERY, control);   // the first visit starts the console's own history
            return new Loaded(a, stats.top(o, w.since(stats), LIMIT, control));
        }, this::show);
        snapshots.play();
    }

    @Override
    public void hidden() {
        snapshots.stop();
    }

    private void snapshotNow() {
        work.run("Snapshot of pg_stat_statements", control -> stats.snapshotIfDue(SNAPSHOT_EVERY, control), s -> { }, e -> { });
    }

    private void show(Loaded loaded) {
        boolean available = loaded.availability().available();
        howTo.setVisible(!available);
        order.setDisable(!available);
        window.setDisable(!available);
        statementsView.setVisible(available);
        if (!available) {
            snapshots.stop();
            howToProblem.setText(loaded.availability().problem());
            howToSteps.setText(loaded.availability().howTo());
            summary.setText("");
            notes.setVisible(false);
            table.getItems().clear();
            return;
        }
        StatementWindow w = loaded.window();
        StatementRow selected = table.getSelectionModel().getSelectedItem();
        String shownPlan = plan.getText();
        table.getItems().setAll(w.rows());
        if (selected != null) w.rows().stream().filter(r -> sameStatement(r, selected)).findFirst().ifPresent(r -> {
            table.getSelectionModel().select(r);
            plan.setText(shownPlan);   // the same statement: its plan still holds
        });
        String since = w.since() == null ? "since statistics were reset" + (w.statsReset() == null ? "" : " (" + time.format(w.statsReset()) + ")")
                : "since the snapshot of " + time.format(w.since());
        summary.setText(w.statementsInWindow() + " statements, " + Figures.count(w.totalCalls()) + " calls, "
                + millis(w.totalMillis()) + " in total " + since + "; the top " + w.rows().size() + " by " + w.order().label().toLowerCase() + ".");
        notes.setText(String.join("\n", w.notes()));
        notes.setVisible(!w.notes().isEmpty());
    }

    private static boolean sameStatement(StatementRow a, StatementRow b) {
        return java.util.Objects.equals(a.queryId(), b.queryId()) && a.userId() == b.userId() && a.toplevel() == b.toplevel();
    }

    private void confirmAndAnalyze() {
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION);
        confirm.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
        confirm.setTitle("Explain analyze");
        confirm.setHeaderText("Run this statement to measure its plan?");
        confirm.setContentText("EXPLAIN ANALYZE really runs the statement, for up to " + EXPLAIN_SECONDS + " s. It runs in a read-only "
                + "transaction that is rolled back afterwards, so nothing can change: a statement that writes is refused by the server.");
        ButtonType run = new ButtonType("Run read-only", ButtonBar.ButtonData.OK_DONE);
        confirm.getButtonTypes().setAll(ButtonType.CANCEL, run);
        if (confirm.showAndWait().filter(b -> b == run).isPresent()) explainSelected(true);
    }

    private void explainSelected(boolean analyze) {
        StatementRow row = table.getSelectionModel().getSelectedItem();
        if (row == null) return;
        String statement = row.text();
        planPane.load(work, analyze ? "Running EXPLAIN ANALYZE" : "Running EXPLAIN",
                control -> stats.explain(statement, analyze, EXPLAIN_SECONDS, control),
                p -> plan.setText(p.refused() ? p.refusal() : p.plan()));
    }

    public TableView<StatementRow> table() { return table; }

    public TextArea plan() { return plan; }
}
