package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TcpProxy;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.users.UserDetailFixtures;
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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripe misbehaving under a running console: a local server answering in Stripe's wire format (stripe-java does
 * the talking) behind a real TCP proxy. The FX thread keeps answering, the status bar and the user detail's Stripe
 * call say what is wrong, and all recovers without a restart.
 */
@ExtendWith(ApplicationExtension.class)
class OutageStripeTest {
    static String database;
    static UserDetailFixtures.Users users;
    DetailWindow detail;
    static final String KEY = "sk_test_51HxOutageKeyForTests0000000000009876";
    static final String CUSTOMER = "cus_QXg1o8vcGmoR32";
    MockWebServer stripe;
    TcpProxy proxy;
    Stage stage;
    Console console;
    FxWatchdog watchdog;

    @BeforeAll
    static void servers() {
        database = TestServers.freshDatabaseUrl("outage_stripe");
        users = UserDetailFixtures.insertUsers(database);
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @BeforeEach
    void stripe() throws IOException {
        stripe = new MockWebServer();
        // Stripe's answers for every request, not a queue: the monitor and the views ask as often as they like.
        stripe.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String path = r.getUrl().encodedPath();
                if (path.equals("/v1/customers")) return json(200, fixture("stripe/customers-list-one.json"));
                if (path.equals("/v1/customers/" + CUSTOMER)) return json(200, fixture("stripe/customer-foscari.json"));
                if (path.equals("/v1/subscriptions")) return json(200, fixture("stripe/subscriptions-list-foscari.json"));
                return json(404, fixture("stripe/error-404-no-such-customer.json"));
            }
        });
        stripe.start();
        proxy = TcpProxy.start("127.0.0.1", stripe.getPort());
    }

    @AfterEach
    void stop() {
        if (watchdog != null) watchdog.close();
        if (detail != null) detail.close();
        if (console != null) console.closeConnections();
        proxy.close();
        stripe.close();
    }

    @Test
    void downAtStart() {
        proxy.down();
        startConsole();
        ConsoleHarness.awaitState(console, Backend.STRIPE, Health.State.DOWN, Duration.ofSeconds(10));
        assertClearStripeError();
        proxy.up();
        assertRecovers();
    }

    @Test
    void diesMidSession() {
        startConnected();
        long since = System.nanoTime();
        proxy.down();
        ConsoleHarness.awaitState(console, Backend.STRIPE, Health.State.DOWN, Duration.ofSeconds(10));
        shownAfter(Health.State.DOWN, since);
        assertClearStripeError();
        proxy.up();
        assertRecovers();
    }

    @Test
    void answersFiveSecondsLate() {
        startConnected();
        long since = System.nanoTime();
        proxy.delay(Duration.ofSeconds(5));
        Health.State shown = ConsoleHarness.awaitNotState(console, Backend.STRIPE, Health.State.CONNECTED, Duration.ofSeconds(10));
        shownAfter(shown, since);
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        assertClearStripeErrorIfAny();
        proxy.pass();
        assertRecovers();
    }

    @Test
    void blackHoled() {
        startConnected();
        long since = System.nanoTime();
        proxy.blackhole();
        Health.State shown = ConsoleHarness.awaitNotState(console, Backend.STRIPE, Health.State.CONNECTED, Duration.ofSeconds(10));
        shownAfter(shown, since);
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        assertClearStripeErrorIfAny();
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

    private String stripeApiBase() {
        return "http://127.0.0.1:" + proxy.port();
    }

    private void startConsole() {
        ConnectionProfile profile = new ConnectionProfile("outage", false, false, database, TestServers.redisUrl(), "", KEY);
        Fx.run(() -> console = OutageVeniceTest.startConsole(stage, profile, stripeApiBase()));
        // Started once the first page is built and shown: the outage, not the start-up, is under watch.
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        watchdog = FxWatchdog.start();
    }

    private void startConnected() {
        startConsole();
        ConsoleHarness.awaitState(console, Backend.STRIPE, Health.State.CONNECTED, Duration.ofSeconds(15));
        assertThat(lookUp()).as("the detail's Stripe call before the outage").isNull();
    }

    /** The status bar and the users' detail (the view that reads Stripe) both say what is wrong, in words. */
    private void assertClearStripeError() {
        String barMessage = Fx.read(() -> console.statusBar().shown(Backend.STRIPE).message());
        assertThat(barMessage).as("the status bar's Stripe message").isNotNull().contains("Stripe");
        assertClear(barMessage);
        String detail = lookUp();
        assertThat(detail).as("the detail's Stripe error").isNotNull().contains("Stripe").contains("127.0.0.1:" + proxy.port());
        assertClear(detail);
        watchdog.assertAnswered(500);
    }

    /**
     * A slow or black-holed Stripe: the status bar says so; the detail's call may still get its answer, late (slow is
     * not broken, and the client's timeouts allow it), but if it fails, the message is clear.
     */
    private void assertClearStripeErrorIfAny() {
        String barMessage = Fx.read(() -> console.statusBar().shown(Backend.STRIPE).message());
        assertThat(barMessage).as("the status bar's Stripe message").isNotNull().contains("Stripe");
        assertClear(barMessage);
        String detail = lookUp();
        if (detail != null) {
            assertThat(detail).as("the detail's Stripe error").contains("Stripe");
            assertClear(detail);
        }
        watchdog.assertAnswered(500);
    }

    private static void assertClear(String message) {
        assertThat(message).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("com.stripe").doesNotContain(KEY).doesNotContain(KEY.substring(0, 8));
    }

    /** The figure the issue claims (5 s), reported rather than judged: the assertions bound it at 10 s. */
    private static void shownAfter(Health.State s, long sinceNanos) {
        System.out.printf("OUTAGE STRIPE shown %s after %d ms%n", s, (System.nanoTime() - sinceNanos) / 1_000_000);
    }

    /** Back to connected, and the detail's Stripe call succeeds again, without restarting the console. */
    private void assertRecovers() {
        long since = System.nanoTime();
        ConsoleHarness.awaitState(console, Backend.STRIPE, Health.State.CONNECTED, Duration.ofSeconds(15));
        System.out.printf("OUTAGE STRIPE connected again after %d ms%n", (System.nanoTime() - since) / 1_000_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String problem;
        do {
            problem = lookUp();
        } while (problem != null && System.nanoTime() < deadline);
        assertThat(problem).as("the detail's Stripe call after Stripe returned").isNull();
        watchdog.assertAnswered(500);
    }

    /** Clicks "Load from Stripe" in the users' detail: null when the view shows the customer, else the problem it shows. */
    private String lookUp() {
        if (detail == null) detail = DetailWindow.open(console, users);
        return detail.load("stripePane", "stripeButton");
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
    }

    static String fixture(String name) {
        try (InputStream in = OutageStripeTest.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
