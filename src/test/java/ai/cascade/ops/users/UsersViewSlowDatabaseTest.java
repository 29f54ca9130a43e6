package ai.cascade.ops.users;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.app.ViewId;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
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
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Searching while Postgres holds the users table locked (a real wait on the server, not a fake): the window
 * keeps answering, and a new search cancels the old one's queries on the server instead of piling them up.
 */
@ExtendWith(ApplicationExtension.class)
class UsersViewSlowDatabaseTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static DataSource admin;
    static ConnectionProfile profile;
    Console console;

    @BeforeAll
    static void servers() throws Exception {
        String url = TestServers.freshDatabaseUrl("users_slow");
        admin = TestServers.admin(url);
        UserFixture.generate(600, 3).writeTo(admin);
        profile = new ConnectionProfile("slow", false, false, url, TestServers.redisUrl(), "", "");
    }

    @Start
    void start(Stage stage) {
        console = ConsoleHarness.start(stage, profile);
    }

    @AfterEach
    void stop() {
        console.closeConnections();
    }

    @Test
    void aNewSearchCancelsTheQueriesOfTheLastOneThatWereStillWaiting(FxRobot robot) throws Exception {
        ConsoleHarness.awaitSettled(console, BOUND);
        Fx.run(() -> console.shell().select(ViewId.USERS));
        UsersView view = Fx.read(() -> (UsersView) console.shell().view(ViewId.USERS));
        Fx.until(BOUND, "the first page", () -> !view.rows().rows().isEmpty());
        try (Connection lock = admin.getConnection(); Statement st = lock.createStatement(); FxWatchdog watchdog = FxWatchdog.start()) {
            lock.setAutoCommit(false);
            st.execute("LOCK TABLE cascade_users IN ACCESS EXCLUSIVE MODE");

            robot.clickOn(".search-field").write("Fos");
            Set<String> first = awaitWaiters(Set.of());
            robot.write("cari");
            Set<String> second = awaitWaiters(first);

            assertThat(second).as("the new search's queries wait").isNotEmpty();
            // Sooner than their own time limits (5 s count, 10 s page): gone because they were cancelled, not timed out.
            Fx.until(Duration.ofSeconds(4), "the first search's queries cancelled on the server", () -> waiting().stream().noneMatch(first::contains));
            assertThat(waiting()).as("the new search's queries still wait").containsAll(second);
            assertThat(watchdog.answers()).isPositive();
            assertThat(watchdog.worstDelayMs()).as("worst FX answer while queries wait on the server").isLessThan(500);
            lock.rollback();
        }
        Fx.until(BOUND, "the Foscari users once the lock is gone", () -> view.table().getItems().size() == 2);
    }

    /** Waits until the app has queries waiting on the lock other than {@code before}, and returns them. */
    private static Set<String> awaitWaiters(Set<String> before) throws Exception {
        @SuppressWarnings("unchecked")
        Set<String>[] found = new Set[1];
        Fx.until(BOUND, "queries waiting on the lock", () -> {
            Set<String> now = waiting();
            now.removeAll(before);
            found[0] = now;
            return !now.isEmpty();
        });
        return found[0];
    }

    private static Set<String> waiting() throws SQLException {
        Set<String> queries = new HashSet<>();
        try (Connection c = admin.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pid || '@' || query_start FROM pg_stat_activity WHERE application_name = 'CASCADE Ops' "
                     + "AND wait_event_type = 'Lock' AND query LIKE '%FROM cascade_users%'")) {
            // a query is its connection (pid, pooled and reused) and its start
            while (rs.next()) queries.add(rs.getString(1));
        }
        return queries;
    }
}
