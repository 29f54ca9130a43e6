package ai.cascade.ops.sessions;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.sessions.SessionFixtures.TestConnections;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static ai.cascade.ops.sessions.SessionFixtures.JTI;
import static ai.cascade.ops.sessions.SessionFixtures.sessionJson;
import static org.assertj.core.api.Assertions.assertThat;

/** The sessions page, headless, on a real Redis and Postgres: listing, revoking from the table, refreshing in place. */
@ExtendWith(ApplicationExtension.class)
class SessionsViewTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static String url;
    static Database db;
    static RedisConnection redis;
    static int foscari, contarini;
    static final long EXP = Instant.now().getEpochSecond() + 7200;

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    SessionsView view;
    final List<String> opened = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("sessions_view");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        foscari = SessionFixtures.user(url, "Foscari_Banker", "maestro");
        contarini = SessionFixtures.user(url, "Contarini_Doge", "observer");
        SessionFixtures.exec(url, "INSERT INTO collaboration_sessions(owner_id, participants, consciousness_metrics, created_at) VALUES ("
                + foscari + ", '[\"Foscari_Banker\", \"Contarini_Doge\"]', '{\"messages\": 4}', (now() AT TIME ZONE 'UTC') - interval '20 minutes')");
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @BeforeEach
    void sessions() {
        redis.run("fixture", c -> {
            c.flushall();
            c.setex("cascade:session:" + foscari, 3600, sessionJson(foscari, "Foscari_Banker", JTI, EXP));
            c.setex("cascade:session:" + contarini, 3600, sessionJson(contarini, "Contarini_Doge", "jti-contarini-000000001", EXP));
            return c.setex("cascade:session:555555", 3600, "not json at all");
        });
    }

    private void open(Database login) {
        open(login, redis);
    }

    private void open(Database login, RedisConnection redisLogin) {
        TestConnections connections = new TestConnections(login, redisLogin);
        Fx.run(() -> {
            view = new SessionsView(new LiveSessions(connections), new SessionRevoker(connections, "test-profile"),
                    new RedisSupportActions(connections, "test-profile"), new Collaborations(connections), window.work(4),
                    new TimeDisplay(ZoneId.of("UTC")), opened::add, new ConnectionProfile("test-profile", false, false, "", "", "", ""),
                    60, s -> { });
            window.put(view.root());
            view.refresh();
        });
        Fx.until(BOUND, "three sessions listed", () -> view.table().getItems().size() == 3);
    }

    private int indexOf(String key) {
        return Fx.read(() -> {
            List<SessionRow> items = view.table().getItems();
            for (int i = 0; i < items.size(); i++) if (items.get(i).key().equals(key)) return i;
            return -1;
        });
    }

    private boolean listed(String key) {
        return indexOf(key) >= 0;
    }

    @Test
    void selectingASessionAndRevokingItWithAReasonRemovesItAndBlacklistsItsToken(FxRobot robot) {
        open(db);
        String key = "cascade:session:" + foscari;
        Fx.until(BOUND, "Revoke offered", () -> view.root().lookup("#revokeButton").isVisible());
        int row = indexOf(key);
        Fx.run(() -> view.table().getSelectionModel().clearAndSelect(row));

        robot.clickOn("#revokeButton");
        robot.clickOn("#reason-field").write("stolen laptop");
        Button go = robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                .filter(b -> "Revoke".equals(b.getText())).findFirst().orElseThrow();
        robot.clickOn(go);

        Fx.until(BOUND, "the revoked session gone from the table", () -> !listed(key) && view.table().getItems().size() == 2);
        assertThat(redis.run("exists", c -> c.exists(key)).longValue()).isZero();
        String blacklisted = redis.run("get", c -> c.get("cascade:blacklist:" + JTI));
        assertThat(blacklisted).contains("stolen laptop");
        assertThat(SessionFixtures.count(url, "SELECT count(*) FROM ops.audit_log WHERE target = '" + key + "' AND reason = 'stolen laptop'"))
                .isEqualTo(1);
        Label result = robot.lookup(".action-result").queryAs(Label.class);
        assertThat(result.getText()).startsWith("Revoked: token \u2022\u2022\u2022\u20226b5a").doesNotContain(JTI);
    }

    @Test
    void aMonitoringRedisUserListsSessionsButRedisRefusesTheRevokeAndThePageSaysNothingChanged(FxRobot robot) {
        String key = "cascade:session:" + contarini;
        try (RedisConnection monitoring = SessionFixtures.redisAs(redis, "monitoring", "view_test_monitoring")) {
            open(db, monitoring);
            Fx.until(BOUND, "Revoke offered (the Postgres login may audit)", () -> view.root().lookup("#actionBar").isVisible());
            int row = indexOf(key);
            Fx.run(() -> view.table().getSelectionModel().clearAndSelect(row));

            robot.clickOn("#revokeButton");
            robot.clickOn("#reason-field").write("suspicious activity");
            robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                    .filter(b -> "Revoke".equals(b.getText())).findFirst().orElseThrow());

            Fx.until(BOUND, "Redis' refusal shown", () -> {
                String shown = ((Label) view.root().lookup(".action-result")).getText();
                return shown != null && shown.contains("NOPERM") && shown.contains("Nothing was changed in Redis");
            });
        } finally {
            SessionFixtures.dropRedisUser(redis, "view_test_monitoring");
        }
        String value = redis.run("get", c -> c.get(key));
        assertThat(value).contains("jti-contarini");
    }

    @Test
    void malformedValuesAndTheirReasonsAreListed() {
        open(db);
        SessionRow broken = Fx.read(() -> view.table().getItems().get(indexOf("cascade:session:555555")));
        assertThat(broken.problemText()).contains("not JSON").contains("No user 555555");
        assertThat(broken.hasTokenId()).isFalse();
    }

    @Test
    void aRefreshKeepsTheSelectionAndHighlightsWhatChanged() {
        open(db);
        String mine = "cascade:session:" + contarini;
        String theirs = "cascade:session:" + foscari;
        Fx.run(() -> view.table().getSelectionModel().clearAndSelect(indexOf(mine)));
        redis.run("fixture", c -> c.setex(theirs, 3600, sessionJson(foscari, "Foscari_Banker", "a-new-login-0000000009", EXP)));
        redis.run("fixture", c -> c.setex("cascade:session:" + 4242, 3600, sessionJson(4242, "Someone_New", "jti-new-000000000001", EXP)));

        Instant before = Fx.read(() -> view.model().readAt());
        Fx.run(view::reload);
        Fx.until(BOUND, "the refreshed list", () -> !before.equals(view.model().readAt()) && view.table().getItems().size() == 4);

        assertThat(Fx.read(() -> view.table().getSelectionModel().getSelectedItem().key())).isEqualTo(mine);
        assertThat(Fx.read(() -> view.model().isChanged(theirs))).isTrue();
        assertThat(Fx.read(() -> view.model().isChanged("cascade:session:4242"))).isTrue();
        assertThat(Fx.read(() -> view.model().isChanged(mine))).isFalse();
        assertThat(Fx.read(() -> view.model().counts().getData().size())).isEqualTo(2);
    }

    @Test
    void filteringByUserOrIpNarrowsTheList(FxRobot robot) {
        open(db);
        robot.clickOn(".sessions-filter").write("contarini");
        Fx.until(BOUND, "only Contarini", () -> view.table().getItems().size() == 1
                && view.table().getItems().get(0).username().equals("Contarini_Doge"));
    }

    @Test
    void aMonitoringLoginIsNotOfferedRevokeAndIsToldWhy() {
        try (Database monitor = SessionFixtures.login(url, "view_monitor", "cascade_ops_monitoring")) {
            open(monitor);
            Fx.until(BOUND, "the notice", () -> ((Label) view.root().lookup(".text-muted")) != null
                    && view.root().lookupAll(".label").stream().anyMatch(n -> n instanceof Label l && l.getText() != null
                    && l.getText().contains("monitoring login")));
            assertThat(Fx.read(() -> view.root().lookup("#actionBar").isVisible())).isFalse();
        }
    }

    @Test
    void doubleClickingAParticipantOpensThatUser(FxRobot robot) {
        open(db);
        robot.clickOn("Collaboration sessions");
        Fx.until(BOUND, "the live collaboration", () -> !view.collaborationPane().isBusy() && view.liveTable().getItems().size() == 1);
        Fx.run(() -> view.liveTable().getSelectionModel().select(0));
        Fx.until(BOUND, "the participants listed", () -> view.root().lookupAll(".list-cell").stream()
                .anyMatch(n -> n instanceof ListCell<?> c && "Contarini_Doge".equals(c.getText())));
        Node cell = robot.lookup(".list-cell").match((Node n) -> n instanceof ListCell<?> c && "Contarini_Doge".equals(c.getText())).query();
        robot.doubleClickOn(cell);
        Fx.until(BOUND, "the user opened", () -> opened.contains("Contarini_Doge"));
    }

    @Test
    void theWindowKeepsAnsweringWhileManySessionsRefresh() {
        redis.run("fixture", c -> {
            for (int i = 0; i < 20_000; i++) c.setex("cascade:session:" + (100_000 + i), 3600, sessionJson(100_000 + i, "User_" + i, "jti-" + i + "-000000000", EXP));
            return null;
        });
        TestConnections connections = new TestConnections(db, redis);
        Fx.run(() -> {
            view = new SessionsView(new LiveSessions(connections), new SessionRevoker(connections, "p"), new RedisSupportActions(connections, "p"),
                    new Collaborations(connections), window.work(4), new TimeDisplay(ZoneId.of("UTC")), opened::add,
                    new ConnectionProfile("p", false, false, "", "", "", ""), 60, s -> { });
            window.put(view.root());
        });
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            Fx.run(view::refresh);
            Fx.until(BOUND, "20,003 sessions", () -> view.table().getItems().size() == 20_003);
            for (int i = 0; i < 2; i++) {
                Instant before = Fx.read(() -> view.model().readAt());
                Fx.run(() -> view.table().scrollTo(10_000));
                Fx.run(view::reload);
                Fx.until(BOUND, "a refresh", () -> !before.equals(view.model().readAt()) && !view.model().refreshingProperty().get());
            }
            assertThat(watchdog.answers()).isPositive();
            assertThat(watchdog.worstDelayMs()).as("worst FX answer while refreshing").isLessThan(500);
        }
    }
}
