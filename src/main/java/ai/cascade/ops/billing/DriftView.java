package ai.cascade.ops.billing;

import ai.cascade.ops.billing.DriftReport.Drift;
import ai.cascade.ops.billing.DriftReport.Kind;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.PagedTable;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.ReasonPrompt;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Worker;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The drift check's page: runs the comparison of Postgres with Stripe in the background (progress, cancel), lists
 * every drift, shows both sides of the selected one, and adopts Stripe's state through the edit saga. The check reads
 * every Stripe subscription, so it runs only when asked, never on each visit.
 */
public final class DriftView extends FxmlView implements ConsoleView {
    /** A drift as listed, and what this console did about it. */
    public static final class Row {
        private final Drift drift;
        private final StringProperty resolution = new SimpleStringProperty("");
        private boolean resolved;

        Row(Drift drift) { this.drift = drift; }

        public Drift drift() { return drift; }

        public String resolution() { return resolution.get(); }

        public boolean resolved() { return resolved; }
    }

    /** One field of the side-by-side detail; {@code name} is the one {@link PlanState#differences} uses. */
    private record Field(String name, Function<PlanState, String> value) {}

    private static final PseudoClass RESOLVED = PseudoClass.getPseudoClass("resolved");

    @FXML private Label noStripeLabel;
    @FXML private Button checkButton;
    @FXML private Label summaryLabel;
    @FXML private HBox progressBox;
    @FXML private Label progressLabel;
    @FXML private Button cancelButton;
    @FXML private TableView<Row> table;
    @FXML private Label tablePlaceholder;
    @FXML private TableColumn<Row, String> kindColumn;
    @FXML private TableColumn<Row, String> subscriptionColumn;
    @FXML private TableColumn<Row, String> userColumn;
    @FXML private TableColumn<Row, String> whatColumn;
    @FXML private TableColumn<Row, String> resolutionColumn;
    @FXML private Label detailTitle;
    @FXML private GridPane detailGrid;
    @FXML private Button adoptButton;
    @FXML private Label adoptNote;
    @FXML private Label resultLabel;

    private final DriftCheck check;
    private final SubscriptionEditor editor;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final ConnectionProfile profile;
    private final Locale locale = Locale.getDefault();
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private Job<DriftReport> running;

    public DriftView(DriftCheck check, SubscriptionEditor editor, BackgroundWork work, TimeDisplay time, ConnectionProfile profile) {
        this.check = check;
        this.editor = editor;
        this.work = work;
        this.time = time;
        this.profile = profile;
    }

    @Override
    protected void didLoad() {
        bindTable();
        checkButton.setOnAction(e -> run());
        cancelButton.setOnAction(e -> { if (running != null) running.cancel(true); });
        adoptButton.setOnAction(e -> adoptSelected());
        time.utcProperty().addListener((o, was, utc) -> showDetail(selected()));
        boolean stripe = check.stripeConfigured();
        noStripeLabel.setText("Stripe is not configured in the profile \"" + profile.name() + "\", so there is nothing to compare "
                + "Postgres' subscriptions with. Add its secret key under File → Connections.");
        noStripeLabel.setVisible(!stripe);
        noStripeLabel.setManaged(!stripe);
        checkButton.setDisable(!stripe);
        showDetail(null);
    }

    /** The check is expensive (it reads every Stripe subscription): a visit shows the last result, it does not run it. */
    @Override
    public void refresh() {
        root();
    }

    /** Runs the check in the background; does nothing while one runs or when the profile has no Stripe. */
    public void run() {
        root();
        if (running != null || !check.stripeConfigured()) return;
        showRunning(true, "Reading Stripe's subscriptions…");
        Job<DriftReport> job = work.run("Checking drift against Stripe",
                control -> check.run(control, message -> control.progress(-1, message)), this::show, e -> {
                    showRunning(false, null);
                    summaryLabel.setText("The drift check failed: " + Problems.describe(e));
                });
        progressLabel.textProperty().bind(job.messageProperty());
        job.stateProperty().addListener((o, was, state) -> {
            if (state == Worker.State.CANCELLED) {
                showRunning(false, null);
                summaryLabel.setText("Cancelled: nothing was compared. Check again to start over.");
            }
        });
        running = job;
    }

    /** For tests: the drifts listed. */
    public ObservableList<Row> rows() { return rows; }

    public TableView<Row> table() { return table; }

    private void showRunning(boolean on, String message) {
        if (!on) {
            running = null;
            progressLabel.textProperty().unbind();
        } else {
            summaryLabel.setText(message);
        }
        progressBox.setVisible(on);
        progressBox.setManaged(on);
        checkButton.setDisable(on);
    }

    private void show(DriftReport report) {
        showRunning(false, null);
        summaryLabel.setText(summary(report));
        rows.setAll(report.drifts().stream().map(Row::new).toList());
        tablePlaceholder.setText("No differences: Postgres mirrors Stripe.");
        resultLabel.setText("");
        if (!rows.isEmpty()) table.getSelectionModel().selectFirst();
    }

    /** "Compared 20,112 Stripe and 20,110 Postgres subscriptions at 14:02:07: 9 differences (…)". */
    String summary(DriftReport r) {
        String head = String.format(locale, "Compared %,d Stripe and %,d Postgres subscriptions at %s: ", r.stripeCount(),
                r.postgresCount(), time.format(r.when()));
        if (r.total() == 0) return head + "no differences.";
        Map<Kind, Integer> byKind = new EnumMap<>(r.byKind());
        String kinds = byKind.entrySet().stream().map(e -> String.format(locale, "%,d %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining(", "));
        String tail = r.capped() ? String.format(locale, "; the first %,d are listed", r.drifts().size()) : "";
        return head + String.format(locale, "%,d %s (%s%s).", r.total(), r.total() == 1 ? "difference" : "differences", kinds, tail);
    }

    private void bindTable() {
        table.setItems(rows);
        PagedTable.textColumn(kindColumn, r -> r.drift().kind().toString());
        PagedTable.textColumn(subscriptionColumn, r -> r.drift().stripeSubscriptionId() == null ? "—" : r.drift().stripeSubscriptionId());
        PagedTable.textColumn(userColumn, DriftView::user);
        PagedTable.textColumn(whatColumn, r -> r.drift().describe());
        resolutionColumn.setCellValueFactory(c -> c.getValue().resolution);
        table.setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(Row r, boolean empty) {
                super.updateItem(r, empty);
                pseudoClassStateChanged(RESOLVED, !empty && r != null && r.resolved());
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, r) -> {
            resultLabel.setText("");
            showDetail(r);
        });
    }

    private static String user(Row r) {
        Drift d = r.drift();
        if (d.username() == null) return d.userId() == null ? "—" : "user " + d.userId();
        return d.username() + (d.userId() == null ? "" : " (" + d.userId() + ")");
    }

    private Row selected() {
        return table == null ? null : table.getSelectionModel().getSelectedItem();
    }

    /** Both sides field by field; the fields that differ are marked. */
    private void showDetail(Row r) {
        detailGrid.getChildren().clear();
        if (r == null) {
            detailTitle.setText("Select a drift to see both sides.");
            adoptButton.setDisable(true);
            adoptNote.setText("");
            return;
        }
        Drift d = r.drift();
        detailTitle.setText((d.stripeSubscriptionId() == null ? "A subscription" : d.stripeSubscriptionId()) + " — " + d.kind());
        detailGrid.addRow(0, header("Field"), header(d.postgres() == null ? "Postgres: no row" : "Postgres"),
                header(d.stripe() == null ? "Stripe: no subscription" : "Stripe (system of record)"));
        Set<String> differing = d.differences().stream().map(PlanState.Difference::field).collect(Collectors.toSet());
        List<Field> fields = fields();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            boolean differs = differing.contains(f.name());
            detailGrid.addRow(i + 1, new Label(f.name()), value(d.postgres(), f, differs), value(d.stripe(), f, differs));
        }
        showAdoptable(r);
    }

    private List<Field> fields() {
        return List.of(new Field("tier", PlanState::tier), new Field("price", PlanState::priceId),
                new Field("amount", p -> Money.describe(p.amount(), p.currency(), locale)), new Field("currency", PlanState::currency),
                new Field("status", PlanState::status), new Field("period start", p -> time.formatUtc(p.periodStart())),
                new Field("period end", p -> time.formatUtc(p.periodEnd())),
                new Field("cancel at period end", p -> p.cancelAtPeriodEnd() ? "yes" : "no"),
                new Field("paused collection", p -> p.pauseBehavior() == null ? "no" : p.pauseBehavior()));
    }

    private static Label header(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("drift-detail-header");
        return l;
    }

    private static Label value(PlanState side, Field f, boolean differs) {
        String v = side == null ? null : f.value().apply(side);
        Label l = new Label(v == null ? "—" : v);
        if (differs) l.getStyleClass().add("drift-differs");
        return l;
    }

    /** Says why a drift cannot be adopted, rather than only greying the button out. */
    private void showAdoptable(Row r) {
        Drift d = r.drift();
        adoptButton.setDisable(r.resolved() || !d.adoptable());
        adoptNote.setText(r.resolved() ? "Done (" + r.resolution().toLowerCase(Locale.ROOT) + "). Both sides above are as the check read "
                + "them: check again to confirm."
                : switch (d.kind()) {
                    case DIFFERENT -> "Writes Stripe's state into Postgres through the edit saga: journaled and audited.";
                    case MISSING_IN_POSTGRES -> "Postgres has no row for it: the backend's webhook creates subscription rows and Ops "
                            + "never inserts into the backend's tables. Check the backend's webhook deliveries in Stripe.";
                    case MISSING_IN_STRIPE -> "Stripe has no such subscription, so there is no state to adopt. The row is the "
                            + "backend's and Ops never deletes the backend's rows: check the backend's webhook.";
                    case NO_STRIPE_ID -> "The row has no Stripe subscription id, so there is nothing in Stripe to adopt. "
                            + "Ops never deletes the backend's rows: check how the backend created it.";
                });
    }

    /** Asks a reason (and on production the profile's name), then adopts in the background. */
    private void adoptSelected() {
        Row r = selected();
        if (r == null || !r.drift().adoptable() || r.resolved()) return;
        String id = r.drift().stripeSubscriptionId();
        if (profile.readOnly()) {
            resultLabel.setText("The profile \"" + profile.name() + "\" is marked read-only, so adopting Stripe's state is not "
                    + "available. Switch the profile to read-write under File → Connections first.");
            return;
        }
        ReasonPrompt.ask(table.getScene().getWindow(), profile, "Adopt Stripe's state",
                "Make Postgres mirror Stripe's current state of " + id + "?").ifPresent(reason -> adopt(r, id, reason));
    }

    private void adopt(Row r, String id, String reason) {
        adoptButton.setDisable(true);
        resultLabel.setText("Adopting Stripe's state of " + id + "…");
        work.run("Adopting Stripe's state of " + id, control -> editor.adoptStripe(id, reason), outcome -> {
            resultLabel.setText(outcome.result() + ": " + outcome.message());
            r.resolution.set(outcome.done() ? "Adopted"
                    : outcome.result().toString().toLowerCase(Locale.ROOT).replace('_', ' '));
            r.resolved = outcome.done();
            table.refresh();
            if (r == selected()) showAdoptable(r);
        }, e -> {
            resultLabel.setText(Problems.describe(e));
            if (r == selected()) showAdoptable(r);
        });
    }
}
