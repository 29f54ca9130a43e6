package ai.cascade.ops.bench;

import javafx.application.Platform;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the view benchmarks do on the FX thread: run a piece there and wait, or poll a condition there. */
final class BenchFx {
    private BenchFx() {}

    static <T> T onFx(Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Polls {@code onFx} on the FX thread every {@code pollMillis} until true, or fails after {@code seconds}. */
    static void waitFor(String what, Callable<Boolean> onFx, int seconds, long pollMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!onFx(onFx)) {
            if (System.nanoTime() > deadline) throw new TimeoutException("waited " + seconds + " s for " + what);
            Thread.sleep(pollMillis);
        }
    }
}
