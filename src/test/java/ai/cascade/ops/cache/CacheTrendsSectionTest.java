package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.DatabaseTrends;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;
import redis.embedded.RedisServer;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache page's "Over time" tab, headless, sampling a real Redis and a real Postgres every second. */
@ExtendWith(ApplicationExtension.class)
class CacheTrendsSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static Database db;
    static RedisConnection redis;

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    CacheTrends trends;
    DatabaseTrends databaseTrends;
    CacheTrendsSection section;
    Thread traffic;
    final AtomicBoolean stopTraffic = new AtomicBoolean();

    @BeforeAll
    static void setUp() {
        db = TestServers.freshDatabase("cache_trends_view");
        redis = TestServers.freshRedis();
        redis.run("fixture", c -> {
            for (int i = 0; i < 100; i++) c.setex("cascade:patterns:" + i, 600, "{}");
            return null;
        });
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @AfterEach
    void stop() throws InterruptedException {
        stopTraffic.set(true);
        if (traffic != null) traffic.join(10_000);
    }

    private void open(RedisConnection server) {
        trends = window.closeAfter(new CacheTrends(new RedisKeyspace(server)));
        databaseTrends = window.closeAfter(new DatabaseTrends(new Connections() {
            @Override public Database database() { return db; }
            @Override public RedisConnection redis() { return server; }
        }));
        Fx.run(() -> {
            section = new CacheTrendsSection(trends, databaseTrends, new TimeDisplay(ZoneId.of("UTC")), CheckThresholds.defaults());
            window.put(section.root());
            section.refresh();
            section.bar().intervalChoice().setValue(1);
        });
        databaseTrends.setIntervalSeconds(1);
    }

    /** The application: GETs, three hits to one miss, on a client of its own, until the test ends. */
    private void applicationTraffic(String url) {
        traffic = new Thread(() -> {
            RedisClient client = RedisClient.create(RedisURI.create(url));
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                for (int i = 0; !stopTraffic.get(); i++) {
                    c.sync().get(i % 4 == 3 ? "cascade:patterns:absent" : "cascade:patterns:" + (i % 100));
                    if (i % 50 == 0) Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the server was stopped under it: the application's trouble, not the test's
            } finally {
                client.shutdown();
            }
        }, "application-traffic");
        traffic.setDaemon(true);
        traffic.start();
    }

    private String text(String id) {
        return Fx.read(() -> ((Label) window.scene().lookup(id)).getText());
    }

    @Test
    void theChartsFollowRealTrafficWithTheApplicationsHitRateAndThePostgresLine() {
        applicationTraffic(TestServers.redisUrl());
        open(redis);

        Fx.until(BOUND, "hit rates and Postgres points charted",
                () -> section.hitRatePoints() >= 2 && section.memoryPoints() >= 3 && section.bufferCachePoints() >= 1);
        assertThat(text("#cache-trends-hits")).startsWith("Keyspace hit rate (application): ").contains("hit").contains("miss");
        // three hits to one miss: any run of the application's GETs holds three times as many hits as misses, give or take 3
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d[\\d,.]*) hits?, (\\d[\\d,.]*) miss").matcher(text("#cache-trends-hits"));
        assertThat(m.find()).isTrue();
        long hits = Long.parseLong(m.group(1).replaceAll("[,.]", "")), misses = Long.parseLong(m.group(2).replaceAll("[,.]", ""));
        assertThat(Math.abs(hits - 3 * misses)).as(hits + " hits, " + misses + " misses").isLessThanOrEqualTo(3);
        assertThat(text("#cache-trends-server")).isEqualTo("Redis: one server");
        long max = Long.parseLong(redis.run("maxmemory", c -> c.configGet("maxmemory").get("maxmemory")));
        assertThat(text("#cache-trends-memory")).contains(max == 0 ? "no limit (maxmemory 0" : " of " + ai.cascade.ops.ui.Figures.bytes(max) + " maxmemory");
        assertThat(text("#cache-trends-traffic")).contains("commands/s");
        assertThat(text("#cache-trends-database")).startsWith("Postgres buffer cache hit rate");
        for (String chart : List.of("#cache-trends-hit-chart", "#cache-trends-ops-chart", "#cache-trends-memory-chart",
                "#cache-trends-churn-chart", "#cache-trends-clients-chart", "#cache-trends-buffer-chart")) {
            LineChart<?, ?> c = Fx.read(() -> (LineChart<?, ?>) window.scene().lookup(chart));
            assertThat(c).as(chart).isNotNull();
            assertThat(c.getAnimated()).as(chart + " animated").isFalse();
        }
    }

    @Test
    void pauseStopsNewPointsAndResumeStartsThemAgain(FxRobot robot) throws Exception {
        open(redis);
        Fx.until(BOUND, "two samples charted", () -> section.memoryPoints() >= 2);

        robot.clickOn("#cache-trends-pause");
        WaitForAsyncUtils.waitForFxEvents();
        int paused = Fx.read(section::memoryPoints);
        assertThat(trends.isPaused()).isTrue();
        assertThat(Fx.read(() -> section.bar().pauseButton().getText())).isEqualTo("Resume");
        Thread.sleep(3_500);   // three intervals of 1 s
        assertThat(Fx.read(section::memoryPoints)).as("points charted while paused").isEqualTo(paused);

        robot.clickOn("#cache-trends-pause");
        Fx.until(BOUND, "a new point after resuming", () -> section.memoryPoints() > paused);
    }

    @Test
    void nothingIsDrawnWhileHiddenAndShowingAgainCatchesUp() throws Exception {
        open(redis);
        Fx.until(BOUND, "a sample charted", () -> section.memoryPoints() >= 1);
        Fx.run(section::hidden);
        int hidden = Fx.read(section::memoryPoints);
        int kept = trends.history().size();
        Thread.sleep(2_500);
        assertThat(Fx.read(section::memoryPoints)).as("drawn while hidden").isEqualTo(hidden);
        assertThat(trends.history().size()).as("sampling carried on").isGreaterThan(kept);

        Fx.run(section::refresh);
        assertThat(Fx.read(section::memoryPoints)).isGreaterThan(hidden);
    }

    @Test
    void aRedisStoppedMidwayShowsAGapWithItsReasonAndTheViewStaysResponsive(FxRobot robot) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
        server.start();
        try (RedisConnection own = new RedisConnection(RedisAddress.parse("redis://127.0.0.1:" + port))) {
            open(own);
            Fx.until(BOUND, "samples charted", () -> section.memoryPoints() >= 2);

            server.stop();
            Fx.until(BOUND, "the gap explained", () -> section.note().isVisible());
            assertThat(Fx.read(() -> section.note().getText())).contains("no sample").containsPattern("unreachable|disconnected|did not answer|Connection reset")
                    .contains("Sampling carries on");
            int during = Fx.read(section::memoryPoints);

            // responsive while samples fail: the FX thread answers and the controls work
            robot.clickOn("#cache-trends-pause");
            assertThat(trends.isPaused()).isTrue();
            robot.clickOn("#cache-trends-pause");
            assertThat(Fx.read(section::memoryPoints)).isEqualTo(during);

            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
            server.start();
            Fx.until(BOUND, "points after the gap", () -> section.memoryPoints() > during);
            Fx.until(BOUND, "the note says it answers again", () -> section.note().getText().contains("Answering again since"));
        } finally {
            server.stop();
        }
    }
}
