package ai.cascade.ops.testing;

import org.testfx.util.WaitForAsyncUtils;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for what the UI shows, read on the FX thread, with a generous bound that catches hangs. */
public final class Fx {
    private Fx() {}

    public static <T> T read(Callable<T> onFx) {
        try {
            return WaitForAsyncUtils.asyncFx(onFx).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the FX thread did not answer within 10 s", e);
        }
    }

    public static void until(Duration bound, String what, Callable<Boolean> onFx) {
        try {
            WaitForAsyncUtils.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS, () -> Boolean.TRUE.equals(read(onFx)));
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + bound.toSeconds() + " s for: " + what);
        }
    }

    public static void run(Runnable onFx) {
        read(() -> { onFx.run(); return null; });
    }
}
