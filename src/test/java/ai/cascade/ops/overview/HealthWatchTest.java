package ai.cascade.ops.overview;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The background watch on real servers: runs on request, survives a failing listener, stops when closed. */
class HealthWatchTest {
    static Database db;
    static RedisConnection redis;
    HealthWatch watch;
    final List<HealthWatch.Result> heard = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() {
        db = TestServers.freshDatabase("health_watch");
        redis = TestServers.freshRedis();
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @AfterEach
    void close() {
        if (watch != null) watch.close();
    }

    private HealthWatch watch(Duration period) {
        watch = new HealthWatch(new HealthChecks(new OverviewViewTest.TestConnections(db, redis), CheckThresholds.defaults()), period);
        return watch;
    }

    /** Polls {@code condition}; the bound only catches a hang. */
    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("waited 60 s for: " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void checkNowRunsEveryBackendsChecksOnceWithoutTheSchedule() throws InterruptedException {
        watch(Duration.ofHours(1)).addListener(heard::add);
        assertThat(watch.latest()).isEmpty();
        watch.checkNow();
        until("one result", () -> heard.size() == 1);
        HealthWatch.Result r = watch.latest().orElseThrow();
        assertThat(r).isSameAs(heard.get(0));
        assertThat(r.checks()).extracting(Check::backend).contains(Backend.POSTGRES, Backend.REDIS, Backend.VENICE, Backend.STRIPE);
        assertThat(r.checks()).extracting(Check::id).contains("postgres.reachable", "redis.hit_rate", "redis.keys_without_ttl");
    }

    @Test
    void aFailingListenerNeitherStopsTheWatchNorKeepsOthersFromHearing() throws InterruptedException {
        watch(Duration.ofHours(1)).addListener(r -> { throw new IllegalStateException("a listener's own bug"); });
        watch.addListener(heard::add);
        watch.checkNow();
        until("a first result", () -> heard.size() == 1);
        watch.checkNow();
        until("a second result", () -> heard.size() == 2);
    }

    @Test
    void closingStopsTheScheduleAndTheThread() throws InterruptedException {
        watch(Duration.ofMillis(100)).addListener(heard::add);
        watch.start();
        until("two scheduled results", () -> heard.size() >= 2);
        watch.close();
        assertThat(watch.awaitStopped(Duration.ofSeconds(30))).as("the watch's thread ended").isTrue();
        int after = heard.size();
        watch.checkNow();   // ignored once closed
        assertThat(watch.awaitStopped(Duration.ofSeconds(1))).isTrue();
        assertThat(heard).hasSize(after);
    }
}
