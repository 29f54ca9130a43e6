package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSwitch;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.FigureList;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Worker;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The "Application caches" tab: the key inventory by family, filled in while it runs (progress, cancel), with each
 * family's TTL and idle histograms, and whether the consciousness-pattern cache matches Postgres. Runs only when
 * asked: an inventory reads every key.
 */
public final class InventorySection implements PageSection {
    private static final PseudoClass LEAK = PseudoClass.getPseudoClass("leak");
    static final String NO_TTL = "no TTL";

    private final KeyInventory inventory;
    private final PatternFreshness freshness;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final Button full = new Button("Run inventory", new FontIcon("mdi2p-play"));
    private final Button counts = new Button("Counts only", new FontIcon("mdi2c-counter"));
    private final Button cancel = new Button("Cancel", new FontIcon("mdi2s-stop"));
    private final ProgressBar progress = new ProgressBar(0);
    private final Label status = new Label("No inventory yet. \"Run inventory\" reads type, TTL, memory and idle time of "
            + "every key; \"Counts only\" counts keys per family, faster.");
    private final Label outcome = new Label();
    private final TableView<FamilyFigures> table = new TableView<>();
    private final InventoryFamilyPane family = new InventoryFamilyPane();
    private final FigureList patterns = new FigureList();
    private final ListView<String> patternExamples = new ListView<>();
    private final LoadPane patternPane = new LoadPane();
    private final Label patternChecked = new Label();
    private VBox root;
    private InventoryReport report;
    private Job<InventoryReport> running;
    private CancelSwitch stop;
    /** Runs started: a late snapshot of an older run must not overwrite a newer one. */
    private int runs;
    private boolean patternsRead;

    public InventorySection(KeyInventory inventory, PatternFreshness freshness, BackgroundWork work, TimeDisplay time) {
        this.inventory = inventory;
        this.freshness = freshness;
        this.work = work;
        this.time = time;
    }

    @Override public String id() { return "inventory"; }

    @Override public String title() { return "Application caches"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        full.setId("inventory-run");
        counts.setId("inventory-counts");
        cancel.setId("inventory-cancel");
        progress.setId("inventory-progress");
        status.setId("inventory-status");
        outcome.setId("inventory-outcome");
        full.setOnAction(e -> start(InventoryDepth.FULL));
        counts.setOnAction(e -> start(InventoryDepth.COUNTS));
        cancel.setOnAction(e -> stopRun());
        cancel.setDisable(true);
        progress.setPrefWidth(220);
        progress.setVisible(false);
        status.setWrapText(true);
        HBox.setHgrow(status, Priority.ALWAYS);
        HBox bar = new HBox(8, full, counts, progress, cancel, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        outcome.setWrapText(true);
        outcome.managedProperty().bind(outcome.visibleProperty());
        outcome.setVisible(false);

        buildTable();
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> family.show(report, now));
        ScrollPane detail = new ScrollPane(family);
        detail.setFitToWidth(true);
        SplitPane left = new SplitPane(table, detail);
        left.setOrientation(Orientation.VERTICAL);
        left.setDividerPositions(0.45);
        SplitPane body = new SplitPane(left, patternPanel());
        body.setDividerPositions(0.67);
        VBox.setVgrow(body, Priority.ALWAYS);
        root = new VBox(8, bar, outcome, body);
        root.setPadding(new Insets(8, 0, 0, 0));
        root.getStylesheets().add(Objects.requireNonNull(InventorySection.class.getResource("Inventory.css")).toExternalForm());
    }

    private void buildTable() {
        table.setId("inventory-families");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("Run an inventory to see which key families use the memory."));
        TableColumn<FamilyFigures, FamilyFigures> ttl = new TableColumn<>("TTL distribution");
        ttl.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue()));
        ttl.setCellFactory(c -> new TtlBarCell());
        ttl.setPrefWidth(135);
        table.getColumns().setAll(List.of(
                column("Family", 170, FamilyFigures::family),
                column("Keys", 65, f -> Figures.count(f.keys())),
                column("Memory", 85, f -> report != null && report.memoryKnown() ? Figures.bytes(f.bytes()) : "—"),
                column("% mem", 60, f -> report != null && report.memoryKnown() ? Figures.percent(f.bytes(), report.totalBytes()) : "—"),
                column("No TTL", 75, this::withoutTtl),
                ttl,
                column("Idle p50", 80, this::idle)));
        table.setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(FamilyFigures item, boolean blank) {
                super.updateItem(item, blank);
                pseudoClassStateChanged(LEAK, !blank && item != null && item.leaks());
            }
        });
    }

    private String withoutTtl(FamilyFigures f) {
        if (report == null || !report.ttlKnown()) return "—";
        return Figures.count(f.withoutTtl()) + (f.leaks() ? " · leak" : "");
    }

    private String idle(FamilyFigures f) {
        if (report == null || !report.idleKnown()) return "—";
        return median(f.idleBuckets());
    }

    /** The bucket holding the middle key: idle times are bucketed, so the median is a bucket, not a number. */
    static String median(List<Long> buckets) {
        long total = buckets.stream().mapToLong(Long::longValue).sum();
        if (total == 0) return "—";
        long seen = 0;
        for (int i = 0; i < buckets.size(); i++) {
            seen += buckets.get(i);
            if (seen * 2 >= total) return Buckets.LABELS.get(i);
        }
        return Buckets.LABELS.get(buckets.size() - 1);
    }

    private static TableColumn<FamilyFigures, String> column(String title, double width, Function<FamilyFigures, String> value) {
        TableColumn<FamilyFigures, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        if (!"Family".equals(title)) c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    /** A compact stacked bar: keys per TTL bucket, shortest first, then keys without TTL. */
    private final class TtlBarCell extends TableCell<FamilyFigures, FamilyFigures> {
        @Override protected void updateItem(FamilyFigures f, boolean blank) {
            super.updateItem(f, blank);
            setText(null);
            setTooltip(null);
            if (blank || f == null || report == null || !report.ttlKnown() || f.keys() == 0) {
                setGraphic(null);
                return;
            }
            HBox bar = new HBox();
            bar.getStyleClass().add("inventory-ttl-bar");
            StringBuilder tip = new StringBuilder();
            double width = Math.max(40, getTableColumn().getWidth() - 12);
            for (int i = 0; i <= Buckets.count(); i++) {
                long n = i < Buckets.count() ? f.ttlBuckets().get(i) : f.withoutTtl();
                String label = i < Buckets.count() ? Buckets.LABELS.get(i) : NO_TTL;
                if (n > 0) tip.append(label).append(": ").append(Figures.count(n)).append('\n');
                Region part = new Region();
                part.getStyleClass().addAll("inventory-ttl-part", i < Buckets.count() ? "ttl-bucket-" + i : "ttl-none");
                part.setPrefWidth(width * n / f.keys());
                part.setMinWidth(0);
                part.setPrefHeight(12);
                bar.getChildren().add(part);
            }
            setGraphic(bar);
            setTooltip(new Tooltip(tip.toString().strip()));
        }
    }

    private Node patternPanel() {
        Label heading = new Label("Consciousness patterns");
        heading.getStyleClass().add("card-title");
        Label about = new Label("Rows of consciousness_patterns by expires_at (UTC), and Redis' cascade:patterns:{id} keys "
                + "whose row no longer exists in Postgres.");
        about.setWrapText(true);
        about.getStyleClass().add("text-muted");
        patterns.setId("inventory-patterns");
        patternExamples.setId("inventory-pattern-examples");
        patternExamples.setPrefHeight(120);
        patternExamples.setPlaceholder(new Label("Every pattern key has its row."));
        Button check = new Button("Check again", new FontIcon("mdi2r-refresh"));
        check.setId("inventory-patterns-check");
        check.setOnAction(e -> readPatterns());
        patternChecked.getStyleClass().add("text-muted");
        VBox content = new VBox(8, patterns, patternChecked, new Label("Pattern keys without their row (examples)"), patternExamples);
        patternPane.setContent(content);
        VBox panel = new VBox(8, heading, about, check, patternPane);
        panel.setPadding(new Insets(0, 8, 0, 8));
        ScrollPane scroll = new ScrollPane(panel);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);   // the panel wraps to its width instead
        scroll.setMinWidth(260);
        return scroll;
    }

    @Override
    public void refresh() {
        root();
        if (!patternsRead) readPatterns();   // cheap next to an inventory; the inventory itself runs only when asked
    }

    @Override
    public void hidden() {
        // An inventory keeps running while another tab is shown: it was asked for, and its figures stay wanted.
    }

    private void readPatterns() {
        patternsRead = true;
        patternPane.load(work, "Checking the consciousness-pattern cache", freshness::read, this::showPatterns);
    }

    private void showPatterns(PatternFreshness.Report r) {
        PatternFreshness.Rows rows = r.rows();
        PatternFreshness.Keys keys = r.keys();
        patterns.clear()
                .add("Rows fresh", Figures.count(rows.fresh()), share(rows.fresh(), rows.total()), "expires_at is still ahead.")
                .add("Rows expired", Figures.count(rows.expired()), share(rows.expired(), rows.total()), "expires_at has passed: the backend will fetch them again.")
                .add("Rows without expiry", Figures.count(rows.noExpiry()), share(rows.noExpiry(), rows.total()), "expires_at is NULL: these rows never expire.")
                .add("Pattern keys in Redis", Figures.count(keys.keys()), "cascade:patterns:{id} keys, each counted once.")
                .add("Keys without their row", Figures.count(keys.withoutRow()) + (keys.withoutRow() > 0 ? " · finding" : ""),
                        "Cached patterns whose row no longer exists in consciousness_patterns: the cache serves data Postgres no longer has.")
                .add("Keys with a non-numeric id", Figures.count(keys.notNumeric()), "Keys whose id part is not a number: no row can match them.");
        patternChecked.setText("Checked " + time.format(r.readAt()) + (r.cluster() ? " on every master." : "."));
        patternExamples.getItems().setAll(keys.withoutRowExamples());
        patternExamples.getItems().addAll(keys.notNumericExamples());
    }

    private static Double share(long part, long whole) {
        return whole <= 0 ? null : Math.min(1.0, (double) part / whole);
    }

    // ---- the inventory run ----

    private void start(InventoryDepth depth) {
        if (running != null && !running.isDone()) return;
        int generation = ++runs;
        CancelSwitch own = new CancelSwitch();
        stop = own;
        AtomicReference<InventoryReport> latest = new AtomicReference<>();
        AtomicBoolean posted = new AtomicBoolean();
        full.setDisable(true);
        counts.setDisable(true);
        cancel.setDisable(false);
        progress.setVisible(true);
        progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        status.setText("Starting the inventory…");
        outcome.setVisible(false);
        outcome.setUserData(null);
        running = work.run(depth == InventoryDepth.FULL ? "Inventory of every key" : "Counting keys by family", control -> {
            control.onCancel(own::fire);   // cancelled from elsewhere (the status bar, a profile change) stops the scan too
            return inventory.run(depth, own, snapshot -> {
                latest.set(snapshot);
                // Coalesced: at most one update waits on the FX thread, and it shows the newest snapshot.
                if (posted.compareAndSet(false, true)) Platform.runLater(() -> {
                    posted.set(false);
                    InventoryReport r = latest.get();
                    if (generation == runs && r != null && r.state() == InventoryReport.State.RUNNING) showProgress(r);
                });
            });
        }, r -> {
            if (generation == runs) finish(r);
        }, e -> {
            if (generation == runs) failed(Problems.describe(e));
        });
        running.stateProperty().addListener((o, was, state) -> {
            if (state == Worker.State.CANCELLED && generation == runs) {
                InventoryReport r = latest.get();
                if (r != null) show(r);
                ended("Cancelled" + (r == null ? " before any key was counted." : ": the figures are partial, "
                        + Figures.count(r.keys()) + " keys counted."), "cancelled", r == null ? List.of() : r.notes());
            }
        });
    }

    private void stopRun() {
        if (stop != null) stop.fire();   // the run returns what it counted so far, marked CANCELLED
        cancel.setDisable(true);
        status.setText("Cancelling…");
    }

    private void showProgress(InventoryReport r) {
        show(r);
        progress.setProgress(r.progress());
        status.setText(progressText(r));
    }

    /** "1,234 keys counted · 5,000 keys/s · 1 of 3 nodes done". */
    static String progressText(InventoryReport r) {
        double seconds = r.elapsed().toMillis() / 1000.0;
        long done = r.nodes().stream().filter(InventoryReport.NodeScan::done).count();
        String rate = seconds <= 0 ? "" : " · " + Figures.count(Math.round(r.keys() / seconds)) + " keys/s";
        return Figures.count(r.keys()) + " keys counted" + rate + " · " + done + " of " + r.nodes().size()
                + (r.nodes().size() == 1 ? " node" : " nodes") + " done";
    }

    private void finish(InventoryReport r) {
        show(r);
        String when = time.format(r.startedAt()) + ", took " + String.format(Locale.getDefault(), "%.1f s", r.elapsed().toMillis() / 1000.0);
        String counted = Figures.count(r.keys()) + " keys" + (r.duplicates() > 0 ? " (" + Figures.count(r.duplicates()) + " returned twice by SCAN, counted once)" : "")
                + (r.vanished() > 0 ? ", " + Figures.count(r.vanished()) + " expired or deleted before they were read" : "");
        switch (r.state()) {
            case FINISHED -> ended("Finished: " + counted + ". Ran " + when + ".", "finished", r.notes());
            case CANCELLED -> ended("Cancelled: the figures are partial, " + counted + ". Ran " + when + ".", "cancelled", r.notes());
            case FAILED -> ended("Failed: " + counted + " before it stopped. Ran " + when + ".", "failed", r.notes());
            default -> ended("Stopped: " + counted + ".", "finished", r.notes());
        }
    }

    private void failed(String message) {
        ended("Failed: " + message, "failed", List.of());
    }

    private void ended(String text, String state, List<String> notes) {
        full.setDisable(false);
        counts.setDisable(false);
        cancel.setDisable(true);
        progress.setVisible(false);
        status.setText("");
        StringBuilder shown = new StringBuilder(text);
        for (String note : notes) shown.append("\n• ").append(note);
        outcome.setText(shown.toString());
        outcome.getStyleClass().removeAll("inventory-finished", "inventory-cancelled", "inventory-failed");
        outcome.getStyleClass().add("inventory-" + state);
        outcome.setUserData(state);
        outcome.setVisible(true);
    }

    /** Shows a snapshot, keeping the chosen family chosen. */
    private void show(InventoryReport r) {
        report = r;
        FamilyFigures chosen = table.getSelectionModel().getSelectedItem();
        table.getItems().setAll(r.families());
        table.refresh();   // memory and TTL cells read the report, not only the row
        if (chosen != null) r.families().stream().filter(f -> f.family().equals(chosen.family())).findFirst()
                .ifPresent(f -> table.getSelectionModel().select(f));
        family.show(r, table.getSelectionModel().getSelectedItem());
    }

    // ---- for tests and screenshots ----

    public TableView<FamilyFigures> table() { return table; }

    /** The snapshot or final report shown, or null. */
    public InventoryReport report() { return report; }

    /** "finished", "cancelled" or "failed" once a run ended; null while none has. */
    public String outcomeState() { return (String) outcome.getUserData(); }

    public boolean isRunning() { return running != null && !running.isDone(); }

    InventoryFamilyPane familyPane() { return family; }
}
