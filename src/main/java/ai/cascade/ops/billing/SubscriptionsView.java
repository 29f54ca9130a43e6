package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.CsvExportAction;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.PagedRows;
import ai.cascade.ops.ui.IndexAdviceBar;
import ai.cascade.ops.ui.PagedTable;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.users.SearchText;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.controlsfx.control.CheckComboBox;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Subscriptions: the revenue summary per tier, a search with filters by tier, Stripe status and period
 * end, and a virtualized table fetched page by page as it scrolls, sorted by the server.
 */
public final class SubscriptionsView extends FxmlView implements ConsoleView {
    /** The choices of "period ends within": null days is any time. */
    record PeriodWindow(Integer days) {
        static final List<PeriodWindow> CHOICES = List.of(new PeriodWindow(null), new PeriodWindow(1), new PeriodWindow(3),
                new PeriodWindow(7), new PeriodWindow(14), new PeriodWindow(30), new PeriodWindow(90));

        @Override public String toString() {
            return days == null ? "any time" : days == 1 ? "1 day" : days + " days";
        }
    }

    @FXML private LoadPane summaryPane;
    @FXML private FlowPane summaryCards;
    @FXML private VBox notCounted;
    @FXML private TextField searchField;
    @FXML private Label searchKind;
    @FXML private CheckComboBox<String> tierFilter;
    @FXML private CheckComboBox<String> statusFilter;
    @FXML private ComboBox<PeriodWindow> endingWithin;
    @FXML private Button clearFilters;
    @FXML private Button exportButton;
    @FXML private Button editButton;
    @FXML private Button journalButton;
    @FXML private Button driftButton;
    @FXML private HBox adviceBar;
    @FXML private TextArea adviceText;
    @FXML private Button copyAdvice;
    @FXML private TableView<SubscriptionRow> table;
    @FXML private Label tablePlaceholder;
    @FXML private TableColumn<SubscriptionRow, Number> idColumn;
    @FXML private TableColumn<SubscriptionRow, Number> userColumn;
    @FXML private TableColumn<SubscriptionRow, String> usernameColumn;
    @FXML private TableColumn<SubscriptionRow, String> stripeColumn;
    @FXML private TableColumn<SubscriptionRow, String> tierColumn;
    @FXML private TableColumn<SubscriptionRow, String> statusColumn;
    @FXML private TableColumn<SubscriptionRow, String> amountColumn;
    @FXML private TableColumn<SubscriptionRow, LocalDateTime> periodStartColumn;
    @FXML private TableColumn<SubscriptionRow, LocalDateTime> periodEndColumn;
    @FXML private TableColumn<SubscriptionRow, LocalDateTime> createdColumn;
    @FXML private ProgressIndicator loadingIndicator;
    @FXML private Label countLabel;
    @FXML private Label problemLabel;
    @FXML private Button retryButton;
    @FXML private Label exportLabel;

    private final SubscriptionSearchModel model;
    private final BackgroundWork work;
    private final TimeDisplay time;
    /** The edit UI's collaborators; null where subscriptions are only shown (edit buttons stay hidden). */
    private final SubscriptionEditModel.Editing editing;
    private final Locale locale = Locale.getDefault();
    private boolean shown;

    public SubscriptionsView(SubscriptionDirectory directory, RevenueSummary revenue, List<Tier> tiers, BackgroundWork work, TimeDisplay time) {
        this(directory, revenue, tiers, work, time, null);
    }

    public SubscriptionsView(SubscriptionDirectory directory, RevenueSummary revenue, List<Tier> tiers, BackgroundWork work, TimeDisplay time,
                             SubscriptionEditModel.Editing editing) {
        this.model = new SubscriptionSearchModel(directory, revenue, tiers, work);
        this.work = work;
        this.time = time;
        this.editing = editing;
    }

    @Override
    protected void didLoad() {
        bindColumns();
        bindPaging();
        bindSearch();
        bindFilters();
        bindEditing();
        time.utcProperty().addListener((o, was, utc) -> table.refresh());
    }

    @Override
    public void refresh() {
        root();
        summaryPane.load(work, "Summing monthly recurring revenue", model.revenueWork(), r -> {
            RevenueStrip.show(r, summaryCards, notCounted, locale);
            model.revenueShown(r);
        });
        if (!shown) {   // a later visit keeps the search and its place; the summary is read anew
            shown = true;
            model.refresh();
            if (editing != null) editing.whenAllowed(work, editButton::setVisible);
        }
    }

    /** Opens the edit dialog for the selected row's Stripe subscription (the button's action; tests and screenshots too). */
    public SubscriptionEditDialog editSelected() {
        SubscriptionRow row = table.getSelectionModel().getSelectedItem();
        if (editing == null || row == null || row.subscriptionId() == null) return null;
        return SubscriptionEditDialog.show(table.getScene().getWindow(), editing, work, time, row.subscriptionId(), () -> { refresh(); model.refresh(); });
    }

    /**
     * For the screenshot tour: selects the first active subscription with a Stripe id and returns its edit dialog,
     * loading (not shown) and then previewing a tier change; null when there is none or edits are not wired in.
     */
    public SubscriptionEditDialog pictureEdit() {
        SubscriptionRow row = table.getItems().stream().filter(r -> r != null && r.subscriptionId() != null && "active".equals(r.status()))
                .findFirst().orElse(null);
        if (editing == null || row == null) return null;
        table.getSelectionModel().select(row);
        SubscriptionEditDialog d = new SubscriptionEditDialog(new SubscriptionEditModel(editing.editor(), editing.profile(), work,
                row.subscriptionId()), work, time, () -> { });
        d.load();
        d.previewFirstTierChange();
        return d;
    }

    /** Opens the drift check (Postgres vs Stripe) in a window of its own; it runs when asked, not on opening. */
    private DriftView openDrift() {
        DriftView v = new DriftView(editing.drift(), editing.editor(), work, time, editing.profile());
        javafx.stage.Stage stage = new javafx.stage.Stage();
        javafx.stage.Window owner = table.getScene() == null ? null : table.getScene().getWindow();
        if (owner != null) stage.initOwner(owner);
        stage.setTitle("Drift check: Postgres vs Stripe");
        javafx.scene.Scene scene = new javafx.scene.Scene(v.root(), 1100, 700);
        if (owner != null && owner.getScene() != null) scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        stage.setScene(scene);
        stage.show();
        return v;
    }

    /** For the screenshot tour: the drift check, running (not shown); null when edits are not wired in. */
    public DriftView pictureDrift() {
        if (editing == null) return null;
        DriftView v = new DriftView(editing.drift(), editing.editor(), work, time, editing.profile());
        v.run();
        return v;
    }

    /** For the screenshot tour: the journal of edits in flight, loading (not shown); null when edits are not wired in. */
    public EditJournalView pictureJournal() {
        if (editing == null) return null;
        EditJournalView v = new EditJournalView(editing, work, time);
        v.refresh();
        return v;
    }

    private void bindEditing() {
        for (Button b : List.of(editButton, journalButton, driftButton)) b.managedProperty().bind(b.visibleProperty());
        journalButton.setVisible(editing != null);
        driftButton.setVisible(editing != null && editing.editor() != null);
        driftButton.setOnAction(e -> openDrift());
        var selected = table.getSelectionModel().selectedItemProperty();
        editButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> selected.get() == null || selected.get().subscriptionId() == null, selected));
        editButton.setOnAction(e -> editSelected());
        journalButton.setOnAction(e -> EditJournalView.show(table.getScene().getWindow(), editing, work, time));
    }

    /** For tests: the paged rows the table shows. */
    public PagedRows<SubscriptionRow> rows() { return model.rows(); }

    public SubscriptionSearchModel model() { return model; }

    public TableView<SubscriptionRow> table() { return table; }

    /** Exports the current result to {@code target} in the background (the button asks where first). */
    public void exportTo(Path target) {
        model.export(target);
    }

    private void bindColumns() {
        idColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().id()));
        userColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().userId()));
        PagedTable.textColumn(usernameColumn, SubscriptionRow::username);
        PagedTable.textColumn(stripeColumn, SubscriptionRow::subscriptionId);
        PagedTable.textColumn(tierColumn, SubscriptionRow::tier);
        PagedTable.textColumn(statusColumn, SubscriptionRow::status);
        PagedTable.textColumn(amountColumn, r -> Money.describe(r.amount(), r.currency(), locale));
        PagedTable.timeColumn(periodStartColumn, SubscriptionRow::periodStart, time);
        PagedTable.timeColumn(periodEndColumn, SubscriptionRow::periodEnd, time);
        PagedTable.timeColumn(createdColumn, SubscriptionRow::createdAt, time);
        Map<TableColumn<SubscriptionRow, ?>, SubscriptionSort> sorts = Map.of(idColumn, SubscriptionSort.ID,
                amountColumn, SubscriptionSort.AMOUNT, periodEndColumn, SubscriptionSort.PERIOD_END, createdColumn, SubscriptionSort.CREATED);
        // The server sorts (keyset paging needs its order); the table only shows the arrow.
        table.setSortPolicy(t -> {
            if (t.getSortOrder().isEmpty()) model.sort(SubscriptionSort.ID, true);
            else {
                TableColumn<SubscriptionRow, ?> first = t.getSortOrder().get(0);
                model.sort(sorts.getOrDefault(first, SubscriptionSort.ID), first.getSortType() == TableColumn.SortType.ASCENDING);
            }
            return true;
        });
    }

    private void bindPaging() {
        PagedRows<SubscriptionRow> rows = model.rows();
        PagedTable.attach(table, rows);
        PagedTable.showStatus(rows, loadingIndicator, problemLabel, retryButton);
        tablePlaceholder.textProperty().bind(Bindings.when(rows.loadingProperty())
                .then("Loading…").otherwise("No subscriptions match."));
        countLabel.textProperty().bind(model.countProperty());
        exportLabel.textProperty().bind(model.exportResultProperty());
        exportButton.setOnAction(e -> CsvExportAction.chooseFile(table.getScene().getWindow(), "cascade-subscriptions.csv")
                .ifPresent(this::exportTo));
    }

    private void bindSearch() {
        searchField.textProperty().addListener((o, was, typed) -> {
            model.type(typed);
            showKind(typed);
        });
        searchField.setOnAction(e -> model.searchNow(searchField.getText()));
        showKind("");
        IndexAdviceBar.bind(model.advice(), adviceBar, adviceText, copyAdvice);
    }

    private void showKind(String typed) {
        SearchText s = SearchText.parse(typed);
        searchKind.setText(switch (s.kind()) {
            case EVERYONE -> "Showing all subscriptions";
            case SUBSCRIPTION_ID -> "The subscription " + s.value();
            case CUSTOMER_ID -> "Subscriptions of the Stripe customer " + s.value();
            case USER_ID -> "Subscriptions of user " + s.value();
            case EMAIL -> "Subscriptions of the user with this email";
            case USERNAME_PREFIX -> "Subscriptions of users whose name starts with \"" + s.value() + "\"";
            case IMPOSSIBLE -> "No subscription can match this";
        });
    }

    private void bindFilters() {
        tierFilter.getItems().setAll(model.tiersInUse());
        model.tiersInUse().addListener((ListChangeListener<String>) c -> {
            var checked = new HashSet<>(tierFilter.getCheckModel().getCheckedItems());
            tierFilter.getItems().setAll(model.tiersInUse());
            checked.forEach(t -> tierFilter.getCheckModel().check(t));
        });
        statusFilter.getItems().setAll(SubscriptionQuery.STATUSES);
        statusFilter.getItems().add(SubscriptionQuery.NONE);
        tierFilter.getCheckModel().getCheckedItems().addListener((ListChangeListener<String>) c -> {
            showChecked(tierFilter, "Any tier");
            model.filterTiers(new HashSet<>(tierFilter.getCheckModel().getCheckedItems()));
        });
        statusFilter.getCheckModel().getCheckedItems().addListener((ListChangeListener<String>) c -> {
            showChecked(statusFilter, "Any status");
            model.filterStatuses(new HashSet<>(statusFilter.getCheckModel().getCheckedItems()));
        });
        endingWithin.getItems().setAll(PeriodWindow.CHOICES);
        endingWithin.getSelectionModel().selectFirst();
        endingWithin.valueProperty().addListener((o, was, w) -> model.filterEndingWithin(w == null ? null : w.days()));
        clearFilters.setOnAction(e -> {
            tierFilter.getCheckModel().clearChecks();
            statusFilter.getCheckModel().clearChecks();
            endingWithin.getSelectionModel().selectFirst();
        });
    }

    /** The closed filter names what it lets through: "Any tier", or the tiers checked. */
    private static void showChecked(CheckComboBox<String> filter, String none) {
        List<String> checked = filter.getCheckModel().getCheckedItems();
        filter.setTitle(checked.isEmpty() ? none : String.join(", ", checked));
    }
}
