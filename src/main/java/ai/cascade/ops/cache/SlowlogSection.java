package ai.cascade.ops.cache;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The "Slow commands" tab: every master's recent slowlog, newest first, with what Redis logs and the chosen
 * command's arguments one per line. Credentials never reach the screen ({@link SlowLog} masks them).
 */
public final class SlowlogSection implements PageSection {
    private static final PseudoClass OWN = PseudoClass.getPseudoClass("from-console");

    private final SlowLog slowLog;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final TableView<SlowCommand> table = new TableView<>();
    private final Label settings = new Label();
    private final Label notes = new Label();
    private final Label empty = new Label();
    private final TextArea arguments = new TextArea();
    private LoadPane pane;
    private VBox root;
    private SlowLog.Report report;

    public SlowlogSection(SlowLog slowLog, BackgroundWork work, TimeDisplay time) {
        this.slowLog = slowLog;
        this.work = work;
        this.time = time;
    }

    @Override public String id() { return "slowlog"; }

    @Override public String title() { return "Slow commands"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        Button reload = new Button("Refresh", new FontIcon("mdi2r-refresh"));
        reload.setId("slowlog-refresh");
        reload.setOnAction(e -> refresh());
        settings.setId("slowlog-settings");
        settings.setWrapText(true);
        settings.getStyleClass().add("text-muted");
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox bar = new HBox(8, settings, gap, reload);
        bar.setAlignment(Pos.CENTER_LEFT);
        notes.getStyleClass().add("problems");
        notes.setWrapText(true);
        notes.managedProperty().bind(notes.visibleProperty());
        notes.setVisible(false);

        table.setId("slowlog-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        empty.setWrapText(true);
        empty.setId("slowlog-empty");
        table.setPlaceholder(empty);
        table.getColumns().setAll(List.of(
                column("Time", 150, c -> time.format(c.at())),
                column("Duration", 90, c -> millis(c.micros())),
                column("Node", 120, SlowCommand::node),
                column("Client", 170, c -> c.client() + (c.clientName().isEmpty() ? "" : " (" + c.clientName() + ")")
                        + (c.fromConsole() ? " · this console" : "")),
                column("Command", 500, SlowCommand::line)));
        table.setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(SlowCommand item, boolean blank) {
                super.updateItem(item, blank);
                pseudoClassStateChanged(OWN, !blank && item != null && item.fromConsole());
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> arguments.setText(
                now == null ? "" : String.join("\n", now.arguments())));
        arguments.setId("slowlog-arguments");
        arguments.setEditable(false);
        arguments.setWrapText(true);
        arguments.setPromptText("Choose a command to see its arguments, one per line.");
        SplitPane split = new SplitPane(table, arguments);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.75);
        pane = new LoadPane();
        pane.setContent(split);
        VBox.setVgrow(pane, Priority.ALWAYS);
        Label about = new Label("Execution time on the server only (SLOWLOG): network and queueing are not included. "
                + "Passwords and token ids are masked; values of session and blacklist keys are hidden.");
        about.setWrapText(true);
        about.getStyleClass().add("text-muted");
        root = new VBox(8, bar, notes, pane, about);
        root.setPadding(new Insets(8, 0, 0, 0));
        root.getStylesheets().add(Objects.requireNonNull(SlowlogSection.class.getResource("Slowlog.css")).toExternalForm());
    }

    private static TableColumn<SlowCommand, String> column(String title, double width, Function<SlowCommand, String> value) {
        TableColumn<SlowCommand, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        if ("Duration".equals(title)) c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    @Override
    public void refresh() {
        root();
        pane.load(work, "Reading the slowlog", control -> slowLog.read(), this::show);
    }

    private void show(SlowLog.Report r) {
        report = r;
        settings.setText(r.settings().stream().map(s -> (r.settings().size() > 1 ? s.node() + ": " : "Redis ") + s.describe())
                .collect(Collectors.joining("; ")) + ". Read " + time.format(r.readAt()) + ".");
        notes.setText(String.join("\n", r.notes()));
        notes.setVisible(!r.notes().isEmpty());
        empty.setText(emptyText(r));
        SlowCommand chosen = table.getSelectionModel().getSelectedItem();
        table.getItems().setAll(r.commands());
        if (chosen != null) r.commands().stream().filter(c -> c.id() == chosen.id() && c.node().equals(chosen.node()))
                .findFirst().ifPresent(c -> table.getSelectionModel().select(c));
    }

    /** Why the table is empty, in the server's own terms. */
    static String emptyText(SlowLog.Report r) {
        List<Long> thresholds = r.settings().stream().map(SlowLog.Settings::slowerThanMicros).filter(Objects::nonNull).distinct().toList();
        if (thresholds.size() == 1 && thresholds.get(0) < 0)
            return "Redis logs no slow commands: slowlog-log-slower-than is negative (logging is off).";
        String what = thresholds.size() == 1 ? "slower than " + millis(thresholds.get(0)) : "over the threshold";
        return "No command " + what + " since Redis started or its slowlog was last reset.";
    }

    /** Microseconds below a millisecond, two decimals below 10 ms, whole milliseconds above. */
    static String millis(long micros) {
        if (micros < 1000) return micros + " µs";
        double ms = micros / 1000.0;
        return String.format(Locale.getDefault(), ms < 10 ? "%.2f ms" : "%.0f ms", ms);
    }

    public TableView<SlowCommand> table() { return table; }

    /** The last report shown, or null: for tests. */
    public SlowLog.Report report() { return report; }
}
