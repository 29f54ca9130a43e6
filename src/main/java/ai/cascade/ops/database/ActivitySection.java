package ai.cascade.ops.database;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.ReasonPrompt;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.animation.PauseTransition;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.util.Duration;

import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Activity tab: what the server's sessions are doing, refreshed every 5 s while the tab is shown, the whole
 * query of the selected session read on demand, and cancelling its query or ending it (asking why, audited) for a
 * login that may. Long-running, blocked and idle-in-transaction sessions are highlighted.
 */
public final class ActivitySection extends FxmlView implements PageSection {
    static final Duration REFRESH_EVERY = Duration.seconds(5);
    private static final PseudoClass LONG_RUNNING = PseudoClass.getPseudoClass("long-running");
    private static final PseudoClass BLOCKED = PseudoClass.getPseudoClass("blocked");
    private static final PseudoClass IDLE_IN_TX = PseudoClass.getPseudoClass("idle-in-transaction");
    private static final PseudoClass OWN = PseudoClass.getPseudoClass("own");

    @FXML private Label summaryLabel;
    @FXML private ProgressIndicator refreshingIndicator;
    @FXML private Button refreshButton;
    @FXML private Label privilegeNote;
    @FXML private Label problemLabel;
    @FXML private LoadPane loadPane;
    @FXML private TableView<ActivityRow> table;
    @FXML private TableColumn<ActivityRow, Integer> pidColumn;
    @FXML private TableColumn<ActivityRow, String> userColumn;
    @FXML private TableColumn<ActivityRow, String> applicationColumn;
    @FXML private TableColumn<ActivityRow, String> stateColumn;
    @FXML private TableColumn<ActivityRow, String> waitColumn;
    @FXML private TableColumn<ActivityRow, Long> durationColumn;
    @FXML private TableColumn<ActivityRow, String> blockedByColumn;
    @FXML private TableColumn<ActivityRow, String> queryColumn;
    @FXML private Label detailHeading;
    @FXML private TextArea queryText;
    @FXML private HBox actionBar;
    @FXML private Button cancelButton;
    @FXML private Button terminateButton;
    @FXML private Label actionResult;
    @FXML private Label signalNotice;

    private final Activity activity;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final ConnectionProfile profile;
    private final CheckThresholds thresholds;
    private final PauseTransition nextRefresh = new PauseTransition(REFRESH_EVERY);
    private Activity.Snapshot snapshot;
    private Job<Activity.Snapshot> reading;
    private boolean shown;
    private boolean replacing;
    private boolean signalChecked;
    private boolean maySignal;
    /** The session whose whole query the text area shows (or is loading), and the short text it was loaded for. */
    private Integer detailPid;
    private String detailLoadedFor;

    /** {@code profile} decides the confirmation (production: type its name) and hides the signals on a read-only profile. */
    public ActivitySection(Activity activity, BackgroundWork work, TimeDisplay time, ConnectionProfile profile) {
        this(activity, work, time, profile, CheckThresholds.defaults());
    }

    /** Highlights sessions by {@code thresholds} (long-running queries, idle in transaction) as the checks judge them. */
    public ActivitySection(Activity activity, BackgroundWork work, TimeDisplay time, ConnectionProfile profile, CheckThresholds thresholds) {
        this.activity = activity;
        this.work = work;
        this.time = time;
        this.profile = profile;
        this.thresholds = thresholds;
    }

    @Override public String id() { return "activity"; }

    @Override public String title() { return "Activity"; }

    @Override
    protected void didLoad() {
        bindColumns();
        table.setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(ActivityRow row, boolean empty) {
                super.updateItem(row, empty);
                boolean on = !empty && row != null;
                pseudoClassStateChanged(BLOCKED, on && (row.blocked() || row.waitingOnLock()));
                pseudoClassStateChanged(LONG_RUNNING, on && row.active() && exceeds(row.queryDurationSeconds(), thresholds.longRunningSeconds()));
                pseudoClassStateChanged(IDLE_IN_TX, on && row.idleInTransaction()
                        && exceeds(row.stateDurationSeconds(), thresholds.idleInTransactionSeconds()));
                pseudoClassStateChanged(OWN, on && row.own());
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, row) -> { if (!replacing) selected(row); });
        refreshButton.setOnAction(e -> read());
        cancelButton.setOnAction(e -> signal(true));
        terminateButton.setOnAction(e -> signal(false));
        nextRefresh.setOnFinished(e -> { if (shown && table.getScene() != null) read(); });
        time.utcProperty().addListener((o, was, utc) -> showDetail(table.getSelectionModel().getSelectedItem()));
        updateActions(null);
    }

    @Override
    public void refresh() {
        root();
        shown = true;
        if (!signalChecked) checkSignalRights();
        read();
    }

    /** Another tab or page is shown: no more reads until it is shown again. */
    @Override
    public void hidden() {
        shown = false;
        nextRefresh.stop();
        if (reading != null && !reading.isDone()) reading.cancel(true);   // a cancelled job reports nothing
        refreshingIndicator.setVisible(false);
        if (snapshot == null) loadPane.cancel();
    }

    // --- reading -------------------------------------------------------------------------------------------

    private void read() {
        nextRefresh.stop();
        if (snapshot == null) {
            // The first read fills the pane with a spinner and Cancel; later ones refresh quietly above the rows.
            loadPane.load(work, "Reading the server's sessions", activity::read, s -> { show(s); scheduleNext(); });
            return;
        }
        if (reading != null && !reading.isDone()) return;   // a slow server: never pile reads up
        refreshingIndicator.setVisible(true);
        reading = work.run("Refreshing the server's sessions", activity::read, s -> {
            refreshingIndicator.setVisible(false);
            show(s);
            scheduleNext();
        }, e -> {
            refreshingIndicator.setVisible(false);
            showProblem("Refreshing failed; the list is from " + time.format(snapshot.readAt()) + ". " + Problems.describe(e));
            scheduleNext();
        });
    }

    private void scheduleNext() {
        if (shown) nextRefresh.playFromStart();
    }

    /** Replaces the rows, keeping the selected session selected while it is listed. */
    private void show(Activity.Snapshot s) {
        snapshot = s;
        showProblem(null);
        ActivityRow before = table.getSelectionModel().getSelectedItem();
        replacing = true;   // the swap below is no choice of the person's: the text area keeps what it shows
        try {
            table.getSelectionModel().clearSelection();   // before the rows change, or the selection shifts by index
            table.getItems().setAll(s.rows());
            table.sort();
            if (before != null) s.rows().stream().filter(r -> r.pid() == before.pid()).findFirst()
                    .ifPresent(again -> table.getSelectionModel().select(again));
        } finally {
            replacing = false;
        }
        ActivityRow now = table.getSelectionModel().getSelectedItem();
        if (before != null && now == null) {
            updateActions(null);
            detailPid = null;
            detailHeading.setText("Session " + before.pid() + " has ended or is no longer among the sessions listed.");
        } else if (now != null) selected(now);
        summaryLabel.setText(s.summary() + ". Read at " + time.format(s.readAt()) + ".");
        privilegeNote.setVisible(s.queryTextsHidden());
        privilegeNote.setManaged(s.queryTextsHidden());
    }

    private void showProblem(String text) {
        problemLabel.setText(text);
        problemLabel.setVisible(text != null);
        problemLabel.setManaged(text != null);
    }

    // --- the selected session -----------------------------------------------------------------------------

    private void selected(ActivityRow row) {
        updateActions(row);
        showDetail(row);
        if (row == null) {
            detailPid = null;
            return;
        }
        // The whole text is read when another session is chosen, or when the chosen one has moved on to another query.
        if (Objects.equals(detailPid, row.pid()) && Objects.equals(detailLoadedFor, row.query())) return;
        detailPid = row.pid();
        detailLoadedFor = row.query();
        if (row.textHidden()) {
            queryText.setText("Hidden: this login may not read the query of another role's session (pg_read_all_stats).");
            return;
        }
        queryText.setText(row.query());   // the short text at once, the whole when it comes
        int pid = row.pid();
        work.run("Reading the query of session " + pid, c -> activity.fullQuery(pid, c), text -> {
            if (!Objects.equals(detailPid, pid)) return;   // another session was chosen meanwhile
            if (text.isEmpty()) detailHeading.setText("Session " + pid + " has ended.");
            else queryText.setText(text.get().text() + (text.get().cutByServer() ? "\n\n-- Postgres keeps only the first "
                    + Figures.bytes(text.get().serverLimitBytes()) + " of each query (track_activity_query_size)." : ""));
        }, e -> { if (Objects.equals(detailPid, pid)) detailHeading.setText("The whole query could not be read: " + Problems.describe(e)); });
    }

    private void showDetail(ActivityRow row) {
        if (row == null) {
            detailHeading.setText("Select a session to see its whole query.");
            queryText.clear();
            detailLoadedFor = null;
            return;
        }
        StringBuilder b = new StringBuilder("Session " + row.pid() + " · " + row.who());
        if (row.database() != null) b.append(" · database ").append(row.database());
        if (row.client() != null) b.append(" · from ").append(row.client());
        if (row.queryStart() != null) b.append(" · query started ").append(time.format(row.queryStart()));
        if (row.blocked()) b.append(" · blocked by ").append(pids(row));
        if (row.own()) b.append(" · this console's own connection");
        else if (row.console()) b.append(" · another CASCADE Ops console");
        detailHeading.setText(b.toString());
    }

    // --- cancel and terminate -----------------------------------------------------------------------------

    private void checkSignalRights() {
        signalChecked = true;
        if (profile.readOnly()) {
            showSignalRights(false, "This profile is marked read-only: queries cannot be cancelled or sessions ended here.");
            return;
        }
        work.run("Checking whether this login may cancel queries", c -> activity.maySignal(), may -> showSignalRights(may, may ? null
                        : "This login may not cancel queries or end sessions of others: that needs pg_signal_backend and the audit log "
                        + "(a support login, cascade_ops_support)."),
                e -> {
                    signalChecked = false;   // asked again the next time the tab is shown
                    showSignalRights(false, "Cancel and terminate are unavailable until this login's rights can be read: " + Problems.describe(e));
                });
    }

    private void showSignalRights(boolean may, String notice) {
        maySignal = may;
        actionBar.setVisible(may);
        actionBar.setManaged(may);
        signalNotice.setText(notice);
        signalNotice.setVisible(notice != null);
        signalNotice.setManaged(notice != null);
    }

    private void updateActions(ActivityRow row) {
        boolean none = row == null || row.own();
        cancelButton.setDisable(none);
        terminateButton.setDisable(none);
    }

    private void signal(boolean cancel) {
        ActivityRow row = table.getSelectionModel().getSelectedItem();
        if (!maySignal || row == null || row.own()) return;
        String running = row.runningSeconds() == null ? "" : ", " + row.state() + " for " + Figures.duration(row.runningSeconds());
        String question = cancel
                ? "Cancel the query of session " + row.pid() + " (" + row.who() + running + ")? Its statement stops with an error; "
                        + "the session stays connected."
                : "End session " + row.pid() + " (" + row.who() + running + ")? Its connection closes and its open transaction rolls back.";
        ReasonPrompt.ask(table.getScene().getWindow(), profile, cancel ? "Cancel query" : "Terminate session", question).ifPresent(reason -> {
            int pid = row.pid();
            actionResult.setText(cancel ? "Cancelling…" : "Terminating…");
            work.run((cancel ? "Cancelling the query of session " : "Terminating session ") + pid,
                    c -> cancel ? activity.cancelQuery(pid, reason, c) : activity.terminateSession(pid, reason, c),
                    outcome -> {
                        actionResult.setText(outcome.message());
                        if (shown) read();
                    },
                    e -> actionResult.setText(Problems.describe(e)));
        });
    }

    // --- columns ---------------------------------------------------------------------------------------------

    private void bindColumns() {
        pidColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().pid()));
        text(userColumn, ActivityRow::user);
        text(applicationColumn, r -> r.own() ? r.application() + " (this console)" : r.application());
        text(stateColumn, r -> r.textHidden() ? "hidden" : r.state() != null ? r.state() : r.backendType());
        text(waitColumn, r -> "idle".equals(r.state()) ? "" : r.waitText());   // an idle session always waits for its client
        durationColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().runningSeconds()));
        durationColumn.setCellFactory(c -> new TableCell<>() {
            @Override protected void updateItem(Long seconds, boolean empty) {
                super.updateItem(seconds, empty);
                setText(empty || seconds == null ? null : Figures.duration(seconds));
            }
        });
        text(blockedByColumn, ActivitySection::pids);
        text(queryColumn, r -> r.textHidden() ? "hidden (pg_read_all_stats)" : r.queryFirstLine());
    }

    private static void text(TableColumn<ActivityRow, String> column, Function<ActivityRow, String> value) {
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
    }

    private static String pids(ActivityRow r) {
        return r.blockedBy().stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static boolean exceeds(Long seconds, int limit) {
        return seconds != null && seconds > limit;
    }

    /** For tests. */
    TableView<ActivityRow> table() { return table; }

    Activity.Snapshot snapshot() { return snapshot; }

    LoadPane loadPane() { return loadPane; }

    TextArea queryText() { return queryText; }
}
