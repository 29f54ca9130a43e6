package ai.cascade.ops.testing;

import org.testfx.util.WaitForAsyncUtils;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for what the UI shows, read on the FX thread, with a generous bound that catches hangs. */
public final class Fx {
    private Fx() {}

    /**
     * Runs {@code onFx} on the FX thread and returns its result. A failure says which it was: the code threw (its own
     * error, rethrown as is when it is an assertion), or the FX thread did not answer (with what it was doing).
     */
    public static <T> T read(Callable<T> onFx) {
        java.util.concurrent.Future<T> answer = WaitForAsyncUtils.asyncFx(onFx);
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) throw a;
            throw new AssertionError("the code run on the FX thread threw " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the FX thread did not answer within 10 s; it was in:\n" + FxWatchdog.fxThreadStack(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the FX thread", e);
        }
    }

    public static void until(Duration bound, String what, Callable<Boolean> onFx) {
        try {
            WaitForAsyncUtils.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS, () -> Boolean.TRUE.equals(read(onFx)));
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + bound.toSeconds() + " s for: " + what);
        }
    }

    /** The test stage as the console looks: Primer light, the console's stylesheet, an empty scene of this size, shown. */
    public static void showEmpty(javafx.stage.Stage stage, double width, double height) {
        javafx.application.Application.setUserAgentStylesheet(new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
        javafx.scene.Scene scene = new javafx.scene.Scene(new javafx.scene.layout.StackPane(), width, height);
        scene.getStylesheets().add(java.util.Objects.requireNonNull(ai.cascade.ops.app.Console.class.getResource("console.css")).toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    public static void run(Runnable onFx) {
        read(() -> { onFx.run(); return null; });
    }
}
