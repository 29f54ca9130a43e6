package ai.cascade.ops.billing;

import ai.cascade.ops.billing.SubscriptionEditModel.Editing;
import ai.cascade.ops.billing.SubscriptionEditModel.Result;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.PagedTable;
import ai.cascade.ops.ui.ReasonPrompt;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.binding.Bindings;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.geometry.Insets;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.kordamp.ikonli.javafx.FontIcon;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Edits in flight: the journal's pending rows (a crash, a timeout or an outage left them) with Retry (the same
 * request and idempotency key), Abandon… (with a reason, audited) and Recover all; the latest finished rows below,
 * for context.
 */
public final class EditJournalView extends VBox {
    static final int RECENT = 30;

    private record Rows(List<JournalEntry> pending, List<JournalEntry> finished) {}

    private final Editing editing;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final LoadPane loadPane = new LoadPane();
    private final TableView<JournalEntry> pending = new TableView<>();
    private final TableView<JournalEntry> finished = new TableView<>();
    private final Button retry = new Button("Retry", new FontIcon("mdi2r-replay"));
    private final Button abandon = new Button("Abandon…", new FontIcon("mdi2c-close-octagon-outline"));
    private final Button recoverAll = new Button("Recover all", new FontIcon("mdi2b-backup-restore"));
    private final HBox actions;
    private final Label result = new Label();

    public EditJournalView(Editing editing, BackgroundWork work, TimeDisplay time) {
        this.editing = editing;
        this.work = work;
        this.time = time;
        setSpacing(8);
        setPadding(new Insets(14, 16, 14, 16));
        getStyleClass().add("edit-journal");
        getStylesheets().add(EditJournalView.class.getResource("SubscriptionEditDialog.css").toExternalForm());
        Label title = new Label("Edits in flight");
        title.getStyleClass().add("title-3");
        Label note = new Label("A pending edit was journaled but its end is not known (a crash, a timeout, Stripe or Postgres down). "
                + "Retry sends the same request with the same idempotency key, so Stripe applies it at most once.");
        note.setWrapText(true);
        note.getStyleClass().add("text-muted");
        note.setMinHeight(Region.USE_PREF_SIZE);   // wrap, never cut the sentence short
        Button refresh = new Button("Refresh", new FontIcon("mdi2r-refresh"));
        refresh.setId("journal-refresh");
        refresh.setOnAction(e -> refresh());
        retry.setId("journal-retry");
        abandon.setId("journal-abandon");
        recoverAll.setId("journal-recover-all");
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        actions = new HBox(8, retry, abandon, recoverAll);
        actions.managedProperty().bind(actions.visibleProperty());
        actions.setVisible(false);   // until the database says this login may edit
        buildTables();
        Label latest = new Label("Latest finished");
        latest.getStyleClass().add("journal-title");
        loadPane.setContent(new VBox(8, pending, latest, finished));
        VBox.setVgrow(loadPane, Priority.ALWAYS);
        result.setId("journal-result");
        result.setWrapText(true);
        result.managedProperty().bind(result.visibleProperty());
        result.setVisible(false);
        bindActions();
        getChildren().addAll(title, note, new HBox(8, actions, gap, refresh), result, loadPane);
    }

    /** Opens the view in its own window (not waiting for it) and loads it. */
    public static EditJournalView show(Window owner, Editing editing, BackgroundWork work, TimeDisplay time) {
        EditJournalView v = new EditJournalView(editing, work, time);
        Stage stage = new Stage();
        if (owner != null) stage.initOwner(owner);
        stage.setTitle("Edits in flight");
        Scene scene = new Scene(v, 1000, 640);
        if (owner != null && owner.getScene() != null) scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        stage.setScene(scene);
        stage.setOnHidden(e -> v.loadPane.cancel());
        stage.show();
        v.refresh();
        return v;
    }

    /** Reads the pending rows and the latest finished ones; the actions appear when this login may edit. */
    public void refresh() {
        loadPane.load(work, "Reading the journal of subscription edits", c -> new Rows(editing.editor().unfinished(c),
                editing.editor().recent(RECENT, c).stream().filter(e -> !e.pending()).toList()), rows -> {
            pending.getItems().setAll(rows.pending());
            finished.getItems().setAll(rows.finished());
        });
        editing.whenAllowed(work, actions::setVisible);
    }

    public TableView<JournalEntry> pendingTable() { return pending; }

    public TableView<JournalEntry> finishedTable() { return finished; }

    public LoadPane loadPane() { return loadPane; }

    private void buildTables() {
        pending.setId("journal-pending");
        finished.setId("journal-recent");
        for (TableView<JournalEntry> t : List.of(pending, finished)) {
            t.getStyleClass().add("dense");
            t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
            t.getColumns().addAll(List.of(text("#", 50, e -> Long.toString(e.id())), time("When", JournalEntry::createdAt),
                    text("Who", 110, JournalEntry::actor), text("Kind", 130, JournalEntry::kind), text("Target", 170, JournalEntry::target)));
        }
        pending.setPlaceholder(new Label("Nothing in flight: every journaled edit has finished."));
        pending.setPrefHeight(200);
        pending.getColumns().addAll(List.of(text("Attempts", 70, e -> Integer.toString(e.attempts())),
                text("Last outcome", 300, e -> e.outcome() == null ? "not sent yet, or no answer" : e.outcome())));
        finished.setPlaceholder(new Label("No finished edits yet."));
        finished.getColumns().addAll(List.of(text("State", 80, JournalEntry::state), text("Outcome", 300, JournalEntry::outcome)));
    }

    private static TableColumn<JournalEntry, String> text(String name, double width, Function<JournalEntry, String> value) {
        TableColumn<JournalEntry, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        PagedTable.textColumn(c, value);
        return c;
    }

    private TableColumn<JournalEntry, LocalDateTime> time(String name, Function<JournalEntry, LocalDateTime> value) {
        TableColumn<JournalEntry, LocalDateTime> c = new TableColumn<>(name);
        c.setPrefWidth(150);
        PagedTable.timeColumn(c, value, time);
        return c;
    }

    private void bindActions() {
        var selected = pending.getSelectionModel().selectedItemProperty();
        retry.disableProperty().bind(selected.isNull());
        abandon.disableProperty().bind(selected.isNull());
        recoverAll.disableProperty().bind(Bindings.isEmpty(pending.getItems()));
        retry.setOnAction(e -> retry(selected.get()));
        abandon.setOnAction(e -> abandon(selected.get()));
        recoverAll.setOnAction(e -> recoverAll());
    }

    private void retry(JournalEntry entry) {
        run("Finishing edit #" + entry.id(), () -> SubscriptionEditModel.resultOf(editing.editor().recovery().finish(entry.id())));
    }

    private void abandon(JournalEntry entry) {
        ReasonPrompt.ask(getScene().getWindow(), editing.profile(), "Abandon", "Abandon edit #" + entry.id() + " (" + entry.kind()
                + " of " + entry.target() + ")? Nothing more is sent to Stripe for it; Stripe may or may not have applied it, "
                + "so check Stripe's state first.").ifPresent(reason -> run("Abandoning edit #" + entry.id(), () -> {
            editing.editor().recovery().abandon(entry.id(), reason);
            return new Result(SubscriptionEditModel.Ending.DONE, "Abandoned edit #" + entry.id(), "Recorded in the audit log with your reason.");
        }));
    }

    private void recoverAll() {
        run("Finishing every edit in flight", () -> {
            EditRecovery.Report r = editing.editor().recovery().finishAll(ai.cascade.ops.backend.CancelSignal.NONE);
            String title = r.done() + " done, " + r.failed() + " failed, " + r.stillPending() + " still pending";
            return new Result(r.failed() + r.stillPending() == 0 ? SubscriptionEditModel.Ending.DONE : SubscriptionEditModel.Ending.IN_FLIGHT,
                    title, String.join("\n", r.messages()));
        });
    }

    private void run(String title, java.util.function.Supplier<Result> call) {
        show(new Result(SubscriptionEditModel.Ending.IN_FLIGHT, title + "…", ""));
        actions.setDisable(true);
        work.run(title, c -> call.get(), r -> {
            actions.setDisable(false);
            show(r);
            refresh();
        }, e -> {
            actions.setDisable(false);
            show(SubscriptionEditModel.resultOf(e));
            refresh();
        });
    }

    private void show(Result r) {
        result.setVisible(true);
        result.getStyleClass().removeIf(c -> c.startsWith("result-") || c.equals("edit-result"));
        result.getStyleClass().addAll("edit-result", "result-" + r.ending().name().toLowerCase(Locale.ROOT));
        result.setText(r.title() + (r.message().isEmpty() ? "" : "\n" + r.message()));
    }
}
