package ai.cascade.ops.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.fail;

/** Listens to a {@link BackendMonitor} and waits for the health it expects, with a deadline and without sleeping. */
final class HealthRecorder implements Consumer<Health> {
    static final Set<Health.State> RESULTS = EnumSet.of(Health.State.CONNECTED, Health.State.DEGRADED, Health.State.DOWN);

    private final BlockingQueue<Health> unread = new LinkedBlockingQueue<>();
    private final List<Health> all = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Health h) {
        all.add(h);
        unread.add(h);
    }

    /** Everything heard so far, in order. */
    List<Health> all() {
        return new ArrayList<>(all);
    }

    /** The next health of {@code backend} that matches, skipping others; fails when none comes within {@code within}. */
    Health next(Backend backend, Predicate<Health> wanted, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Health h = left > 0 ? unread.poll(left, TimeUnit.NANOSECONDS) : null;
            if (h == null) return fail("no matching %s health within %s; heard %s", backend, within, all);
            if (h.backend() == backend && wanted.test(h)) return h;
        }
    }

    /** The next probe result (connected, degraded or down) of {@code backend}. */
    Health nextResult(Backend backend, Duration within) throws InterruptedException {
        return next(backend, h -> RESULTS.contains(h.state()), within);
    }
}
