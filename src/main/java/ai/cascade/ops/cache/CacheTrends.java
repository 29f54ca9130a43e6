package ai.cascade.ops.cache;

import ai.cascade.ops.backend.PeriodicSampler;
import ai.cascade.ops.cache.CacheSample.NodeCounters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Redis over time (issue #6, items 1 and 2): samples INFO on every master at a chosen interval and turns successive
 * samples into the interval's keyspace hit rate, ops/s, evictions and expirations per second, with memory and
 * clients as they were. The hit rate is the application's: INFO is read only while none of the console's own lookup
 * batches is in flight ({@link OwnLookups#read}), and the console's tally over the interval is subtracted, exactly.
 * A restart or CONFIG RESETSTAT drops that interval rather than drawing a negative or spiking point.
 */
public final class CacheTrends extends PeriodicSampler<CacheSample, CacheTrendPoint> {
    /** How long a sample waits for the console's lookup batches in flight (an inventory's are a few ms each). */
    public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(2);

    private final RedisKeyspace keyspace;
    private final Duration patience;
    private volatile boolean topologyDoubtful;
    private CacheSample previous;   // guarded by this (the sampler's monitor)

    public CacheTrends(RedisKeyspace keyspace) {
        this(keyspace, DEFAULT_PATIENCE);
    }

    /** {@code patience}: how long a sample may wait for the console's own lookups in flight before it is skipped. */
    public CacheTrends(RedisKeyspace keyspace, Duration patience) {
        super("sampling Redis statistics", "cache-trends");
        this.keyspace = keyspace;
        this.patience = patience;
    }

    @Override
    protected CacheSample read(Instant at) {
        // After a failure the masters may have changed (failover, resharding): ask again rather than trust the last answer.
        RedisKeyspace.Topology topology = topologyDoubtful ? keyspace.refresh() : keyspace.topology();
        topologyDoubtful = true;
        OwnLookups lookups = keyspace.redis().lookups();
        long[] nanos = {0};
        long[] uncertain = {0};
        OwnLookups.Reading<List<NodeCounters>> reading = lookups.read(() -> {
            nanos[0] = System.nanoTime();
            uncertain[0] = lookups.uncertain();
            List<NodeCounters> nodes = new ArrayList<>();
            for (RedisNode node : topology.masters())
                nodes.add(NodeCounters.of(node.id(), CacheChecks.parseInfo(keyspace.redis().runBytes(node, "reading INFO", c -> c.info()))));
            return nodes;
        }, patience);
        topologyDoubtful = false;
        if (reading == null) return new CacheSample(at, 0, topology.cluster(), null, Map.of(), 0);
        return new CacheSample(at, nanos[0], topology.cluster(), reading.value(), reading.own(), uncertain[0]);
    }

    @Override
    protected CacheTrendPoint following(CacheSample sample) {
        if (sample.waited())
            return CacheTrendPoint.waited(sample.at(), "The console's own key lookups (an inventory, a walk over keys) kept INFO "
                    + "waiting over " + patience.toSeconds() + " s; the next point covers this interval too.");
        CacheSample before = previous;
        previous = sample;
        if (before == null) return point(sample, CacheTrendPoint.Kind.BASELINE, null, null);
        String dropped = droppedBecause(before, sample);
        if (dropped != null) return point(sample, CacheTrendPoint.Kind.DROPPED, null, dropped);
        return point(sample, CacheTrendPoint.Kind.RATES, between(before, sample), null);
    }

    @Override
    protected CacheTrendPoint gap(Instant at, String error) {
        return CacheTrendPoint.gap(at, error);
    }

    @Override
    protected void restart() {
        previous = null;
    }

    @Override
    protected Instant at(CacheTrendPoint point) {
        return point.at();
    }

    private static CacheTrendPoint point(CacheSample s, CacheTrendPoint.Kind kind, RedisRates rates, String note) {
        return new CacheTrendPoint(s.at(), kind, s.cluster(), s.nodes().size(), s.usedMemory(), s.maxMemory(), s.clients(), rates, note);
    }

    /** Why the interval from {@code earlier} to {@code later} cannot be rated, or null when it can. */
    static String droppedBecause(CacheSample earlier, CacheSample later) {
        List<String> was = earlier.nodes().stream().map(NodeCounters::node).toList();
        List<String> now = later.nodes().stream().map(NodeCounters::node).toList();
        if (!new HashSet<>(was).equals(new HashSet<>(now)))
            return "The cluster's masters changed (" + String.join(", ", was) + " → " + String.join(", ", now) + "); that interval is left out.";
        for (NodeCounters n : later.nodes()) {
            NodeCounters e = counters(earlier, n.node());
            if (n.restartedSince(e)) return "Redis " + n.node() + " restarted; that interval is left out.";
            if (n.countersResetSince(e))
                return "Redis " + n.node() + "'s statistics were reset (CONFIG RESETSTAT); that interval is left out.";
        }
        return null;
    }

    /** The rates from {@code earlier} to {@code later}, over the same masters, neither restarted nor reset between them. */
    static RedisRates between(CacheSample earlier, CacheSample later) {
        // A floor keeps two samples in the same instant (sampleNow right after a tick) from dividing by zero.
        double seconds = Math.max(1e-3, (later.readNanos() - earlier.readNanos()) / 1e9);
        long hits = 0, misses = 0, commands = 0, evicted = 0, expired = 0, ownLookups = 0;
        Set<String> read = new HashSet<>();
        for (NodeCounters n : later.nodes()) {
            NodeCounters e = counters(earlier, n.node());
            OwnLookups.Tally own = tally(later, n.node()).minus(tally(earlier, n.node()));
            hits += n.hits() - e.hits() - own.hits();
            misses += n.misses() - e.misses() - own.misses();
            ownLookups += own.lookups();
            commands += n.commands() - e.commands();
            evicted += n.evicted() - e.evicted();
            expired += n.expired() - e.expired();
            read.add(n.node());
        }
        boolean approximate = later.uncertain() > earlier.uncertain() || lookedUpElsewhere(earlier, later, read)
                || hits < 0 || misses < 0;
        return new RedisRates(seconds, Math.max(0, hits), Math.max(0, misses), ownLookups, approximate,
                commands / seconds, evicted / seconds, expired / seconds);
    }

    /** Own lookups tallied under a node id the sample did not read (a name that does not match): not subtracted. */
    private static boolean lookedUpElsewhere(CacheSample earlier, CacheSample later, Set<String> read) {
        for (String node : later.own().keySet())
            if (!read.contains(node) && tally(later, node).lookups() != tally(earlier, node).lookups()) return true;
        return false;
    }

    private static OwnLookups.Tally tally(CacheSample s, String node) {
        return s.own().getOrDefault(node, OwnLookups.Tally.ZERO);
    }

    private static NodeCounters counters(CacheSample s, String node) {
        for (NodeCounters n : s.nodes()) if (n.node().equals(node)) return n;
        throw new IllegalArgumentException("no counters of " + node);
    }
}
