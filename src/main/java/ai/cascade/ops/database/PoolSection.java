package ai.cascade.ops.database;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.FigureList;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.Problems;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Pool tab: the console's own connection pool and the server's client connections by application and login,
 * refreshed every {@value #REFRESH_SECONDS} s while shown (and not at all while hidden).
 */
public final class PoolSection implements PageSection {
    static final int REFRESH_SECONDS = 5;

    private final PoolReport report;
    private final BackgroundWork work;
    private final FigureList pool = new FigureList();
    private final FigureList server = new FigureList();
    private final TableView<PoolReport.Usage> byApplication = usageTable("Application", "pool-by-application");
    private final TableView<PoolReport.Usage> byUser = usageTable("Login", "pool-by-user");
    private final Label problem = new Label();
    private final Timeline ticker = new Timeline(new KeyFrame(Duration.seconds(REFRESH_SECONDS), e -> tick()));
    private Job<PoolReport.Report> inFlight;
    private LoadPane pane;
    private VBox root;

    public PoolSection(PoolReport report, BackgroundWork work) {
        this.report = report;
        this.work = work;
        ticker.setCycleCount(Timeline.INDEFINITE);
    }

    @Override public String id() { return "pool"; }

    @Override public String title() { return "Pool"; }

    @Override
    public Node root() {
        if (root == null) {
            pool.setId("pool-figures");
            server.setId("server-figures");
            VBox left = new VBox(6, heading("This console's pool"), pool, heading("Server connections"), server);
            left.setMinWidth(320);
            VBox right = new VBox(6, heading("By application"), byApplication, heading("By login"), byUser);
            VBox.setVgrow(byApplication, Priority.ALWAYS);
            VBox.setVgrow(byUser, Priority.ALWAYS);
            HBox.setHgrow(right, Priority.ALWAYS);
            HBox body = new HBox(24, left, right);
            body.setPadding(new Insets(4));
            ScrollPane scroll = new ScrollPane(body);
            scroll.setFitToWidth(true);
            scroll.setFitToHeight(true);
            pane = new LoadPane();
            pane.setContent(scroll);
            VBox.setVgrow(pane, Priority.ALWAYS);
            problem.getStyleClass().add("problems");
            problem.setWrapText(true);
            problem.managedProperty().bind(problem.visibleProperty());
            problem.setVisible(false);
            Label every = new Label("Refreshes every " + REFRESH_SECONDS + " s while shown.");
            every.getStyleClass().add("text-muted");
            root = new VBox(8, every, problem, pane);
            root.setPadding(new Insets(8, 0, 0, 0));
        }
        return root;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("card-title");
        return l;
    }

    private static TableView<PoolReport.Usage> usageTable(String name, String id) {
        TableView<PoolReport.Usage> t = new TableView<>();
        t.setId(id);
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        t.setPlaceholder(new Label("No client connections visible."));
        t.getColumns().setAll(List.of(
                column(name, 220, PoolReport.Usage::name),
                column("Total", 60, u -> Figures.count(u.total())),
                column("Active", 60, u -> Figures.count(u.active())),
                column("Idle", 60, u -> Figures.count(u.idle())),
                column("Idle in transaction", 130, u -> Figures.count(u.idleInTransaction())),
                column("Other", 60, u -> Figures.count(u.other() + u.hidden()))));
        t.setPrefHeight(200);
        return t;
    }

    private static TableColumn<PoolReport.Usage, String> column(String title, double width, Function<PoolReport.Usage, String> value) {
        TableColumn<PoolReport.Usage, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        if (width < 200) c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    @Override
    public void refresh() {
        root();
        pane.load(work, "Reading connection usage", report::read, this::show);
        ticker.play();
    }

    @Override
    public void hidden() {
        ticker.stop();
        if (inFlight != null) inFlight.cancel(true);
    }

    /** A periodic refresh updates in place, without the loading cover; one at a time. */
    private void tick() {
        if (inFlight != null && !inFlight.isDone()) return;
        inFlight = work.run("Refreshing connection usage", report::read, r -> {
            problem.setVisible(false);
            show(r);
        }, e -> {
            problem.setText(Problems.describe(e));
            problem.setVisible(true);
        });
    }

    private void show(PoolReport.Report r) {
        Database.PoolFigures f = r.pool().figures();
        Database.AcquireFigures a = r.pool().acquire();
        pool.clear()
                .add("Active", Figures.count(f.active()), share(f.active(), f.max()), "Connections lent out right now.")
                .add("Idle", Figures.count(f.idle()), share(f.idle(), f.max()), "Open connections waiting in the pool.")
                .add("Waiting threads", Figures.count(f.waiting()), "Work waiting for a free connection: above 0 the pool is too small or a query hogs it.")
                .add("Maximum", Figures.count(f.max()), "The pool's size limit.")
                .add("Acquire time, average", ms(a.averageMillis()), Figures.count(a.count()) + " borrows since the console connected.")
                .add("Acquire time, maximum", ms(a.maxMillis()), "The slowest borrow since the console connected.")
                .add("Acquire time, last minute", a.recentCount() == 0 ? "—" : ms(a.recentAverageMillis()) + " avg, " + ms(a.recentMaxMillis()) + " max",
                        Figures.count(a.recentCount()) + " borrows in the last minute.")
                .add("Borrows that timed out", Figures.count(a.timeouts()), "Work that gave up waiting for a connection (after 3 s).");
        PoolReport.ServerUsage s = r.server();
        int usable = s.maxConnections() - s.reserved();
        server.clear()
                .add("Client connections", Figures.count(s.clientConnections()) + " of " + Figures.count(usable),
                        share(s.clientConnections(), usable), "max_connections " + s.maxConnections() + ", of which " + s.reserved()
                                + " are reserved for superusers.");
        s.byState().forEach((state, n) -> server.add(state, Figures.count(n), share(n, s.clientConnections()), null));
        if (s.hiddenStates() > 0)
            server.add("State hidden", Figures.count(s.hiddenStates()), "This login lacks pg_read_all_stats, so other logins' sessions show no state.");
        byApplication.getItems().setAll(s.byApplication());
        byUser.getItems().setAll(s.byUser());
    }

    private static Double share(int part, int whole) {
        return whole <= 0 ? null : Math.min(1.0, (double) part / whole);
    }

    private static String ms(double millis) {
        return String.format(Locale.getDefault(), millis < 10 ? "%.2f ms" : "%.0f ms", millis);
    }

    public TableView<PoolReport.Usage> byApplication() { return byApplication; }
}
