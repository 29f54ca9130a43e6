package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TcpProxy;
import ai.cascade.ops.testing.TestServers;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis misbehaving under a running console, staged by a real TCP proxy in front of the real server: the FX
 * thread keeps answering, the status bar and the page say what is wrong, and all recovers without a restart.
 */
@ExtendWith(ApplicationExtension.class)
class OutageRedisTest {
    /** The overview's one part that reads Redis: the live sessions. */
    static final String REDIS_PANE = "redisPane";
    static final Backend BACKEND = Backend.REDIS;
    /**
     * The FX thread's worst allowed answer. The 500 ms flaked here at load average 15 on 2 cores, each time
     * with the FX thread in CSS, layout or class loading, never in I/O. An I/O wait in these scenarios lasts at
     * least a driver timeout (3 s) or the proxy's delay (5 s), so 2 s still catches every one of them.
     */
    static final long FX_BOUND_MS = 2000;
    static String database;
    TcpProxy proxy;
    Stage stage;
    Console console;
    FxWatchdog watchdog;

    @BeforeAll
    static void servers() {
        database = TestServers.freshDatabaseUrl("outage_redis");
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @BeforeEach
    void proxy() {
        String redis = TestServers.redisUrl();
        proxy = TcpProxy.start("localhost", Integer.parseInt(redis.substring(redis.lastIndexOf(':') + 1)));
    }

    @AfterEach
    void stop() {
        if (watchdog != null) watchdog.close();
        if (console != null) console.closeConnections();
        proxy.close();
    }

    @Test
    void downAtStart() {
        proxy.down();
        startConsole();
        ConsoleHarness.awaitState(console, Backend.REDIS, Health.State.DOWN, Duration.ofSeconds(10));
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        assertClearRedisErrors();
        proxy.up();
        assertRecovers();
    }

    @Test
    void diesMidSession() {
        startConnected();
        long since = System.nanoTime();
        proxy.down();
        ConsoleHarness.awaitState(console, Backend.REDIS, Health.State.DOWN, Duration.ofSeconds(10));
        shownAfter(Health.State.DOWN, since);
        ConsoleHarness.reload(console, Duration.ofSeconds(30));
        assertClearRedisErrors();
        proxy.up();
        assertRecovers();
    }

    @Test
    void answersFiveSecondsLate() {
        startConnected();
        long since = System.nanoTime();
        proxy.delay(Duration.ofSeconds(5));
        Health.State shown = ConsoleHarness.awaitNotState(console, Backend.REDIS, Health.State.CONNECTED, Duration.ofSeconds(10));
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        shownAfter(shown, since);
        ConsoleHarness.reload(console, Duration.ofSeconds(40));
        assertClearRedisErrors();
        proxy.pass();
        assertRecovers();
    }

    @Test
    void blackHoled() {
        startConnected();
        long since = System.nanoTime();
        proxy.blackhole();
        Health.State shown = ConsoleHarness.awaitNotState(console, Backend.REDIS, Health.State.CONNECTED, Duration.ofSeconds(10));
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        shownAfter(shown, since);
        ConsoleHarness.reload(console, Duration.ofSeconds(40));
        assertClearRedisErrors();
        proxy.pass();
        assertRecovers();
    }

    @Test
    void comesBackAfterARestart() {
        startConnected();
        // A restart quicker than the monitor looks: the shared connection is dead, yet the bar may never say so.
        proxy.down();
        proxy.up();
        assertRecovers();
    }

    /** The figure the issue claims (5 s), reported rather than judged: the assertions bound it at 10 s. */
    private static void shownAfter(Health.State s, long sinceNanos) {
        System.out.printf("OUTAGE %s shown %s after %d ms%n", BACKEND, s, (System.nanoTime() - sinceNanos) / 1_000_000);
    }

    private void startConsole() {
        Fx.run(() -> console = ConsoleHarness.start(stage, new ConnectionProfile("outage", false, false,
                database, "redis://127.0.0.1:" + proxy.port(), "", "")));
        // Watched once the console's own start-up work on the FX thread (building the pages, decoding the
        // window icons) is done: the outage, not the start-up, is under test here.
        watchFromNow();
    }

    private void watchFromNow() {
        if (watchdog != null) watchdog.close();
        FxWatchdog.awaitQuiet(Duration.ofSeconds(1), Duration.ofSeconds(20));
        watchdog = FxWatchdog.start();
    }

    private void startConnected() {
        startConsole();
        ConsoleHarness.awaitState(console, Backend.REDIS, Health.State.CONNECTED, Duration.ofSeconds(15));
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        assertThat(ConsoleHarness.problems(console)).as("problems before the outage").containsOnlyNulls();
        watchFromNow();   // the first page load, before any outage, is not what is under test
    }

    private void assertClearRedisErrors() {
        String problem = ConsoleHarness.problem(console, REDIS_PANE);
        assertThat(problem).as("the live sessions' problem").isNotNull()
                .contains("Redis at 127.0.0.1:" + proxy.port())
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.lettuce");
        for (String pane : List.of("postgresPane", "revenuePane", "usersPane"))
            assertThat(ConsoleHarness.problem(console, pane)).as("Postgres is fine meanwhile: " + pane).isNull();
        watchdog.assertAnswered(FX_BOUND_MS);
    }

    /** Back to connected, and a reload of the page succeeds, without restarting the console. */
    private void assertRecovers() {
        ConsoleHarness.awaitState(console, Backend.REDIS, Health.State.CONNECTED, Duration.ofSeconds(15));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> problems;
        do {
            ConsoleHarness.reload(console, Duration.ofSeconds(30));
            problems = ConsoleHarness.problems(console);
        } while (problems.stream().anyMatch(p -> p != null) && System.nanoTime() < deadline);
        assertThat(problems).as("problems after Redis returned").containsOnlyNulls();
        watchdog.assertAnswered(FX_BOUND_MS);
    }
}
