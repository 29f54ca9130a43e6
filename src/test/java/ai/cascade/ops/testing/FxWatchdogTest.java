package ai.cascade.ops.testing;

import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The watchdog itself: it passes a free FX thread, and it fails one that is blocked (asleep, as in a socket read) or
 * busy computing, however loaded the machine: neither is time on a run queue, so neither is forgiven.
 */
@ExtendWith(ApplicationExtension.class)
class FxWatchdogTest {

    @Start
    void start(Stage stage) {
        Fx.showEmpty(stage, 200, 100);
    }

    @Test
    void onLinuxTheKernelSaysHowLongTheFxThreadWaitedForACpu() {
        assertThat(System.getProperty("os.name")).isEqualTo("Linux");
        assertThat(FxThreadClock.known()).isTrue();
    }

    @Test
    void aFreeFxThreadPasses() throws InterruptedException {
        try (FxWatchdog w = FxWatchdog.start()) {
            Thread.sleep(1_000);
            assertThat(w.answers()).isGreaterThan(5);
            w.assertAnswered(500);
        }
    }

    @Test
    void anFxThreadAsleepForASecondAndAHalfFailsAndTheFailureSaysWhere() throws InterruptedException {
        try (FxWatchdog w = FxWatchdog.start()) {
            block(() -> {
                try {
                    Thread.sleep(1_500);   // what a blocking read looks like to the scheduler: not runnable
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(w.worstDelayMs()).isGreaterThanOrEqualTo(1_000);
            assertThatThrownBy(() -> w.assertAnswered(500)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("late of its own").hasMessageContaining("Thread.sleep");
        }
    }

    @Test
    void anFxThreadComputingForASecondOfCpuFails() throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (FxWatchdog w = FxWatchdog.start()) {
            block(() -> {
                // A second of the FX thread's own CPU time, however long the loaded machine takes to give it.
                long until = threads.getCurrentThreadCpuTime() + 1_000_000_000L;
                long spins = 0;
                while (threads.getCurrentThreadCpuTime() < until) spins++;
                assertThat(spins).isPositive();
            });
            assertThat(w.worstDelayMs()).isGreaterThanOrEqualTo(800);
            assertThatThrownBy(() -> w.assertAnswered(500)).isInstanceOf(AssertionError.class);
        }
    }

    /** Runs {@code work} on the FX thread once the watchdog has had answers, and waits until the FX thread answers again. */
    private static void block(Runnable work) throws InterruptedException {
        Thread.sleep(200);
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            work.run();
            done.countDown();
        });
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        Fx.until(Duration.ofSeconds(30), "the FX thread answers again", () -> true);
        Thread.sleep(200);
    }
}
