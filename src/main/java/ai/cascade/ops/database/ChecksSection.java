package ai.cascade.ops.database;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.CheckList;
import ai.cascade.ops.ui.LoadPane;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Consumer;

/** The Checks tab: pghero's checks of this database, worst first, each with its figure and what to do. */
public final class ChecksSection implements PageSection {
    private final DatabaseChecks checks;
    private final BackgroundWork work;
    private final Consumer<Check> open;
    private final CheckList list = new CheckList();
    private final Label summary = new Label();
    private LoadPane pane;
    private VBox root;

    /** {@code open} leads from a check to the tab that explains it (null: no links). */
    public ChecksSection(DatabaseChecks checks, BackgroundWork work, Consumer<Check> open) {
        this.checks = checks;
        this.work = work;
        this.open = open;
    }

    @Override public String id() { return "checks"; }

    @Override public String title() { return "Checks"; }

    @Override
    public Node root() {
        if (root == null) {
            list.setOnOpen(open == null ? null : c -> open.accept(c));
            ScrollPane scroll = new ScrollPane(list);
            scroll.setFitToWidth(true);
            pane = new LoadPane();
            pane.setContent(scroll);
            VBox.setVgrow(pane, javafx.scene.layout.Priority.ALWAYS);
            summary.getStyleClass().add("text-muted");
            root = new VBox(8, summary, pane);
            root.setPadding(new Insets(8, 0, 0, 0));
        }
        return root;
    }

    @Override
    public void refresh() {
        root();
        pane.load(work, "Checking Postgres", checks::run, this::show);
    }

    private void show(List<Check> result) {
        list.show(result);
        long bad = result.stream().filter(c -> c.verdict().ordinal() >= ai.cascade.ops.backend.Verdict.WARNING.ordinal()).count();
        summary.setText(bad == 0 ? "All " + result.size() + " checks pass." : bad + " of " + result.size() + " checks need attention.");
    }

    public CheckList list() { return list; }
}
