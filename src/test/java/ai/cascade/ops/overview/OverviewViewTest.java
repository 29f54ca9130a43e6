package ai.cascade.ops.overview;

import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.billing.Money;
import ai.cascade.ops.billing.RevenueSummary;
import ai.cascade.ops.cache.CacheChecks;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overview, headless, on a real Postgres and Redis: a real long-running query shows as the red check at the top
 * and "Open" leads to it; a check turning red while another page is shown raises one notification.
 */
@ExtendWith(ApplicationExtension.class)
class OverviewViewTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    static String url;
    static Database db;
    static RedisConnection redis;
    static Connections connections;
    static String policyBefore;

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    HealthWatch watch;
    final List<Check> opened = new CopyOnWriteArrayList<>();
    final ExecutorService sleeper = Executors.newSingleThreadExecutor();
    volatile Statement longQuery;

    record TestConnections(Database database, RedisConnection redis) implements Connections {}

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("overview_view");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        connections = new TestConnections(db, redis);
        policyBefore = redis.run("policy", c -> c.configGet("maxmemory-policy").get("maxmemory-policy"));
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO cascade_users(venice_username, subscription_tier) VALUES ('Foscari_Banker', 'maestro')");
            st.execute("INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status) "
                    + "SELECT id, 'sub_1', 'maestro', 2900, 'past_due' FROM cascade_users");
        }
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @BeforeEach
    void cleanRedis() {
        redis.run("fixture", c -> {
            c.flushall();
            c.setex("cascade:session:1", 3600, "{}");
            return c.setex("cascade:session:2", 3600, "{}");
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (watch != null) watch.close();
        Statement q = longQuery;
        if (q != null) q.cancel();
        sleeper.shutdownNow();
        redis.run("restore", c -> {
            c.configSet("maxmemory", "0");
            return c.configSet("maxmemory-policy", policyBefore);
        });
    }

    /** pghero's defaults, but a query over one second is long-running. */
    private static CheckThresholds longRunningAfterOneSecond() {
        CheckThresholds d = CheckThresholds.defaults();
        return new CheckThresholds(d.connectionsWarnPercent(), d.connectionsCriticalPercent(), 1, d.idleInTransactionSeconds(),
                d.blockedCriticalSeconds(), d.cacheHitRatePercent(), d.xidWarnRemaining(), d.xidCriticalRemaining(),
                d.replicationLagWarnSeconds(), d.replicationLagCriticalSeconds(), d.unusedIndexMaxScans(), d.missingIndexMinRows(),
                d.missingIndexUsePercent(), d.bloatMinBytes(), d.deadTuplePercent(), d.deadTupleMinRows(), d.sequenceDangerPercent(),
                d.redisMemoryWarnPercent(), d.redisMemoryCriticalPercent(), d.redisHitRateWarnPercent(), d.slowAnswerMillis());
    }

    private HealthWatch startWatch(Duration period) {
        watch = new HealthWatch(new HealthChecks(connections, longRunningAfterOneSecond()), period);
        return watch;
    }

    private OverviewView overview() {
        return Fx.read(() -> new OverviewView(watch, new OverviewFigures(connections),
                new RevenueSummary(connections, List.of(new Tier("maestro", "price_maestro", "month", "eur", 2900))),
                window.work(4), new TimeDisplay(ZoneId.of("UTC")), opened::add));
    }

    /** A query that runs until the test ends, on a connection of its own. */
    private void startLongQuery() {
        sleeper.execute(() -> {
            try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
                longQuery = st;
                st.execute("SELECT pg_sleep(120)");
            } catch (SQLException cancelledAtTheEnd) {
                // expected: the test cancels it
            }
        });
    }

    private static void makeRedisMemoryFull() {
        long used = Long.parseLong(CacheChecks.parseInfo(redis.run("info", c -> c.info("memory"))).get("used_memory"));
        redis.run("limit", c -> {
            c.configSet("maxmemory-policy", "noeviction");
            return c.configSet("maxmemory", String.valueOf(used));
        });
    }

    @Test
    void aLongRunningQueryIsTheRedCheckAtTheTopAndOpenLeadsToIt(FxRobot robot) throws InterruptedException {
        startLongQuery();
        startWatch(Duration.ofMillis(500)).start();
        OverviewView view = overview();
        Fx.run(() -> {
            window.put(view.root());
            view.refresh();
        });

        Fx.until(BOUND, "the long-running query shown as critical", () -> view.checkList().shown().stream()
                .anyMatch(c -> c.id().equals("postgres.long_running") && c.verdict() == Verdict.CRITICAL));

        List<Check> shown = Fx.read(() -> view.checkList().shown());
        assertThat(shown.get(0).verdict().isAlarm()).as("the worst check is first: %s", shown.get(0)).isTrue();
        assertThat(shown).extracting(Check::verdict).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(shown).extracting(Check::backend).contains(ai.cascade.ops.backend.Backend.REDIS, ai.cascade.ops.backend.Backend.POSTGRES,
                ai.cascade.ops.backend.Backend.VENICE, ai.cascade.ops.backend.Backend.STRIPE);
        assertThat(Fx.read(view::summaryText)).matches("(\\d+ unreachable, )?\\d+ critical.* — checked .*");
        Fx.until(BOUND, "the business pulse loaded", () -> texts(view.root()).contains("Live login sessions")
                && texts(view.root()).contains("Past due"));
        assertThat(Fx.read(() -> texts(view.root()))).contains("2")
                .contains(Money.format(java.math.BigDecimal.valueOf(2900), "eur", java.util.Locale.getDefault()));

        watch.close();   // the rows stay as they are while the robot clicks
        assertThat(watch.awaitStopped(BOUND)).isTrue();
        Hyperlink open = Fx.read(() -> openLinkOf(view, "postgres.long_running"));
        robot.clickOn(open);
        Fx.until(BOUND, "the open handler called", () -> !opened.isEmpty());
        assertThat(opened).extracting(Check::id).containsExactly("postgres.long_running");
    }

    @Test
    void aCheckTurningRedWhileAnotherPageIsShownRaisesOneNotification() {
        startWatch(Duration.ofMillis(300));
        OverviewView view = overview();
        window.put(new Label("Another page"));
        Fx.run(view::root);   // built and listening, never shown: the stage shows "Another page"
        AlarmNotifier notifier = new AlarmNotifier(window::stage, opened::add, false);
        List<String> notified = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        watch.addListener(r -> {
            runs.incrementAndGet();
            r.newlyAlarming().forEach(c -> notified.add(c.id()));
            notifier.notify(r.newlyAlarming());
        });
        watch.start();
        Fx.until(BOUND, "a first run with Redis' memory fine", () -> watch.latest().map(r -> r.checks().stream()
                .anyMatch(c -> c.id().equals("redis.memory") && c.verdict() == Verdict.OK)).orElse(false));

        makeRedisMemoryFull();
        Fx.until(BOUND, "a notification for Redis' memory", () -> notified.contains("redis.memory"));
        int after = runs.get();
        Fx.until(BOUND, "three more runs", () -> runs.get() >= after + 3);

        assertThat(notified.stream().filter("redis.memory"::equals).count()).as("once, though it stayed red").isEqualTo(1);
        assertThat(watch.latest().orElseThrow().checks()).anyMatch(c -> c.id().equals("redis.memory") && c.verdict() == Verdict.CRITICAL);
        Fx.until(BOUND, "the notification shown over the window", () -> notificationTexts().contains("Redis: Memory vs maxmemory"));
        assertThat(Fx.read(notifier::shownCount)).isEqualTo(notified.size());
        assertThat(Fx.read(() -> ((Label) ((StackPane) window.scene().getRoot()).getChildren().get(0)).getText())).isEqualTo("Another page");
    }

    private static Hyperlink openLinkOf(OverviewView view, String id) {
        for (Node row : view.checkList().getChildren())
            if (row.getUserData() instanceof Check c && c.id().equals(id))
                return (Hyperlink) row.lookup(".check-open");
        throw new AssertionError("no row for " + id);
    }

    /** Every label's text in the notification pop-ups now open. */
    private static List<String> notificationTexts() {
        List<String> out = new ArrayList<>();
        for (Window w : Window.getWindows())
            if (w instanceof javafx.stage.Popup && w.getScene() != null) out.addAll(texts(w.getScene().getRoot()));
        return out;
    }

    private static List<String> texts(Node node) {
        List<String> out = new ArrayList<>();
        if (node instanceof javafx.scene.control.Labeled l && l.getText() != null) out.add(l.getText());
        if (node instanceof Parent p) for (Node child : p.getChildrenUnmodifiable()) out.addAll(texts(child));
        return out;
    }
}
