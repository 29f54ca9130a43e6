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
 * One backend misbehaving under a running console, staged by a real TCP proxy in front of the real server: the FX
 * thread keeps answering, the status bar and the page say what is wrong, and all recovers without a restart. The same
 * five cases for each backend; a subclass says which backend, how the console reaches it and which parts of the
 * overview read it.
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

    /** The backend under test. */
    abstract Backend backend();

    /** The real server's port, behind the proxy. */
    abstract int serverPort();

    /** The console's profile, reaching the backend under test at {@code proxyPort}. */
    abstract ConnectionProfile profile(int proxyPort);

    /** The overview's parts that read the backend under test; the others must stay free of errors. */
    abstract List<String> panesOfBackend();

    abstract List<String> otherPanes();

    /** The client library's package: its names must not reach the page. */
    abstract String driverPackage();

    /** TestFX finds {@code @Start} only on the test class itself: each subclass hands its stage here. */
    void use(Stage stage) {
        this.stage = stage;
    }

    @BeforeEach
    void proxy() {
        proxy = TcpProxy.start("localhost", serverPort());
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
        assertClearErrors();
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
        ConsoleHarness.reload(console, Duration.ofSeconds(30));
        assertClearErrors();
        proxy.up();
        assertRecovers();
    }

    @Test
    void answersFiveSecondsLate() {
        slowOrSilent(() -> proxy.delay(Duration.ofSeconds(5)));
    }

    @Test
    void blackHoled() {
        slowOrSilent(() -> proxy.blackhole());
    }

    /** A server that answers late or not at all: the bar leaves "connected", the page says so, and all recovers. */
    private void slowOrSilent(Runnable trouble) {
        startConnected();
        long since = System.nanoTime();
        trouble.run();
        Health.State shown = ConsoleHarness.awaitNotState(console, backend(), Health.State.CONNECTED, Duration.ofSeconds(10));
        assertThat(shown).isIn(Health.State.DEGRADED, Health.State.DOWN);
        shownAfter(shown, since);
        ConsoleHarness.reload(console, Duration.ofSeconds(40));
        assertClearErrors();
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
        Fx.run(() -> console = ConsoleHarness.start(stage, profile(proxy.port())));
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
        assertThat(ConsoleHarness.problems(console)).as("problems before the outage").containsOnlyNulls();
        watchFromNow();   // the first page load, before any outage, is not what is under test
    }

    private void assertClearErrors() {
        for (String pane : panesOfBackend()) {
            String problem = ConsoleHarness.problem(console, pane);
            assertThat(problem).as(pane + "'s problem").isNotNull()
                    .contains(backend().label() + " at 127.0.0.1:" + proxy.port())
                    .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(driverPackage());
        }
        for (String pane : otherPanes())
            assertThat(ConsoleHarness.problem(console, pane)).as("the other backend is fine meanwhile: " + pane).isNull();
        watchdog.assertAnswered(FX_BOUND_MS);
    }

    /** Back to connected, and a reload of the page succeeds, without restarting the console. */
    private void assertRecovers() {
        long since = System.nanoTime();
        ConsoleHarness.awaitState(console, backend(), Health.State.CONNECTED, Duration.ofSeconds(15));
        System.out.printf("OUTAGE %s connected again after %d ms%n", backend(), (System.nanoTime() - since) / 1_000_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> problems;
        do {
            ConsoleHarness.reload(console, Duration.ofSeconds(30));
            problems = ConsoleHarness.problems(console);
        } while (problems.stream().anyMatch(p -> p != null) && System.nanoTime() < deadline);
        assertThat(problems).as("problems after " + backend().label() + " returned").containsOnlyNulls();
        watchdog.assertAnswered(FX_BOUND_MS);
    }
}
