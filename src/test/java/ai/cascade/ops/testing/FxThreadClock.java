package ai.cascade.ops.testing;

import javafx.application.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long the FX thread has stood ready to run while the machine gave it no CPU (Linux {@code schedstat}: time on a
 * run queue). A watchdog subtracts it from an answer's delay: on a shared 2-core machine at load 15 a free FX thread
 * can wait hundreds of milliseconds for a core, and that lateness is the machine's, not the console's. Time the thread
 * spends computing, or sleeping in I/O or on a lock, is not on a run queue and stays the console's.
 * Where the kernel does not say (not Linux, schedstat off), nothing is subtracted.
 */
final class FxThreadClock {
    /** {@code /proc/<pid>/task/<tid>/schedstat} of the FX thread, or null when unknown. */
    private static volatile Path schedstat;
    private static volatile boolean looked;

    private FxThreadClock() {}

    /** Nanoseconds the FX thread has waited on a run queue since it started; 0 where unknown. */
    static long runQueueNanos() {
        Path p = schedstat();
        if (p == null) return 0;
        try {
            String[] fields = Files.readString(p).trim().split("\\s+");
            return Long.parseLong(fields[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Whether the delays are corrected (the kernel says how long the thread waited for a CPU). */
    static boolean known() {
        return schedstat() != null;
    }

    private static Path schedstat() {
        if (looked) return schedstat;
        synchronized (FxThreadClock.class) {
            if (looked) return schedstat;
            try {
                // Asked on the FX thread itself: /proc/thread-self names the calling thread's task.
                CompletableFuture<Path> task = new CompletableFuture<>();
                Runnable find = () -> {
                    try {
                        task.complete(Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self"))).resolve("schedstat"));
                    } catch (IOException | RuntimeException e) {
                        task.complete(null);
                    }
                };
                if (Platform.isFxApplicationThread()) find.run();
                else Platform.runLater(find);
                Path p = task.get(10, TimeUnit.SECONDS);
                schedstat = p != null && Files.isReadable(p) ? p : null;
            } catch (Exception e) {
                schedstat = null;
            }
            looked = true;
            return schedstat;
        }
    }
}
