package ai.cascade.ops.sessions;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.sessions.Collaborations.Collaboration;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.PauseTransition;
import javafx.animation.Timeline;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.util.Duration;
import javafx.util.StringConverter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Sessions: the live login sessions from Redis with their users, refreshed on an interval (pausable) that keeps
 * the selection and the scroll position and highlights what changed; revoking them and the per-user support
 * actions, each asking for a reason; and the live and recently ended collaboration sessions.
 */
public final class SessionsView extends FxmlView implements ConsoleView {
    static final List<Integer> INTERVALS = List.of(5, 10, 30, 60);
    private static final Duration HIGHLIGHT = Duration.seconds(4);
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    private static final PseudoClass MALFORMED = PseudoClass.getPseudoClass("malformed");

    @FXML private TabPane tabs;
    @FXML private TextField filterField;
    @FXML private ChoiceBox<String> tierFilter;
    @FXML private ChoiceBox<Integer> intervalChoice;
    @FXML private ToggleButton pauseToggle;
    @FXML private Button refreshButton;
    @FXML private HBox actionBar;
    @FXML private Button revokeButton;
    @FXML private Button resetRateLimitButton;
    @FXML private Button purgeVeniceButton;
    @FXML private Label actionResult;
    @FXML private Label writeNotice;
    @FXML private TableView<SessionRow> table;
    @FXML private TableColumn<SessionRow, String> usernameColumn;
    @FXML private TableColumn<SessionRow, String> tierColumn;
    @FXML private TableColumn<SessionRow, Integer> userIdColumn;
    @FXML private TableColumn<SessionRow, Instant> createdColumn;
    @FXML private TableColumn<SessionRow, Instant> lastSeenColumn;
    @FXML private TableColumn<SessionRow, Instant> expiresColumn;
    @FXML private TableColumn<SessionRow, SessionRow> ttlColumn;
    @FXML private TableColumn<SessionRow, String> ipColumn;
    @FXML private TableColumn<SessionRow, String> agentColumn;
    @FXML private TableColumn<SessionRow, String> jtiColumn;
    @FXML private TableColumn<SessionRow, String> problemsColumn;
    @FXML private ProgressIndicator refreshingIndicator;
    @FXML private Label summaryLabel;
    @FXML private Label problemLabel;
    @FXML private LineChart<Number, Number> countChart;
    @FXML private NumberAxis countTimeAxis;
    @FXML private LoadPane collaborationPane;
    @FXML private TableView<Collaboration> liveTable;
    @FXML private TableView<Collaboration> endedTable;
    @FXML private ListView<String> participantList;
    @FXML private Label participantProblem;

    private final SessionsModel model;
    private final SessionRevoker revoker;
    private final RedisSupportActions actions;
    private SessionActions sessionActions;
    private final Collaborations collaborations;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final Consumer<String> openUser;
    private final ConnectionProfile profile;
    private final IntConsumer intervalChanged;
    /** The clock the TTL cells count down by: one Timeline ticks it each second, no query per second. */
    private final LongProperty clock = new SimpleLongProperty(System.currentTimeMillis());
    private final PauseTransition nextRefresh = new PauseTransition();
    private final PauseTransition endHighlight = new PauseTransition(HIGHLIGHT);
    private final Timeline ticker = new Timeline(new KeyFrame(Duration.seconds(1), e -> clock.set(System.currentTimeMillis())));
    private int interval;
    private boolean writable;
    private boolean started;

    /**
     * {@code openUser} opens a user's detail by Venice username; {@code profile} decides the confirmation
     * (production: type its name) and hides changes on a read-only profile; {@code refreshSeconds} is the saved
     * auto-refresh interval and {@code refreshSecondsChanged} saves a new one.
     */
    public SessionsView(LiveSessions sessions, SessionRevoker revoker, RedisSupportActions actions, Collaborations collaborations,
                        BackgroundWork work, TimeDisplay time, Consumer<String> openUser, ConnectionProfile profile,
                        int refreshSeconds, IntConsumer refreshSecondsChanged) {
        this.model = new SessionsModel(sessions, work);
        this.revoker = revoker;
        this.actions = actions;
        this.collaborations = collaborations;
        this.work = work;
        this.time = time;
        this.openUser = openUser;
        this.profile = profile;
        this.interval = refreshSeconds > 0 ? refreshSeconds : 10;
        this.intervalChanged = refreshSecondsChanged;
    }

    @Override
    protected void didLoad() {
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        SessionColumns.bind(this);
        bindToolbar();
        sessionActions = new SessionActions(revoker, actions, work, profile, actionResult::setText, this::refreshSessions);
        bindActions();
        bindChart();
        CollaborationTables.bind(liveTable, endedTable, participantList, participantProblem, time, openUser);
        ticker.setCycleCount(Animation.INDEFINITE);
        time.utcProperty().addListener((o, was, utc) -> { table.refresh(); liveTable.refresh(); endedTable.refresh(); });
        model.setOnShow(this::show);
        refreshingIndicator.visibleProperty().bind(model.refreshingProperty());
        summaryLabel.textProperty().bind(model.summaryProperty());
        problemLabel.textProperty().bind(model.problemProperty());
        endHighlight.setOnFinished(e -> {
            model.forgetChanges();
            table.refresh();
        });
        nextRefresh.setOnFinished(e -> autoRefresh());
        // Off screen (another page, another profile's views) the page neither ticks nor refreshes.
        table.sceneProperty().addListener((o, was, scene) -> {
            if (scene == null) {
                ticker.stop();
                nextRefresh.stop();
            } else if (started) ticker.play();
        });
    }

    @Override
    public void refresh() {
        root();
        if (!started) {
            started = true;
            ticker.play();
            checkWriteAccess();
            refreshSessions();
        } else if (!pauseToggle.isSelected() && nextRefresh.getStatus() != Animation.Status.RUNNING && !model.refreshingProperty().get())
            refreshSessions();   // shown again after a while away: the list is stale
        loadCollaborations();
    }

    @Override
    public void reload() {
        root();
        refreshSessions();
        loadCollaborations();
    }

    /** Opens the collaboration sessions tab (screenshots; a link from elsewhere). */
    public void showCollaborations() {
        root();
        tabs.getSelectionModel().select(1);
    }

    /** For tests and benchmarks. */
    public TableView<SessionRow> table() { return table; }

    public SessionsModel model() { return model; }

    public LoadPane collaborationPane() { return collaborationPane; }

    TableView<Collaboration> liveTable() { return liveTable; }

    ListView<String> participantList() { return participantList; }

    /** Pauses or resumes auto-refresh, as the Pause button does. */
    public void setPaused(boolean paused) { pauseToggle.setSelected(paused); }

    public void setIntervalSeconds(int seconds) {
        if (!intervalChoice.getItems().contains(seconds)) intervalChoice.getItems().add(seconds);
        intervalChoice.setValue(seconds);
    }

    // --- the parts SessionColumns binds -------------------------------------------------------------

    TableColumn<SessionRow, String> usernameColumn() { return usernameColumn; }
    TableColumn<SessionRow, String> tierColumn() { return tierColumn; }
    TableColumn<SessionRow, Integer> userIdColumn() { return userIdColumn; }
    TableColumn<SessionRow, Instant> createdColumn() { return createdColumn; }
    TableColumn<SessionRow, Instant> lastSeenColumn() { return lastSeenColumn; }
    TableColumn<SessionRow, Instant> expiresColumn() { return expiresColumn; }
    TableColumn<SessionRow, SessionRow> ttlColumn() { return ttlColumn; }
    TableColumn<SessionRow, String> ipColumn() { return ipColumn; }
    TableColumn<SessionRow, String> agentColumn() { return agentColumn; }
    TableColumn<SessionRow, String> jtiColumn() { return jtiColumn; }
    TableColumn<SessionRow, String> problemsColumn() { return problemsColumn; }
    TimeDisplay time() { return time; }
    LongProperty clock() { return clock; }

    /** A row highlighted while new or changed, marked while malformed. */
    TableRow<SessionRow> newRow() {
        return new TableRow<>() {
            @Override protected void updateItem(SessionRow row, boolean empty) {
                super.updateItem(row, empty);
                pseudoClassStateChanged(CHANGED, !empty && row != null && model != null && model.isChanged(row.key()));
                pseudoClassStateChanged(MALFORMED, !empty && row != null && !row.problems().isEmpty());
            }
        };
    }

    void sortBy(Comparator<SessionRow> order) {
        if (model != null) model.sort(order);
    }

    // --- refreshing ------------------------------------------------------------------------------------

    private void refreshSessions() {
        nextRefresh.stop();
        model.refresh(this::scheduleNext);
    }

    private void scheduleNext() {
        if (pauseToggle.isSelected()) return;
        nextRefresh.setDuration(Duration.seconds(interval));
        nextRefresh.playFromStart();
    }

    /** Refreshes only while the page is on screen; showing it again refreshes at once. */
    private void autoRefresh() {
        if (table.getScene() != null) refreshSessions();
    }

    /** Replaces the rows, keeping the selected sessions selected and the first visible session in place. */
    private void show(SessionsModel.Shown shown) {
        List<SessionRow> selected = selectedRows();
        SessionRow focused = table.getFocusModel().getFocusedItem();
        VirtualFlow<?> flow = (VirtualFlow<?>) table.lookup(".virtual-flow");
        IndexedCell<?> first = flow == null ? null : flow.getFirstVisibleCell();
        int firstIndex = first == null ? -1 : first.getIndex();
        SessionRow firstRow = firstIndex >= 0 && firstIndex < table.getItems().size() ? table.getItems().get(firstIndex) : null;

        table.getSelectionModel().clearSelection();   // before the rows change: nothing selected to shift through 100,000 rows
        table.getItems().setAll(shown.rows());

        // Found by binary search in the new order: a pass over 100,000 rows would hold the FX thread too long.
        List<Integer> indices = new ArrayList<>();
        for (SessionRow r : selected) {
            int i = shown.indexOf(r);
            if (i >= 0) indices.add(i);
        }
        if (!indices.isEmpty())
            table.getSelectionModel().selectIndices(indices.get(0), indices.stream().skip(1).mapToInt(Integer::intValue).toArray());
        int focusIndex = focused == null ? -1 : shown.indexOf(focused);
        if (focusIndex >= 0) table.getFocusModel().focus(focusIndex);
        int keep = firstRow == null ? -1 : shown.indexOf(firstRow);
        if (firstIndex >= 0 && !shown.rows().isEmpty()) table.scrollTo(keep >= 0 ? keep : Math.min(firstIndex, shown.rows().size() - 1));
        if (!shown.changed().isEmpty()) endHighlight.playFromStart();
        updateActions();
    }

    private void bindToolbar() {
        tierFilter.setItems(model.tiers());
        tierFilter.setValue(SessionsModel.ANY_TIER);
        if (model != null) model.tiers().addListener((ListChangeListener<String>) c -> {
            if (tierFilter.getValue() == null) tierFilter.setValue(SessionsModel.ANY_TIER);
        });
        filterField.textProperty().addListener((o, was, text) -> { if (model != null) model.filter(text, tierFilter.getValue()); });
        tierFilter.valueProperty().addListener((o, was, t) -> { if (model != null && t != null) model.filter(filterField.getText(), t); });
        intervalChoice.getItems().setAll(INTERVALS);
        if (!INTERVALS.contains(interval)) intervalChoice.getItems().add(interval);
        intervalChoice.setValue(interval);
        intervalChoice.setConverter(new StringConverter<>() {
            @Override public String toString(Integer s) { return s == null ? "" : s + " s"; }
            @Override public Integer fromString(String s) { return Integer.valueOf(s.replace(" s", "").strip()); }
        });
        intervalChoice.valueProperty().addListener((o, was, s) -> {
            if (s == null || s == interval) return;
            interval = s;
            intervalChanged.accept(s);
            if (nextRefresh.getStatus() == Animation.Status.RUNNING) scheduleNext();
        });
        pauseToggle.selectedProperty().addListener((o, was, paused) -> {
            pauseToggle.setText(paused ? "Resume" : "Pause");
            if (model == null) return;
            if (paused) nextRefresh.stop();
            else refreshSessions();
        });
        refreshButton.setOnAction(e -> { if (model != null) reload(); });
    }

    private void bindChart() {
        countChart.getData().add(model.counts());
        // Auto-ranging over one point spans a day backwards; keep at least two minutes around the points instead.
        countTimeAxis.setAutoRanging(false);
        model.counts().getData().addListener((javafx.collections.ListChangeListener<javafx.scene.chart.XYChart.Data<Number, Number>>) c -> {
            var points = model.counts().getData();
            if (points.isEmpty()) return;
            double first = points.get(0).getXValue().doubleValue(), last = points.get(points.size() - 1).getXValue().doubleValue();
            double span = Math.max(120, last - first);
            countTimeAxis.setLowerBound(last - span - 5);
            countTimeAxis.setUpperBound(last + 5);
            countTimeAxis.setTickUnit(Math.max(10, Math.round(span / 6 / 10) * 10));
        });
        DateTimeFormatter hms = DateTimeFormatter.ofPattern("HH:mm:ss");
        countTimeAxis.setTickLabelFormatter(new StringConverter<>() {
            @Override public String toString(Number n) {
                return hms.format(Instant.ofEpochSecond(n.longValue()).atZone(time.utcProperty().get() ? java.time.ZoneOffset.UTC : ZoneId.systemDefault()));
            }
            @Override public Number fromString(String s) { return 0; }
        });
    }

    // --- changes -----------------------------------------------------------------------------------------

    private void checkWriteAccess() {
        showWritable(false, null);
        if (profile.readOnly()) {
            showWritable(false, "This profile is marked read-only: sessions cannot be revoked here.");
            return;
        }
        work.run("Checking what this login may change", c -> revoker.mayRevoke(), may -> showWritable(may, may ? null
                : "This login may not write CASCADE Ops' audit log (a monitoring login), so it cannot revoke sessions or reset counters."),
                e -> showWritable(false, "Changes are unavailable until the audit log can be checked: " + Problems.describe(e)));
    }

    private void showWritable(boolean may, String notice) {
        writable = may;
        actionBar.setVisible(may);
        actionBar.setManaged(may);
        writeNotice.setText(notice);
        writeNotice.setVisible(notice != null);
        writeNotice.setManaged(notice != null);
    }

    private void bindActions() {
        table.getSelectionModel().getSelectedItems().addListener((ListChangeListener<SessionRow>) c -> updateActions());
        revokeButton.setOnAction(e -> revokeSelected());
        resetRateLimitButton.setOnAction(e -> resetRateLimit());
        purgeVeniceButton.setOnAction(e -> purgeVenice());
        table.setOnMouseClicked(e -> {
            SessionRow r = table.getSelectionModel().getSelectedItem();
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && r != null && r.userExists() && r.username() != null)
                openUser.accept(r.username());
        });
        updateActions();
    }

    private void updateActions() {
        List<SessionRow> selected = selectedRows();
        SessionRow one = selected.size() == 1 ? selected.get(0) : null;
        revokeButton.setDisable(selected.isEmpty());
        revokeButton.setText(selected.size() > 1 ? "Revoke " + selected.size() + " sessions…" : "Revoke…");
        resetRateLimitButton.setDisable(one == null || one.userId() == null);
        purgeVeniceButton.setDisable(one == null || !one.userExists() || one.username() == null);
    }

    private List<SessionRow> selectedRows() {
        List<SessionRow> out = new ArrayList<>();
        for (SessionRow r : table.getSelectionModel().getSelectedItems()) if (r != null) out.add(r);
        return out;
    }

    private void revokeSelected() {
        if (writable) sessionActions.revoke(table.getScene().getWindow(), selectedRows());
    }

    private void resetRateLimit() {
        SessionRow r = table.getSelectionModel().getSelectedItem();
        if (writable && r != null) sessionActions.resetRateLimit(table.getScene().getWindow(), r);
    }

    private void purgeVenice() {
        SessionRow r = table.getSelectionModel().getSelectedItem();
        if (writable && r != null) sessionActions.purgeVenice(table.getScene().getWindow(), r);
    }

    // --- collaboration sessions ---------------------------------------------------------------------------

    private void loadCollaborations() {
        collaborationPane.load(work, "Reading collaboration sessions", c -> List.of(collaborations.live(c), collaborations.recentlyEnded(c)),
                lists -> {
                    liveTable.getItems().setAll(lists.get(0));
                    endedTable.getItems().setAll(lists.get(1));
                });
    }

    /** A column of text, sorted by the same text. */
    static <T> void textColumn(TableColumn<T, String> column, Function<T, String> value) {
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
    }

    /** A column of times in the person's zone (or UTC). */
    static <T> void timeColumn(TableColumn<T, Instant> column, Function<T, Instant> value, TimeDisplay time) {
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setCellFactory(c -> new TableCell<>() {
            @Override protected void updateItem(Instant t, boolean empty) {
                super.updateItem(t, empty);
                setText(empty ? null : time.format(t));
            }
        });
    }
}
