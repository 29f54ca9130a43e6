package ai.cascade.ops.database;

import java.util.OptionalDouble;

/**
 * What happened between two samples: per-second rates over {@code seconds}, the deadlocks counted in the interval,
 * and the interval's buffer cache hit rate (empty when the interval read no blocks at all: nothing to rate).
 */
public record TrendRates(double seconds, double commits, double rollbacks, double returned, double fetched, double inserted,
                         double updated, double deleted, long deadlocks, double tempBytes, OptionalDouble cacheHitPercent) {

    /** The rates from {@code earlier} to {@code later}; the caller has ruled out a reset between them. */
    static TrendRates between(TrendSample earlier, TrendSample later) {
        // A floor keeps two samples in the same instant (sampleNow right after a tick) from dividing by zero.
        double seconds = Math.max(1e-3, (later.readNanos() - earlier.readNanos()) / 1e9);
        long hit = later.blocksHit() - earlier.blocksHit();
        long read = later.blocksRead() - earlier.blocksRead();
        OptionalDouble hitRate = hit + read == 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * hit / (hit + read));
        return new TrendRates(seconds,
                (later.commits() - earlier.commits()) / seconds,
                (later.rollbacks() - earlier.rollbacks()) / seconds,
                (later.returned() - earlier.returned()) / seconds,
                (later.fetched() - earlier.fetched()) / seconds,
                (later.inserted() - earlier.inserted()) / seconds,
                (later.updated() - earlier.updated()) / seconds,
                (later.deleted() - earlier.deleted()) / seconds,
                later.deadlocks() - earlier.deadlocks(),
                (later.tempBytes() - earlier.tempBytes()) / seconds,
                hitRate);
    }
}
