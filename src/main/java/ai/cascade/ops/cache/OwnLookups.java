package ai.cascade.ops.cache;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The keyspace lookups the console itself makes. TYPE, TTL, PTTL, EXISTS, GET, STRLEN, GETRANGE and OBJECT count
 * in Redis' keyspace_hits (a missing key in keyspace_misses; STACK.md), so a console that inspects keys would
 * report its own traffic as the application's. Every batch of such commands is tallied here, and the hit rate
 * subtracts the tally.
 * <p>
 * To be exact, not merely close, INFO is read only while no batch is in flight: a batch holds the read side of
 * a fair lock from before its first command is sent until its last reply is counted, and {@link #read} takes
 * the write side. A reading therefore sees either all of a batch's lookups, in INFO and in the tally alike, or
 * none of them.
 */
public final class OwnLookups {
    /** Lookups that counted as hits and as misses. */
    public record Tally(long hits, long misses) {
        public static final Tally ZERO = new Tally(0, 0);

        public Tally plus(Tally o) { return new Tally(hits + o.hits, misses + o.misses); }

        public Tally minus(Tally o) { return new Tally(hits - o.hits, misses - o.misses); }

        public long lookups() { return hits + misses; }
    }

    /** What {@link #read} read, and the console's own tally per node ({@link RedisNode#id()}) at that moment. */
    public record Reading<T>(T value, Map<String, Tally> own) {
        public Tally ownOn(String node) { return own.getOrDefault(node, Tally.ZERO); }

        public Tally ownTotal() { return own.values().stream().reduce(Tally.ZERO, Tally::plus); }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final Map<String, LongAdder[]> counts = new ConcurrentHashMap<>();
    private final LongAdder uncertain = new LongAdder();

    /**
     * Opens a batch on {@code node}: hold it (try-with-resources) from before the first lookup is sent until the
     * last reply has been counted with {@link Batch#hit}/{@link Batch#miss}.
     */
    public Batch begin(String node) {
        lock.readLock().lock();
        return new Batch(counter(node));
    }

    /**
     * Runs {@code read} (INFO on every node, typically) while no batch is in flight. Waits for batches in flight
     * to end, at most {@code patience}; then the reading is marked {@link #uncertain()} by the caller's choice
     * of retrying later: this returns null.
     */
    public <T> Reading<T> read(Supplier<T> read, Duration patience) {
        boolean locked;
        try {
            locked = lock.writeLock().tryLock(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (!locked) return null;
        try {
            T value = read.get();
            return new Reading<>(value, snapshot());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The console's lookups so far, per node. */
    public Map<String, Tally> snapshot() {
        Map<String, Tally> out = new HashMap<>();
        counts.forEach((node, c) -> out.put(node, new Tally(c[0].sum(), c[1].sum())));
        return out;
    }

    /**
     * Lookups whose outcome the console could not learn (a batch that failed with its commands possibly executed):
     * a rate over an interval in which this grew is approximate, and says so.
     */
    public long uncertain() { return uncertain.sum(); }

    private LongAdder[] counter(String node) {
        return counts.computeIfAbsent(node, n -> new LongAdder[]{new LongAdder(), new LongAdder()});
    }

    /** One batch of lookups on one node. */
    public final class Batch implements AutoCloseable {
        private final LongAdder[] counter;
        private boolean closed;

        private Batch(LongAdder[] counter) { this.counter = counter; }

        public void hit() { counter[0].increment(); }

        public void miss() { counter[1].increment(); }

        public void hits(long n) { counter[0].add(n); }

        public void misses(long n) { counter[1].add(n); }

        /** Lookups sent whose replies were lost (timeout, disconnect): they may or may not have counted. */
        public void unknown(long n) { uncertain.add(n); }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            lock.readLock().unlock();
        }
    }
}
