package ai.cascade.ops.cache;

import ai.cascade.ops.database.BufferCacheReport;
import ai.cascade.ops.database.BufferCacheReport.Blocks;
import ai.cascade.ops.database.BufferCacheReport.IndexRow;
import ai.cascade.ops.database.BufferCacheReport.TableRow;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The cache page's "Postgres buffer cache" tab: the database's hit rate, then its tables and indexes worst first,
 * flagged below the threshold when they asked for enough blocks to matter; since the statistics were reset, or
 * since the previous refresh (what is happening now rather than since the last reset, months ago perhaps).
 */
public final class BufferCacheSection implements PageSection {
    private final BufferCacheReport report;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final TableView<TableRow> tables = new TableView<>();
    private final TableView<IndexRow> indexes = new TableView<>();
    private final Label databaseLine = new Label();
    private final Label rule = new Label();
    private final Label windowNote = new Label();
    private final ToggleButton sinceReset = new ToggleButton("Since statistics reset");
    private final ToggleButton sinceRefresh = new ToggleButton("Since last refresh");
    private BufferCacheReport.Result shown;
    private LoadPane pane;
    private VBox root;

    public BufferCacheSection(BufferCacheReport report, BackgroundWork work, TimeDisplay time) {
        this.report = report;
        this.work = work;
        this.time = time;
    }

    @Override public String id() { return "buffer-cache"; }

    @Override public String title() { return "Postgres buffer cache"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        Button refresh = new Button("Refresh");
        refresh.setId("buffer-cache-refresh");
        refresh.setOnAction(e -> refresh());
        ToggleGroup window = new ToggleGroup();
        sinceReset.setToggleGroup(window);
        sinceRefresh.setToggleGroup(window);
        sinceReset.setId("buffer-cache-since-reset");
        sinceRefresh.setId("buffer-cache-since-refresh");
        sinceReset.setSelected(true);
        // one of the two is always chosen
        window.selectedToggleProperty().addListener((o, was, now) -> {
            if (now == null) was.setSelected(true);
            else show();
        });
        HBox bar = new HBox(8, refresh, sinceReset, sinceRefresh);
        bar.setAlignment(Pos.CENTER_LEFT);
        databaseLine.setId("buffer-cache-database");
        databaseLine.setWrapText(true);
        rule.setId("buffer-cache-rule");
        rule.setWrapText(true);
        rule.getStyleClass().add("text-muted");
        windowNote.setId("buffer-cache-note");
        windowNote.setWrapText(true);
        windowNote.managedProperty().bind(windowNote.visibleProperty());
        windowNote.setVisible(false);
        tables.setId("buffer-cache-tables");
        tables.setPlaceholder(new Label("No table was read in this window."));
        tables.getColumns().setAll(List.of(
                column("", 40, (TableRow r) -> r.flagged() ? "⚠" : ""),
                column("Table", 260, (TableRow r) -> r.schema() + "." + r.name()),
                column("Hit rate", 90, (TableRow r) -> percent(r.data())),
                column("Blocks hit", 110, (TableRow r) -> Figures.count(r.data().hit())),
                column("Blocks read", 110, (TableRow r) -> Figures.count(r.data().read())),
                column("Heap", 90, (TableRow r) -> percent(r.heap())),
                column("TOAST", 90, (TableRow r) -> percent(r.toast())),
                column("Its indexes", 100, (TableRow r) -> percent(r.indexes()))));
        tables.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        indexes.setId("buffer-cache-indexes");
        indexes.setPlaceholder(new Label("No index was read in this window."));
        indexes.getColumns().setAll(List.of(
                column("", 40, (IndexRow r) -> r.flagged() ? "⚠" : ""),
                column("Index", 260, (IndexRow r) -> r.schema() + "." + r.name()),
                column("Table", 200, IndexRow::table),
                column("Hit rate", 90, (IndexRow r) -> percent(r.blocks())),
                column("Blocks hit", 110, (IndexRow r) -> Figures.count(r.blocks().hit())),
                column("Blocks read", 110, (IndexRow r) -> Figures.count(r.blocks().read()))));
        indexes.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox content = new VBox(8, new Label("Tables (their own data: heap and TOAST)"), tables, new Label("Indexes"), indexes);
        VBox.setVgrow(tables, Priority.ALWAYS);
        VBox.setVgrow(indexes, Priority.ALWAYS);
        pane = new LoadPane();
        pane.setContent(content);
        VBox.setVgrow(pane, Priority.ALWAYS);
        root = new VBox(8, bar, databaseLine, rule, windowNote, pane);
        root.setPadding(new Insets(8, 0, 0, 0));
    }

    private static <R> TableColumn<R, String> column(String title, double width, Function<R, String> value) {
        TableColumn<R, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);   // worst first is the order that matters
        return c;
    }

    @Override
    public void refresh() {
        root();
        pane.load(work, "Reading buffer cache statistics", report::read, r -> {
            shown = r;
            show();
        });
    }

    private void show() {
        if (shown == null) return;
        BufferCacheReport.Result r = shown;
        boolean recent = sinceRefresh.isSelected();
        BufferCacheReport.Window w = recent ? r.sinceRefresh() : r.sinceReset();
        String threshold = number(r.thresholdPercent());
        rule.setText("⚠: below " + threshold + " % (the cache hit rate threshold in the settings; pghero's 99 %) with at least "
                + Figures.count(BufferCacheReport.MIN_REQUESTS) + " block requests in the window, as fewer are no finding. "
                + "Worst first; at most " + BufferCacheReport.LIMIT + " tables and " + BufferCacheReport.LIMIT + " indexes.");
        String note = r.note() == null ? "" : r.note();
        if (w == null) {
            databaseLine.setText("Database " + r.database() + ": refresh again to see what was read since " + time.format(r.readAt()) + ".");
            tables.getItems().clear();
            indexes.getItems().clear();
            windowNote.setText(note);
            windowNote.setVisible(!note.isEmpty());
            return;
        }
        String since = recent ? "over the " + Figures.duration(Math.max(1, r.refreshInterval().toSeconds())) + " since the previous refresh"
                : "since the statistics were reset" + (r.statsReset() == null ? " (never: since the server started)" : " at " + time.format(r.statsReset()));
        databaseLine.setText("Database " + r.database() + ": " + percent(w.database()) + " of " + Figures.count(w.database().requests())
                + " block requests found in shared buffers " + since + (w.databaseFlagged(r.thresholdPercent()) ? " ⚠ below " + threshold + " %" : "")
                + ". Tables flagged: " + w.tablesFlagged() + " of " + Figures.count(w.tablesRead()) + " read; indexes flagged: "
                + w.indexesFlagged() + " of " + Figures.count(w.indexesRead()) + " read.");
        tables.getItems().setAll(w.tables());
        indexes.getItems().setAll(w.indexes());
        if (w.tablesRead() > w.tables().size() || w.indexesRead() > w.indexes().size())
            note = (note.isEmpty() ? "" : note + " ") + "Showing the worst " + w.tables().size() + " of " + Figures.count(w.tablesRead())
                    + " tables and " + w.indexes().size() + " of " + Figures.count(w.indexesRead()) + " indexes.";
        windowNote.setText(note);
        windowNote.setVisible(!note.isEmpty());
    }

    private static String percent(Blocks b) {
        return b.hitPercent().isEmpty() ? "—" : String.format(Locale.getDefault(), "%.2f %%", b.hitPercent().getAsDouble());
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    // For tests:
    TableView<TableRow> tables() { return tables; }

    TableView<IndexRow> indexes() { return indexes; }

    Label databaseLine() { return databaseLine; }

    LoadPane pane() { return pane; }
}
