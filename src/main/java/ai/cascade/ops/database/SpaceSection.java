package ai.cascade.ops.database;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.LoadPane;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;

/** The Space tab: tables largest first with their indexes beneath, each with its size, share of the database and row estimate. */
public final class SpaceSection implements PageSection {
    /** One line of the tree: a table or one of its indexes. */
    record Line(String name, String kind, long bytes, long rowEstimate, String detail) {}

    private final SpaceReport report;
    private final BackgroundWork work;
    private final TreeTableView<Line> tree = new TreeTableView<>();
    private final Label summary = new Label();
    private long databaseBytes;
    private LoadPane pane;
    private VBox root;

    public SpaceSection(SpaceReport report, BackgroundWork work) {
        this.report = report;
        this.work = work;
    }

    @Override public String id() { return "space"; }

    @Override public String title() { return "Space"; }

    @Override
    public Node root() {
        if (root == null) {
            tree.setId("space-table");
            tree.setShowRoot(false);
            tree.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
            tree.setPlaceholder(new Label("This database has no tables."));
            TreeTableColumn<Line, Line> share = new TreeTableColumn<>("Share");
            share.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue().getValue()));
            share.setCellFactory(c -> new ShareCell());
            share.setPrefWidth(140);
            tree.getColumns().setAll(List.of(
                    column("Name", 320, Line::name),
                    column("Kind", 130, Line::kind),
                    column("Size", 100, l -> Figures.bytes(l.bytes())),
                    share,
                    column("Rows (estimate)", 140, l -> l.rowEstimate() < 0 ? "unknown" : Figures.count(l.rowEstimate())),
                    column("Of which", 300, Line::detail)));
            pane = new LoadPane();
            pane.setContent(tree);
            VBox.setVgrow(pane, Priority.ALWAYS);
            summary.getStyleClass().add("text-muted");
            summary.setWrapText(true);
            root = new VBox(8, summary, pane);
            root.setPadding(new Insets(8, 0, 0, 0));
        }
        return root;
    }

    private static TreeTableColumn<Line, String> column(String title, double width, Function<Line, String> value) {
        TreeTableColumn<Line, String> c = new TreeTableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue().getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        if (title.equals("Size") || title.startsWith("Rows")) c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    @Override
    public void refresh() {
        root();
        pane.load(work, "Reading table and index sizes", report::read, this::show);
    }

    private void show(SpaceReport.Usage usage) {
        databaseBytes = usage.databaseBytes();
        TreeItem<Line> top = new TreeItem<>();
        for (SpaceReport.Table t : usage.tables()) {
            String detail = "table " + Figures.bytes(t.tableBytes()) + ", indexes " + Figures.bytes(t.indexBytes())
                    + (t.toastBytes() > 0 ? ", TOAST " + Figures.bytes(t.toastBytes()) : "");
            TreeItem<Line> item = new TreeItem<>(new Line(t.schema() + "." + t.name(), t.kind(), t.totalBytes(), t.rowEstimate(), detail));
            for (SpaceReport.Index i : t.indexes())
                item.getChildren().add(new TreeItem<>(new Line(i.name(), "index", i.bytes(), i.rowEstimate(), "")));
            top.getChildren().add(item);
        }
        tree.setRoot(top);
        summary.setText("Database " + usage.database() + ": " + Figures.bytes(usage.databaseBytes()) + ". "
                + (usage.bounded() ? "The " + usage.tables().size() + " largest of " + usage.tableCount() + " tables" : usage.tableCount() + " tables")
                + ", largest first; open a table to see its indexes. Row estimates come from the last ANALYZE ("
                + "\"unknown\": never analyzed).");
    }

    /** A bar of a line's share of the whole database. */
    private final class ShareCell extends TreeTableCell<Line, Line> {
        private final ProgressBar bar = new ProgressBar();

        ShareCell() {
            bar.setMaxWidth(Double.MAX_VALUE);
            bar.getStyleClass().add("figure-bar");
        }

        @Override protected void updateItem(Line line, boolean empty) {
            super.updateItem(line, empty);
            if (empty || line == null || databaseBytes <= 0) {
                setGraphic(null);
                setText(null);
                return;
            }
            bar.setProgress(Math.min(1, (double) line.bytes() / databaseBytes));
            setGraphic(bar);
            setText(null);
            setTooltip(null);
            bar.setAccessibleText(Figures.percent(line.bytes(), databaseBytes) + " of the database");
        }
    }

    public TreeTableView<Line> tree() { return tree; }
}
