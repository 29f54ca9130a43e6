package ai.cascade.ops.backend;

import java.time.Duration;

/** Runs a probe once through a real {@link BackendMonitor}, the way the console does, and times it. */
final class ProbeRun {
    /** The first result and how long it took from {@code watch}. */
    record Result(Health health, Duration took) {}

    private ProbeRun() {}

    /**
     * Watches {@code backend} with {@code probe} and returns its first result; fails if none comes within
     * {@code within}, so a hanging probe fails the test instead of hanging it.
     */
    static Result once(Backend backend, Probe probe, Duration within) throws InterruptedException {
        try (BackendMonitor monitor = new BackendMonitor(Duration.ofSeconds(30))) {
            HealthRecorder recorder = new HealthRecorder();
            monitor.addListener(recorder);
            long start = System.nanoTime();
            monitor.watch(backend, probe, Duration.ofHours(1));
            Health h = recorder.nextResult(backend, within);
            return new Result(h, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
