package ai.cascade.ops.users;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.app.ViewId;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The users page in the real console on a real database: search as you type, paging on scroll, server-side sort. */
@ExtendWith(ApplicationExtension.class)
class UsersViewTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static ConnectionProfile profile;
    static UserFixture fixture;
    Console console;

    @BeforeAll
    static void servers() throws Exception {
        String url = TestServers.freshDatabaseUrl("users_view");
        fixture = UserFixture.generate(1_500, 11);
        fixture.writeTo(TestServers.admin(url));
        TestServers.freshRedis().close();
        profile = new ConnectionProfile("test", false, false, url, TestServers.redisUrl(), "", "");
    }

    @Start
    void start(Stage stage) {
        console = ConsoleHarness.start(stage, profile);
    }

    @AfterEach
    void stop() {
        console.closeConnections();
    }

    private UsersView openUsers() {
        ConsoleHarness.awaitSettled(console, BOUND);
        Fx.run(() -> console.shell().select(ViewId.USERS));
        UsersView view = Fx.read(() -> (UsersView) console.shell().view(ViewId.USERS));
        Fx.until(BOUND, "the first page", () -> view.rows().rows().size() == 200);
        return view;
    }

    @SuppressWarnings("unchecked")
    private static TableView<UserRow> table(UsersView v) { return Fx.read(v::table); }

    private static List<String> shownNames(UsersView v) {
        return Fx.read(() -> v.table().getItems().stream().map(UserRow::username).toList());
    }

    @Test
    void typingAUsernamePrefixShowsOnlyItsUsersOnceTypingPauses(FxRobot robot) {
        UsersView view = openUsers();
        robot.clickOn(".search-field").write("Fos");
        Fx.until(BOUND, "the Fos users", () -> view.table().getItems().size() == 4);
        assertThat(shownNames(view)).containsExactlyInAnyOrder("Foscari_Banker", "Foscari", "Fos%ter", "Fos_ter");
        assertThat(robot.lookup(".users-view .text-muted").queryAll().stream()
                .map(n -> n instanceof javafx.scene.control.Label l ? l.getText() : "").toList())
                .contains("Usernames starting with \"Fos\" (case-sensitive)");
        Fx.until(BOUND, "the count", () -> view.model().countProperty().get().equals("4 users"));
    }

    @Test
    void scrollingNearTheEndFetchesTheNextPageWithoutGapsOrRepeats() {
        UsersView view = openUsers();
        TableView<UserRow> table = table(view);
        for (int held = 200; held < fixture.users.size(); held += 200) {
            int last = held - 1;
            Fx.run(() -> table.scrollTo(last));
            int want = Math.min(held + 200, fixture.users.size());
            Fx.until(BOUND, want + " rows held", () -> table.getItems().size() == want);
        }
        List<Integer> ids = Fx.read(() -> table.getItems().stream().map(UserRow::id).toList());
        assertThat(ids).containsExactlyElementsOf(fixture.users.stream().map(UserFixture.User::id).toList());
    }

    @Test
    void sortingByAColumnAsksTheServerForThatOrder() {
        UsersView view = openUsers();
        TableView<UserRow> table = table(view);
        Fx.run(() -> {
            TableColumn<UserRow, ?> username = table.getColumns().get(1);
            username.setSortType(TableColumn.SortType.DESCENDING);
            table.getSortOrder().setAll(username);
        });
        List<String> want = SearchOracle.answer(fixture, "", UserSort.USERNAME, false).stream().limit(200).map(UserFixture.User::username).toList();
        Fx.until(BOUND, "rows in descending username order", () -> table.getItems().size() == 200 && table.getItems().get(0).username().equals(want.get(0)));
        assertThat(shownNames(view)).containsExactlyElementsOf(want);
    }

    @Test
    void theWindowKeepsAnsweringWhileSearchesRunAsYouType(FxRobot robot) {
        UsersView view = openUsers();
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            robot.clickOn(".search-field").write("Venier_", 5);
            Fx.until(BOUND, "the Venier users", () -> view.table().getItems().size() == 2);
            assertThat(watchdog.answers()).isPositive();
            assertThat(watchdog.worstDelayMs()).as("worst FX answer while searching").isLessThan(500);
        }
    }

    @Test
    void anotherPageOpeningAUserSearchesAndSelectsThem() {
        UsersView view = openUsers();
        Fx.run(() -> view.search("Foscari"));
        Fx.until(BOUND, "Foscari selected", () -> {
            UserRow r = view.table().getSelectionModel().getSelectedItem();
            return r != null && r.username().equals("Foscari");
        });
        assertThat(shownNames(view)).containsExactly("Foscari", "Foscari_Banker");
    }

    @Test
    void anEmailSearchShowsTheIndexThatWouldServeIt(FxRobot robot) {
        UsersView view = openUsers();
        robot.clickOn(".search-field").write("nobody@example.org");
        Fx.until(BOUND, "the index advice", () -> robot.lookup(".advice-bar").query().isVisible());
        String advice = Fx.read(() -> ((javafx.scene.control.TextArea) robot.lookup(".advice-text").query()).getText());
        assertThat(advice).isEqualTo("CREATE INDEX CONCURRENTLY idx_cascade_users_email_lower ON cascade_users (lower(email));");
        robot.clickOn(".search-field").eraseText("nobody@example.org".length()).write("Fos");
        Fx.until(BOUND, "the advice gone for a username prefix", () -> !robot.lookup(".advice-bar").query().isVisible());
    }
}
