package ai.cascade.ops.users;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.CsvExportAction;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.PagedRows;
import ai.cascade.ops.ui.IndexAdviceBar;
import ai.cascade.ops.ui.PagedTable;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import org.controlsfx.control.CheckComboBox;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Users: one search box that understands what is typed, filters, a virtualized table fetched page by
 * page as it scrolls, and the selected user's detail beside it.
 */
public final class UsersView extends FxmlView implements ConsoleView {
    static final List<String> STATUSES = List.of("active", "trialing", "past_due", "unpaid", "paused", "incomplete",
            "incomplete_expired", "canceled", UserQuery.NO_STATUS);

    @FXML private TextField searchField;
    @FXML private Label searchKind;
    @FXML private CheckComboBox<String> tierFilter;
    @FXML private CheckComboBox<String> statusFilter;
    @FXML private DatePicker loginFrom;
    @FXML private DatePicker loginTo;
    @FXML private Button clearFilters;
    @FXML private Button exportButton;
    @FXML private HBox adviceBar;
    @FXML private javafx.scene.control.TextArea adviceText;
    @FXML private Button copyAdvice;
    @FXML private TableView<UserRow> table;
    @FXML private TableColumn<UserRow, Number> idColumn;
    @FXML private TableColumn<UserRow, String> usernameColumn;
    @FXML private TableColumn<UserRow, String> emailColumn;
    @FXML private TableColumn<UserRow, String> customerColumn;
    @FXML private TableColumn<UserRow, String> tierColumn;
    @FXML private TableColumn<UserRow, String> statusColumn;
    @FXML private TableColumn<UserRow, LocalDateTime> lastLoginColumn;
    @FXML private TableColumn<UserRow, LocalDateTime> createdColumn;
    @FXML private ProgressIndicator loadingIndicator;
    @FXML private Label countLabel;
    @FXML private Label problemLabel;
    @FXML private Button retryButton;
    @FXML private Label exportLabel;
    @FXML private javafx.scene.layout.VBox detailHolder;
    @FXML private Label detailTitle;
    @FXML private Button closeDetail;
    @FXML private javafx.scene.control.SplitPane split;

    private final UserSearchModel model;
    private final TimeDisplay time;
    private final Node detail;
    private final Consumer<UserRow> openDetail;
    private final ZoneId zone;
    private boolean shown;
    private boolean reflectingSort;

    /** {@code detail} is shown beside the table; {@code openDetail} fills it for the selected user. */
    public UsersView(UserSearchModel model, Node detail, Consumer<UserRow> openDetail, TimeDisplay time, ZoneId zone) {
        this.model = model;
        this.detail = detail;
        this.openDetail = openDetail;
        this.time = time;
        this.zone = zone;
    }

    public UsersView(UserDirectory directory, Node detail, Consumer<UserRow> openDetail, BackgroundWork work, TimeDisplay time) {
        this(new UserSearchModel(directory, work), detail, openDetail, time, ZoneId.systemDefault());
    }

    @Override
    protected void didLoad() {
        detailHolder.getChildren().add(detail);
        javafx.scene.layout.VBox.setVgrow(detail, javafx.scene.layout.Priority.ALWAYS);
        closeDetail.setOnAction(e -> closeDetail());
        table.setOnKeyPressed(e -> { if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) closeDetail(); });
        bindColumns();
        bindPaging();
        bindSearch();
        bindFilters();
        table.getSelectionModel().selectedItemProperty().addListener((o, was, row) -> { if (row != null) openDetail(row); });
        time.utcProperty().addListener((o, was, utc) -> table.refresh());
    }

    @Override
    public void refresh() {
        root();
        if (!shown) {   // a later visit keeps the search, its place and the selection
            shown = true;
            model.refresh();
        }
    }

    @Override
    public void reload() {
        root();
        shown = true;
        model.refresh();
    }

    /** Shows the users matching {@code text} at once, as if typed (another page opens a user here). */
    public void search(String text) {
        root();
        shown = true;
        searchField.setText(text);
        model.searchNow(text);
        // Another page named one user: select them (opening their detail) once their row arrives.
        ListChangeListener<UserRow> selectWhenShown = new ListChangeListener<>() {
            @Override public void onChanged(Change<? extends UserRow> c) {
                for (int i = 0; i < table.getItems().size() && i < 50; i++)
                    if (table.getItems().get(i).username().equals(text)) {
                        table.getItems().removeListener(this);
                        table.getSelectionModel().clearAndSelect(i);
                        table.scrollTo(i);
                        return;
                    }
                if (!table.getItems().isEmpty()) table.getItems().removeListener(this);   // the first page came without them
            }
        };
        table.getItems().addListener(selectWhenShown);
    }

    /** For tests and benchmarks: the table and its paged rows. */
    public TableView<UserRow> table() { return table; }

    public PagedRows<UserRow> rows() { return model.rows(); }

    public UserSearchModel model() { return model; }

    /** Exports the current result to {@code target} (the button asks where first). */
    public void exportTo(Path target) {
        model.export(target);
    }

    /** The detail opens beside the table on selection; until then the table has the whole width. */
    private void openDetail(UserRow row) {
        detailTitle.setText("User detail  ·  #" + row.id());
        if (!split.getItems().contains(detailHolder)) {
            split.getItems().add(detailHolder);
            split.setDividerPositions(0.56);
        }
        openDetail.accept(row);
    }

    /** Closes the detail pane; the table takes the whole width again. */
    public void closeDetail() {
        split.getItems().remove(detailHolder);
        table.getSelectionModel().clearSelection();
    }

    private void bindColumns() {
        idColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().id()));
        PagedTable.textColumn(usernameColumn, UserRow::username);
        PagedTable.textColumn(emailColumn, UserRow::email);
        PagedTable.textColumn(customerColumn, UserRow::customerId);
        PagedTable.textColumn(tierColumn, UserRow::tier);
        PagedTable.textColumn(statusColumn, UserRow::status);
        PagedTable.timeColumn(lastLoginColumn, UserRow::lastLogin, time);
        PagedTable.timeColumn(createdColumn, UserRow::createdAt, time);
        Map<TableColumn<UserRow, ?>, UserSort> sorts = Map.of(idColumn, UserSort.ID, usernameColumn, UserSort.USERNAME,
                lastLoginColumn, UserSort.LAST_LOGIN, createdColumn, UserSort.CREATED);
        // The server sorts (keyset paging needs its order); the table only shows the arrow.
        table.setSortPolicy(t -> {
            if (reflectingSort) return true;
            if (t.getSortOrder().isEmpty()) model.sort(null, true);
            else {
                TableColumn<UserRow, ?> first = t.getSortOrder().get(0);
                model.sort(sorts.getOrDefault(first, UserSort.ID), first.getSortType() == TableColumn.SortType.ASCENDING);
            }
            return true;
        });
        // The header shows the order the rows are in, also when the search chose it (username for a prefix).
        model.queryProperty().addListener((o, was, q) -> sorts.forEach((column, sort) -> {
            if (sort != q.sort()) return;
            TableColumn.SortType type = q.ascending() ? TableColumn.SortType.ASCENDING : TableColumn.SortType.DESCENDING;
            if (table.getSortOrder().equals(java.util.List.of(column)) && column.getSortType() == type) return;
            reflectingSort = true;
            column.setSortType(type);
            table.getSortOrder().setAll(java.util.List.of(column));
            reflectingSort = false;
        }));
    }

    private void bindPaging() {
        PagedRows<UserRow> rows = model.rows();
        PagedTable.attach(table, rows);
        PagedTable.showStatus(rows, loadingIndicator, problemLabel, retryButton);
        countLabel.textProperty().bind(model.countProperty());
        exportLabel.textProperty().bind(model.exportResultProperty());
        exportButton.setOnAction(e -> CsvExportAction.chooseFile(table.getScene().getWindow(), "cascade-users.csv").ifPresent(this::exportTo));
    }

    private void bindSearch() {
        searchField.textProperty().addListener((o, was, typed) -> {
            model.type(typed);
            showKind(typed);
        });
        showKind("");
        IndexAdviceBar.bind(model.advice(), adviceBar, adviceText, copyAdvice);
    }

    private void showKind(String typed) {
        SearchText s = SearchText.parse(typed);
        searchKind.setText(switch (s.kind()) {
            case EVERYONE -> "Showing all users";
            case USERNAME_PREFIX -> "Usernames starting with \"" + s.value() + "\" (case-sensitive)";
            case IMPOSSIBLE -> "No user can match this";
            default -> "Looking up by " + s.kind().label();
        });
    }

    private void bindFilters() {
        model.tiersInUse().addListener((ListChangeListener<String>) c -> {
            var checked = new HashSet<>(tierFilter.getCheckModel().getCheckedItems());
            tierFilter.getItems().setAll(model.tiersInUse());
            checked.forEach(t -> tierFilter.getCheckModel().check(t));
        });
        statusFilter.getItems().setAll(STATUSES);
        tierFilter.getCheckModel().getCheckedItems().addListener((ListChangeListener<String>) c ->
                model.filterTiers(new HashSet<>(tierFilter.getCheckModel().getCheckedItems())));
        statusFilter.getCheckModel().getCheckedItems().addListener((ListChangeListener<String>) c ->
                model.filterStatuses(new HashSet<>(statusFilter.getCheckModel().getCheckedItems())));
        loginFrom.valueProperty().addListener((o, was, d) -> applyLoginRange());
        loginTo.valueProperty().addListener((o, was, d) -> applyLoginRange());
        clearFilters.setOnAction(e -> {
            tierFilter.getCheckModel().clearChecks();
            statusFilter.getCheckModel().clearChecks();
            loginFrom.setValue(null);
            loginTo.setValue(null);
        });
    }

    /** The dates are the operator's local days; the column holds UTC. */
    private void applyLoginRange() {
        model.filterLastLogin(startOfDayUtc(loginFrom.getValue()), loginTo.getValue() == null ? null : startOfDayUtc(loginTo.getValue().plusDays(1)));
    }

    private LocalDateTime startOfDayUtc(LocalDate day) {
        return day == null ? null : day.atStartOfDay(zone).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
}
