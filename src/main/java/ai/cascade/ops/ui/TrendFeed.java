package ai.cascade.ops.ui;

import javafx.application.Platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Points from a sampler's thread to the FX thread: queued while the view is showing, handed over in one posted
 * drain for however many arrive before it runs, dropped while hidden (the view catches up from the history).
 */
public final class TrendFeed<P> {
    private final Queue<P> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainPosted = new AtomicBoolean();
    private final Consumer<List<P>> chart;
    private volatile boolean showing;

    /** {@code chart} runs on the FX thread with the points in arrival order. */
    public TrendFeed(Consumer<List<P>> chart) {
        this.chart = chart;
    }

    /** On the sampler's thread. */
    public void offer(P point) {
        if (!showing) return;
        arrived.add(point);
        if (drainPosted.compareAndSet(false, true)) Platform.runLater(this::drain);
    }

    public void showing(boolean now) { showing = now; }

    private void drain() {
        drainPosted.set(false);
        List<P> points = new ArrayList<>();
        for (P p; (p = arrived.poll()) != null; ) points.add(p);
        chart.accept(points);
    }
}
