package ai.cascade.ops.database;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.database.ActivityTest.Sleeper;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static ai.cascade.ops.database.ActivityTest.only;
import static org.assertj.core.api.Assertions.assertThat;

/** The Activity tab, headless, on a real Postgres: a real sleeping query listed, selected and cancelled from the table. */
@ExtendWith(ApplicationExtension.class)
class ActivitySectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static String url;
    static Database support, monitoring, plain;

    Stage stage;
    BackgroundWork work;
    ActivitySection section;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("activity_section");
        ActivityTest.exec(url, "DROP ROLE IF EXISTS actv_app", "CREATE ROLE actv_app LOGIN");
        support = ActivityTest.login(url, "actv_support", "IN ROLE cascade_ops_support");
        monitoring = ActivityTest.login(url, "actv_monitor", "IN ROLE cascade_ops_monitoring");
        plain = ActivityTest.login(url, "actv_plain", "");
    }

    @AfterAll
    static void tearDown() {
        for (Database db : List.of(support, monitoring, plain)) db.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Fx.showEmpty(stage, 1400, 900);
    }

    @AfterEach
    void stop() throws Exception {
        if (section != null) Fx.run(section::hidden);
        if (work != null) work.close();
        for (AutoCloseable c : opened) c.close();
        opened.clear();
    }

    private void open(Database login) {
        Fx.run(() -> {
            work = new BackgroundWork(4);
            section = new ActivitySection(new Activity(only(login), "test-profile"), work, new TimeDisplay(ZoneId.of("UTC")),
                    new ConnectionProfile("test-profile", false, false, "", "", "", ""));
            stage.getScene().setRoot(new StackPane(section.root()));
            section.refresh();
        });
        Fx.until(BOUND, "the first read", () -> section.snapshot() != null);
    }

    private Sleeper sleep(String sql) {
        Sleeper s = Sleeper.start(url, "actv_app", sql);
        opened.add(s);
        return s;
    }

    private boolean listed(int pid) {
        return Fx.read(() -> section.table().getItems().stream().anyMatch(r -> r.pid() == pid && r.active()));
    }

    private void select(int pid) {
        Fx.run(() -> section.table().getItems().stream().filter(r -> r.pid() == pid).findFirst()
                .ifPresent(r -> section.table().getSelectionModel().select(r)));
    }

    private Integer selectedPid() {
        return Fx.read(() -> {
            ActivityRow r = section.table().getSelectionModel().getSelectedItem();
            return r == null ? null : r.pid();
        });
    }

    /** The other connection's statement reaches the server a moment after it is sent: read again until it shows. */
    private void refreshUntil(String what, java.util.function.BooleanSupplier shown) {
        long end = System.nanoTime() + BOUND.toNanos();
        while (!shown.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("waited " + BOUND.toSeconds() + " s for: " + what);
            refreshAndWait();
        }
    }

    private void refreshAndWait() {
        Instant before = Fx.read(() -> section.snapshot().readAt());
        Fx.run(section::refresh);
        Fx.until(BOUND, "a newer read", () -> section.snapshot().readAt().isAfter(before));
    }

    @Test
    void theSleepingQueryIsListedAndCancellingItFromTheTableStopsItOnTheServer(FxRobot robot) {
        Sleeper sleeper = sleep("SELECT pg_sleep(60) /* nightly export */");
        open(support);
        Fx.until(BOUND, "Cancel offered", () -> section.root().lookup("#actionBar").isVisible());
        refreshUntil("the sleeping query listed", () -> listed(sleeper.pid()));
        select(sleeper.pid());
        Fx.until(BOUND, "the whole query shown", () -> section.queryText().getText().contains("nightly export"));

        robot.clickOn("#cancelButton");
        robot.clickOn("#reason-field").write("blocks the nightly export");
        robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                .filter(b -> "Cancel query".equals(b.getText())).findFirst().orElseThrow());

        assertThat(sleeper.awaitFailure()).isEqualTo("57014");
        Fx.until(BOUND, "the outcome shown", () -> ((Label) section.root().lookup(".action-result")).getText()
                .startsWith("Cancelled the query of session " + sleeper.pid()));
        assertThat(ActivityTest.count(url, "SELECT count(*) FROM ops.audit_log WHERE action = 'postgres.cancel_query' "
                + "AND reason = 'blocks the nightly export' AND target LIKE 'pid " + sleeper.pid() + " %'")).isEqualTo(1);
    }

    @Test
    void aRefreshKeepsTheSelectedSessionAndBlockedSessionsStandOut() throws SQLException {
        Connection holder = Sleeper.connect(url, "actv_app");
        opened.add(holder);
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(7)");
        }
        Sleeper waiter = sleep("SELECT pg_advisory_xact_lock(7)");
        open(support);
        refreshUntil("the waiter listed as blocked",
                () -> Fx.read(() -> section.table().getItems().stream().anyMatch(r -> r.pid() == waiter.pid() && r.blocked())));
        select(waiter.pid());

        refreshAndWait();
        refreshAndWait();

        assertThat(selectedPid()).isEqualTo(waiter.pid());
        assertThat(Fx.read(() -> section.snapshot().summary())).contains("1 waiting on locks");
        PseudoClass blocked = PseudoClass.getPseudoClass("blocked");
        Fx.until(BOUND, "the blocked row highlighted", () -> section.table().lookupAll(".table-row-cell").stream()
                .anyMatch(n -> n instanceof TableRow<?> row && row.getItem() instanceof ActivityRow r && r.pid() == waiter.pid()
                        && n.getPseudoClassStates().contains(blocked)));
    }

    @Test
    void aMonitoringLoginIsNotOfferedCancelAndIsToldWhy() {
        open(monitoring);
        Fx.until(BOUND, "the notice", () -> section.root().lookupAll(".label").stream()
                .anyMatch(n -> n instanceof Label l && l.isVisible() && l.getText() != null && l.getText().contains("pg_signal_backend")));
        assertThat(Fx.read(() -> section.root().lookup("#actionBar").isVisible())).isFalse();
    }

    @Test
    void aLoginWithoutReadAllStatsIsToldThatOtherUsersQueryTextsAreHidden() {
        sleep("SELECT pg_sleep(60)");
        open(plain);
        Fx.until(BOUND, "the note", () -> {
            Node note = section.root().lookup(".activity-privilege-note");
            return note.isVisible() && ((Label) note).getText()
                    .equals("Query texts of other users are hidden: this login lacks pg_read_all_stats (grant pg_monitor)");
        });
    }

    @Test
    void theWindowKeepsAnsweringWhileAReadWaitsOnTheServer() throws SQLException {
        open(support);
        // pg_stat_activity joins pg_database: while another transaction locks it, a read waits on the server.
        try (Connection locker = TestServers.admin(url).getConnection()) {
            locker.setAutoCommit(false);
            Instant before = Fx.read(() -> section.snapshot().readAt());
            try (Statement st = locker.createStatement(); FxWatchdog watchdog = FxWatchdog.start()) {
                st.execute("LOCK TABLE pg_database IN ACCESS EXCLUSIVE MODE");
                Fx.run(section::refresh);
                long end = System.nanoTime() + BOUND.toNanos();
                while (waitersOnPgDatabase(st) == 0) {
                    if (System.nanoTime() > end) throw new AssertionError("the read never waited on the lock");
                    Thread.onSpinWait();
                }
                // Held for 4 s: an FX thread waiting on the read would answer nothing for all of them.
                long held = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                while (System.nanoTime() < held) {
                    Fx.run(() -> section.table().getSelectionModel().selectFirst());
                    sleepQuietly(100);
                }
                assertThat(Fx.read(() -> section.snapshot().readAt())).isEqualTo(before);   // the read is still waiting
                locker.rollback();
                Fx.until(BOUND, "the read answered once the lock was gone", () -> section.snapshot().readAt().isAfter(before));
                assertThat(watchdog.answers()).isPositive();
                // Generous: this machine is shared, and only a thread stuck on the server would come near the 4 s held.
                assertThat(watchdog.worstDelayMs()).as("worst FX answer while a read waited").isLessThan(2000);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long waitersOnPgDatabase(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE relation = 'pg_database'::regclass AND NOT granted")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
