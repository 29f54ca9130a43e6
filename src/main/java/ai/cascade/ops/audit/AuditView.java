package ai.cascade.ops.audit;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.CsvExportAction;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.PagedRows;
import ai.cascade.ops.ui.PagedTable;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.util.StringConverter;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The audit log: who changed what, when and why, filtered by text, login, action and days; a paged table,
 * newest first; the selected entry's before and after side by side; CSV export.
 */
public final class AuditView extends FxmlView implements ConsoleView {
    /** What an empty, unfiltered log says: an empty table alone would look like a failure. */
    public static final String EMPTY_LOG = "No audit entries yet: changes made from this console "
            + "(revoking a session, editing a subscription, …) are recorded here.";
    static final String NO_MATCH = "No audit entries match these filters.";
    /** The filters' "any" choice. */
    private static final String ANY = "";

    @FXML private TextField searchField;
    @FXML private ComboBox<String> actorFilter;
    @FXML private ComboBox<String> actionFilter;
    @FXML private Label daysLabel;
    @FXML private DatePicker fromDay;
    @FXML private DatePicker toDay;
    @FXML private Button clearFilters;
    @FXML private Button exportButton;
    @FXML private SplitPane split;
    @FXML private TableView<AuditEntry> table;
    @FXML private Label tablePlaceholder;
    @FXML private TableColumn<AuditEntry, LocalDateTime> whenColumn;
    @FXML private TableColumn<AuditEntry, String> whoColumn;
    @FXML private TableColumn<AuditEntry, String> actionColumn;
    @FXML private TableColumn<AuditEntry, String> targetColumn;
    @FXML private TableColumn<AuditEntry, String> reasonColumn;
    @FXML private TableColumn<AuditEntry, String> summaryColumn;
    @FXML private ProgressIndicator loadingIndicator;
    @FXML private Label countLabel;
    @FXML private Label problemLabel;
    @FXML private Button retryButton;
    @FXML private Label exportLabel;

    private final AuditSearchModel model;
    private final TimeDisplay time;
    private final ZoneId local;
    private final AuditDetailPane detail;
    /** Set while a filter's choices are replaced, so the brief empty selection is not taken as "any". */
    private boolean replacingChoices;

    public AuditView(AuditTrail trail, BackgroundWork work, TimeDisplay time) {
        this(new AuditSearchModel(trail, work), time, ZoneId.systemDefault());
    }

    AuditView(AuditSearchModel model, TimeDisplay time, ZoneId local) {
        this.model = model;
        this.time = time;
        this.local = local;
        this.detail = new AuditDetailPane(time);
    }

    @Override
    protected void didLoad() {
        bindColumns();
        bindPaging();
        bindFilters();
        split.getItems().add(detail.root());
        split.setDividerPositions(0.6);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, entry) -> detail.show(entry));
        time.utcProperty().addListener((o, was, utc) -> {
            table.refresh();
            applyDays();   // the days are read in the zone times are shown in
        });
    }

    /** Reads the log anew on every visit, filters kept: a change just made on another page should be here. */
    @Override
    public void refresh() {
        root();
        model.refresh();
    }

    /** For tests: the paged rows the table shows. */
    public PagedRows<AuditEntry> rows() { return model.rows(); }

    public AuditSearchModel model() { return model; }

    public TableView<AuditEntry> table() { return table; }

    /** Exports the current result to {@code target} in the background (the button asks where first). */
    public void exportTo(Path target) {
        model.export(target);
    }

    private void bindColumns() {
        PagedTable.timeColumn(whenColumn, AuditEntry::at, time);
        PagedTable.textColumn(whoColumn, AuditEntry::actor);
        PagedTable.textColumn(actionColumn, AuditEntry::action);
        PagedTable.textColumn(targetColumn, AuditEntry::target);
        PagedTable.textColumn(reasonColumn, AuditEntry::reason);
        PagedTable.textColumn(summaryColumn, AuditEntry::summary);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);   // the summary takes the spare width
        // The server orders (keyset paging needs its order); the When header only flips newest/oldest first.
        table.getSortOrder().setAll(List.of(whenColumn));
        table.setSortPolicy(t -> {
            model.newestFirst(t.getSortOrder().isEmpty() || whenColumn.getSortType() == TableColumn.SortType.DESCENDING);
            return true;
        });
    }

    private void bindPaging() {
        PagedRows<AuditEntry> rows = model.rows();
        PagedTable.attach(table, rows);
        PagedTable.showStatus(rows, loadingIndicator, problemLabel, retryButton);
        tablePlaceholder.textProperty().bind(Bindings.createStringBinding(() -> rows.loadingProperty().get() ? "Loading…"
                        : rows.problemProperty().get() != null ? "The audit log could not be read (see below)."
                        : model.queryProperty().get().unfiltered() ? EMPTY_LOG : NO_MATCH,
                rows.loadingProperty(), rows.problemProperty(), model.queryProperty()));
        countLabel.textProperty().bind(model.countProperty());
        exportLabel.textProperty().bind(model.exportResultProperty());
        exportButton.setOnAction(e -> CsvExportAction.chooseFile(table.getScene().getWindow(), "cascade-audit.csv")
                .ifPresent(this::exportTo));
    }

    private void bindFilters() {
        searchField.textProperty().addListener((o, was, typed) -> model.type(typed));
        searchField.setOnAction(e -> model.searchNow(searchField.getText()));
        choices(actorFilter, model.actors(), "Anyone");
        choices(actionFilter, model.actions(), "Any action");
        actorFilter.valueProperty().addListener((o, was, a) -> {
            if (!replacingChoices) model.filterActor(orAny(a));
        });
        actionFilter.valueProperty().addListener((o, was, a) -> {
            if (!replacingChoices) model.filterAction(orAny(a));
        });
        fromDay.valueProperty().addListener((o, was, d) -> applyDays());
        toDay.valueProperty().addListener((o, was, d) -> applyDays());
        clearFilters.setOnAction(e -> {
            searchField.clear();
            actorFilter.setValue(ANY);
            actionFilter.setValue(ANY);
            fromDay.setValue(null);
            toDay.setValue(null);
        });
        applyDays();
    }

    /** A filter offering "any" and then {@code found}, keeping its choice when the choices are read again. */
    private void choices(ComboBox<String> filter, ObservableList<String> found, String any) {
        filter.setConverter(new StringConverter<>() {
            @Override public String toString(String s) {
                if (s == null || s.isEmpty()) return any;
                return s.endsWith(".") ? s + "*  (every " + s.substring(0, s.length() - 1) + " action)" : s;
            }

            @Override public String fromString(String s) { return s; }
        });
        filter.getItems().setAll(ANY);
        filter.setValue(ANY);
        found.addListener((ListChangeListener<String>) c -> {
            String chosen = filter.getValue();
            replacingChoices = true;
            try {
                filter.getItems().setAll(ANY);
                filter.getItems().addAll(found);
                filter.setValue(chosen);
            } finally {
                replacingChoices = false;
            }
        });
    }

    /** The days are whole days in the zone times are shown in (local, or UTC on demand); the column holds UTC. */
    private void applyDays() {
        ZoneId zone = time.utcProperty().get() ? ZoneOffset.UTC : local;
        daysLabel.setText(time.utcProperty().get() ? "Days (UTC)" : "Days (local)");
        LocalDate to = toDay.getValue();
        model.filterTime(startOfDayUtc(fromDay.getValue(), zone), to == null ? null : startOfDayUtc(to.plusDays(1), zone));
    }

    private static LocalDateTime startOfDayUtc(LocalDate day, ZoneId zone) {
        return day == null ? null : day.atStartOfDay(zone).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }

    private static String orAny(String choice) {
        return choice == null || choice.isEmpty() ? null : choice;
    }
}
