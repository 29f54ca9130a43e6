package ai.cascade.ops.backend;

import java.util.ArrayList;
import java.util.List;

/** A cancel signal owned by whoever runs the work: {@link #fire()} runs every hook once, and later hooks at once. */
public final class CancelSwitch implements CancelSignal {
    private final List<Runnable> hooks = new ArrayList<>();
    private boolean fired;

    @Override
    public synchronized void onCancel(Runnable hook) {
        if (fired) hook.run();
        else hooks.add(hook);
    }

    @Override
    public synchronized boolean isCancelled() { return fired; }

    public synchronized void fire() {
        if (fired) return;
        fired = true;
        hooks.forEach(Runnable::run);
    }
}
