package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TcpProxy;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.users.UserDetailFixtures;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.venice.VeniceCacheKey;
import java.util.Map;
import javafx.stage.Stage;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Venice misbehaving under a running console: a local server speaking Venice's wire format behind a real TCP
 * proxy. The FX thread keeps answering, the status bar and the user detail's Venice call say what is wrong,
 * and all recovers without a restart.
 */
@ExtendWith(ApplicationExtension.class)
class OutageVeniceTest {
    static String database;
    static UserDetailFixtures.Users users;
    DetailWindow detail;
    MockWebServer venice;
    TcpProxy proxy;
    Stage stage;
    Console console;
    FxWatchdog watchdog;

    @BeforeAll
    static void servers() {
        database = TestServers.freshDatabaseUrl("outage_venice");
        users = UserDetailFixtures.insertUsers(database);
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @BeforeEach
    void venice() throws IOException {
        venice = new MockWebServer();
        // Venice's answers for every request, not a queue: the monitor and the views ask as often as they like.
        venice.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String target = r.getTarget();
                if (target.equals("/api/citizens/Foscari_Banker")) return json(200, fixture("venice/citizen-foscari.json"));
                if (target.startsWith("/api/citizens/")) return json(404, fixture("venice/citizen-not-found.json"));
                return json(404, "{\"success\":false,\"error\":\"Not found\"}");
            }
        });
        venice.start();
        proxy = TcpProxy.start("127.0.0.1", venice.getPort());
    }

    @AfterEach
    void stop() {
        if (watchdog != null) watchdog.close();
        if (detail != null) detail.close();
        if (console != null) console.closeConnections();
        proxy.close();
        venice.close();
    }

    @Test
    void downAtStart() {
        proxy.down();
        startConsole();
        ConsoleHarness.awaitState(console, Backend.VENICE, Health.State.DOWN, Duration.ofSeconds(10));
        assertClearVeniceError();
        proxy.up();
        assertRecovers();
    }

    @Test
    void diesMidSession() {
        startConnected();
        long since = System.nanoTime();
        proxy.down();
        ConsoleHarness.awaitState(console, Backend.VENICE, Health.State.DOWN, Duration.ofSeconds(10));
        shownAfter(Health.State.DOWN, since);
        assertClearVeniceError();
        proxy.up();
        assertRecovers();
    }

    @Test
    void answersFiveSecondsLate() {
        startConnected();
        long since = System.nanoTime();
        proxy.delay(Duration.ofSeconds(5));
        Health.State shown = ConsoleHarness.awaitNotState(console, Backend.VENICE, Health.State.CONNECTED, Duration.ofSeconds(10));
        shownAfter(shown, since);
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        assertClearVeniceErrorIfAny();
        proxy.pass();
        assertRecovers();
    }

    @Test
    void blackHoled() {
        startConnected();
        long since = System.nanoTime();
        proxy.blackhole();
        Health.State shown = ConsoleHarness.awaitNotState(console, Backend.VENICE, Health.State.CONNECTED, Duration.ofSeconds(10));
        shownAfter(shown, since);
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        assertClearVeniceErrorIfAny();
        proxy.pass();
        assertRecovers();
    }

    @Test
    void comesBackAfterARestart() {
        startConnected();
        // Quicker than the monitor looks: pooled connections are dead, yet the bar may never say so.
        proxy.down();
        proxy.up();
        assertRecovers();
    }

    private String veniceUrl() {
        return "http://127.0.0.1:" + proxy.port() + "/api";
    }

    private void startConsole() {
        ConnectionProfile profile = new ConnectionProfile("outage", false, false, database, TestServers.redisUrl(), veniceUrl(), "");
        Fx.run(() -> console = startConsole(stage, profile, null));
        // Started once the first page is built and shown: the outage, not the start-up, is under watch.
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        watchdog = FxWatchdog.start();
    }

    /** As ConsoleHarness.start, but with a Stripe API base of the test's choosing (null: Stripe's own). */
    static Console startConsole(Stage stage, ConnectionProfile profile, String stripeApiBase) {
        try {
            Path home = Files.createTempDirectory("cascade-ops-ui");
            AppDirectories dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));
            Console c = new Console(dirs, new Console.Options(null, stripeApiBase, profile));
            c.start(stage);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startConnected() {
        startConsole();
        ConsoleHarness.awaitState(console, Backend.VENICE, Health.State.CONNECTED, Duration.ofSeconds(15));
        assertThat(lookUp()).as("the detail's Venice call before the outage").isNull();
    }

    /** The status bar and the users' detail (the view that reads Venice) both say what is wrong, in words. */
    private void assertClearVeniceError() {
        String barMessage = Fx.read(() -> console.statusBar().shown(Backend.VENICE).message());
        assertThat(barMessage).as("the status bar's Venice message").isNotNull().contains("Venice");
        assertClear(barMessage);
        String detail = lookUp();
        assertThat(detail).as("the detail's Venice error").isNotNull().contains("Venice").contains("127.0.0.1:" + proxy.port());
        assertClear(detail);
        watchdog.assertAnswered(500);
    }

    /**
     * A slow or black-holed Venice: the status bar says so; the detail's call may still get its answer, late (slow is
     * not broken, and the client's timeouts allow it), but if it fails, the message is clear.
     */
    private void assertClearVeniceErrorIfAny() {
        String barMessage = Fx.read(() -> console.statusBar().shown(Backend.VENICE).message());
        assertThat(barMessage).as("the status bar's Venice message").isNotNull().contains("Venice");
        assertClear(barMessage);
        String detail = lookUp();
        if (detail != null) {
            assertThat(detail).as("the detail's Venice error").contains("Venice");
            assertClear(detail);
        }
        watchdog.assertAnswered(500);
    }

    private static void assertClear(String message) {
        assertThat(message).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("okhttp3");
    }

    /** The figure the issue claims (5 s), reported rather than judged: the assertions bound it at 10 s. */
    private static void shownAfter(Health.State s, long sinceNanos) {
        System.out.printf("OUTAGE VENICE shown %s after %d ms%n", s, (System.nanoTime() - sinceNanos) / 1_000_000);
    }

    /** Back to connected, and the detail's Venice call succeeds again, without restarting the console. */
    private void assertRecovers() {
        long since = System.nanoTime();
        ConsoleHarness.awaitState(console, Backend.VENICE, Health.State.CONNECTED, Duration.ofSeconds(15));
        System.out.printf("OUTAGE VENICE connected again after %d ms%n", (System.nanoTime() - since) / 1_000_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String problem;
        do {
            problem = lookUp();
        } while (problem != null && System.nanoTime() < deadline);
        assertThat(problem).as("the detail's Venice call after Venice returned").isNull();
        watchdog.assertAnswered(500);
    }

    /**
     * Clicks "Load from Venice" in the users' detail, after forgetting the citizen's cached answer (as if its 300 s
     * were up) so that Venice itself is asked: null when the view shows the citizen, else the problem it shows.
     */
    private String lookUp() {
        try (RedisConnection redis = new RedisConnection(RedisAddress.parse(TestServers.redisUrl()))) {
            redis.run("forget the cached citizen", r -> r.del(VeniceCacheKey.of("citizens/" + UserDetailFixtures.FOSCARI, Map.of())));
        } catch (InvalidSettingException e) {
            throw new IllegalStateException(e);
        }
        if (detail == null) detail = DetailWindow.open(console, users);
        return detail.load("venicePane", "veniceButton");
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
    }

    static String fixture(String name) {
        try (InputStream in = OutageVeniceTest.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
