package ai.cascade.ops.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap a piece of work needs at most: the heap in use sampled every 10 ms (the figure), beside the sum of the
 * heap pools' own peaks (an upper bound: pools peak at different moments) and the collections it caused.
 */
final class HeapWatch implements AutoCloseable {
    /** What one watched stretch used. */
    record Figures(long sampledPeakBytes, long poolPeaksBytes, long collections, long collectionMillis) {
        double sampledPeakMb() { return sampledPeakBytes / 1_048_576.0; }

        double poolPeaksMb() { return poolPeaksBytes / 1_048_576.0; }
    }

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();
    private final AtomicLong peak = new AtomicLong();
    private final Thread sampler;
    private volatile boolean stopped;
    private long collectionsAtStart;
    private long collectionMillisAtStart;

    HeapWatch() {
        sampler = new Thread(this::sample, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts a watched stretch: collects first, so the stretch starts from the live set. */
    void start() {
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        peak.set(used());
        collectionsAtStart = collections();
        collectionMillisAtStart = collectionMillis();
    }

    Figures stop() {
        long pools = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Figures(Math.max(peak.get(), used()), pools, collections() - collectionsAtStart,
                collectionMillis() - collectionMillisAtStart);
    }

    private void sample() {
        while (!stopped) {
            peak.accumulateAndGet(used(), Math::max);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long used() { return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(); }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long collectionMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    @Override
    public void close() {
        stopped = true;
        sampler.interrupt();
    }
}
