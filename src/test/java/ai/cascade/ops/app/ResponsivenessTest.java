package ai.cascade.ops.app;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.LoadPane;
import javafx.scene.control.Button;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The FX thread keeps answering while a view's query is held up for real on the server. */
@ExtendWith(ApplicationExtension.class)
class ResponsivenessTest {
    static String url;
    static DataSource admin;
    Console console;

    @BeforeAll
    static void servers() throws SQLException {
        url = TestServers.freshDatabaseUrl("responsive");
        admin = TestServers.admin(url);
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO cascade_users(venice_username) SELECT 'citizen_' || g FROM generate_series(1, 500) g");
        }
    }

    @Start
    void start(Stage stage) {
        console = ConsoleHarness.start(stage, new ConnectionProfile("slow", false, false, url, TestServers.redisUrl(), "", ""));
    }

    @AfterEach
    void stop() {
        console.closeConnections();
    }

    @Test
    void theFxThreadAnswersWithinOneSecondWhileAViewsQueryTakesThreeSeconds(FxRobot robot) throws Exception {
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        CountDownLatch locked = new CountDownLatch(1);
        // A real 3 s hold-up on the server: the overview's query on cascade_users waits behind this lock.
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("LOCK TABLE cascade_users IN ACCESS EXCLUSIVE MODE");
                locked.countDown();
                st.execute("SELECT pg_sleep(3)");
                c.commit();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            robot.press(KeyCode.F5).release(KeyCode.F5);
            Fx.until(Duration.ofSeconds(5), "the users part loading", () -> usersPane().isBusy());
            assertThat(waitingOnLock()).as("the view's query is waiting on the server").isTrue();
            // While it waits, navigation and everything else keep working.
            robot.press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
            Fx.until(Duration.ofSeconds(2), "the users page shown", () -> console.shell().currentView() == ViewId.USERS);
            robot.press(KeyCode.CONTROL, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.CONTROL);
            holder.get(20, TimeUnit.SECONDS);
            ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
            assertThat(watchdog.answers()).as("FX round trips answered").isGreaterThan(20);
            assertThat(watchdog.worstDelayMs()).as("worst FX round trip (ms)").isLessThan(1000);
        }
        assertThat(Fx.read(() -> usersPane().problemProperty().get())).isNull();
    }

    @Test
    void cancellingALoadStopsTheQueryOnTheServer(FxRobot robot) throws Exception {
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("LOCK TABLE cascade_users IN ACCESS EXCLUSIVE MODE");
            robot.press(KeyCode.F5).release(KeyCode.F5);
            Fx.until(Duration.ofSeconds(5), "the users part loading", () -> usersPane().isBusy());
            assertThat(waitingOnLock()).isTrue();
            Button cancel = Fx.read(() -> (Button) usersPane().lookupAll(".button").stream()
                    .filter(n -> n instanceof Button b && "Cancel".equals(b.getText()) && b.isVisible() && b.getParent().isVisible())
                    .findFirst().orElseThrow());
            robot.clickOn(cancel);
            Fx.until(Duration.ofSeconds(5), "the pane says it was cancelled",
                    () -> String.valueOf(usersPane().problemProperty().get()).contains("Cancelled"));
            assertThat(waitingOnLockWithin(Duration.ofSeconds(5))).as("query still on the server after cancel").isFalse();
            c.rollback();
        }
    }

    private LoadPane usersPane() {
        return (LoadPane) console.shell().content().lookup("#usersPane");
    }

    /** True when the app's count over cascade_users is waiting for the lock on the server. */
    private static boolean waitingOnLock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) if (lockWaiters() > 0) return true;
        return false;
    }

    private static boolean waitingOnLockWithin(Duration d) throws Exception {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) if (lockWaiters() == 0) return false;
        return true;
    }

    private static int lockWaiters() throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'CASCADE Ops' "
                     + "AND wait_event_type = 'Lock' AND query LIKE '%FROM cascade_users%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
