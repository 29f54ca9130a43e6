package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TcpProxy;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One backend misbehaving under a running console, staged by a real TCP proxy in front of the real server (or, for
 * Venice and Stripe, a local server speaking their wire format): the FX thread keeps answering, the status bar and the
 * views that read the backend say what is wrong in words, the other views stay fine, and all recovers without a
 * restart. The same five cases for each backend; a subclass says which backend, how the console reaches it and what
 * its views show.
 */
@ExtendWith(ApplicationExtension.class)
abstract class OutageMatrix {
    /**
     * The FX thread's worst allowed answer of its own (the 500 ms). The watchdog does not count time the FX
     * thread stood ready while the shared machine gave it no CPU: at load 15 on 2 cores that alone passed 500 ms.
     */
    static final long FX_BOUND_MS = 500;
    TcpProxy proxy;
    Stage stage;
    Console console;
    FxWatchdog watchdog;

    /** What one view shows: null when it shows an answer, else its problem. */
    record Shown(String where, String problem) {}

    /** The backend under test. */
    abstract Backend backend();

    /** The real server's port, behind the proxy. */
    abstract int serverPort();

    /** The console's profile, reaching the backend under test at {@code proxyPort}. */
    abstract ConnectionProfile profile(int proxyPort);

    /** Stripe's API base for the console (null: Stripe's own, or not configured). */
    String stripeApiBase(int proxyPort) { return null; }

    /** What the views that read the backend under test show, read afresh (a reload, a click). */
    abstract List<Shown> viewsOfBackend();

    /** What the views of the other backends show now: they must stay fine meanwhile. */
    abstract List<Shown> otherViews();

    /** Whether a slow (not silent) backend may still answer the views, late: an HTTP client's timeouts allow 5 s. */
    boolean slowMayStillAnswer() { return false; }

    /** The client library's package: its names must not reach the page. */
    abstract String driverPackage();

    /** Secrets of the profile: no message may hold them, nor their first 8 characters. */
    List<String> secrets() { return List.of(); }

    /** TestFX finds {@code @Start} only on the test class itself: each subclass hands its stage here. */
    void use(Stage stage) {
        this.stage = stage;
    }

    @BeforeEach
    void proxy() {
        proxy = TcpProxy.start("127.0.0.1", serverPort());
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
        ConsoleHarness.awaitState(console, backend(), Health.State.DOWN, Duration.ofSeconds(10));
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        assertClearErrors(true);
        proxy.up();
        assertRecovers();
    }

    @Test
    void diesMidSession() {
        startConnected();
        long since = System.nanoTime();
        proxy.down();
        ConsoleHarness.awaitState(console, backend(), Health.State.DOWN, Duration.ofSeconds(10));
        shownAfter(Health.State.DOWN, since);
        assertClearErrors(true);
        proxy.up();
        assertRecovers();
    }

    @Test
    void answersFiveSecondsLate() {
        slowOrSilent(() -> proxy.delay(Duration.ofSeconds(5)), !slowMayStillAnswer());
    }

    @Test
    void blackHoled() {
        slowOrSilent(() -> proxy.blackhole(), true);
    }

    /** A server that answers late or not at all: the bar leaves "connected", the views say so, and all recovers. */
    private void slowOrSilent(Runnable trouble, boolean viewsMustFail) {
        startConnected();
        long since = System.nanoTime();
        trouble.run();
        Health.State shown = ConsoleHarness.awaitNotState(console, backend(), Health.State.CONNECTED, Duration.ofSeconds(10));
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        shownAfter(shown, since);
        assertClearErrors(viewsMustFail);
        proxy.pass();
        assertRecovers();
    }

    @Test
    void comesBackAfterARestart() {
        startConnected();
        // A restart quicker than the monitor looks: the open connections are dead, yet the bar may never say so.
        proxy.down();
        proxy.up();
        assertRecovers();
    }

    /** The figure the issue claims (5 s), reported rather than judged: the assertions bound it at 10 s. */
    private void shownAfter(Health.State s, long sinceNanos) {
        System.out.printf("OUTAGE %s shown %s after %d ms%n", backend(), s, (System.nanoTime() - sinceNanos) / 1_000_000);
    }

    private void startConsole() {
        Fx.run(() -> console = ConsoleHarness.start(stage, profile(proxy.port()), stripeApiBase(proxy.port())));
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
        ConsoleHarness.awaitState(console, backend(), Health.State.CONNECTED, Duration.ofSeconds(15));
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
        assertThat(viewsOfBackend()).as("before the outage").allMatch(s -> s.problem() == null);
        assertThat(otherViews()).as("before the outage").allMatch(s -> s.problem() == null);
        watchFromNow();   // the first page load, before any outage, is not what is under test
    }

    /** The bar and every view of the backend say what is wrong, in words; {@code mustFail}: each view shows a problem. */
    private void assertClearErrors(boolean mustFail) {
        String bar = Fx.read(() -> console.statusBar().shown(backend()).message());
        assertThat(bar).as("the status bar's message").isNotNull().contains(backend().label());
        assertClear("the status bar", bar);
        for (Shown s : viewsOfBackend()) {
            if (s.problem() == null && !mustFail) continue;
            assertThat(s.problem()).as(s.where() + "'s problem").isNotNull()
                    .contains(backend().label()).contains("127.0.0.1:" + proxy.port());
            assertClear(s.where(), s.problem());
        }
        for (Shown s : otherViews())
            assertThat(s.problem()).as("the other backends are fine meanwhile: " + s.where()).isNull();
        watchdog.assertAnswered(FX_BOUND_MS);
    }

    private void assertClear(String where, String message) {
        assertThat(message).as(where).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(driverPackage());
        for (String secret : secrets()) assertThat(message).as(where).doesNotContain(secret).doesNotContain(secret.substring(0, 8));
    }

    /** Back to connected, and every view of the backend shows an answer again, without restarting the console. */
    private void assertRecovers() {
        long since = System.nanoTime();
        ConsoleHarness.awaitState(console, backend(), Health.State.CONNECTED, Duration.ofSeconds(15));
        System.out.printf("OUTAGE %s connected again after %d ms%n", backend(), (System.nanoTime() - since) / 1_000_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<Shown> shown;
        do {
            shown = viewsOfBackend();
        } while (shown.stream().anyMatch(s -> s.problem() != null) && System.nanoTime() < deadline);
        assertThat(shown).as("after " + backend().label() + " returned").allMatch(s -> s.problem() == null);
        assertThat(otherViews()).allMatch(s -> s.problem() == null);
        watchdog.assertAnswered(FX_BOUND_MS);
    }

    /** The overview's parts with these ids, after a reload of the page. */
    List<Shown> overviewParts(List<String> paneIds, boolean reload) {
        if (reload) ConsoleHarness.reload(console, Duration.ofSeconds(40));
        return paneIds.stream().map(id -> new Shown(id, ConsoleHarness.problem(console, id))).toList();
    }
}
