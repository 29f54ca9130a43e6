package ai.cascade.ops.cache;

import java.util.OptionalDouble;

/**
 * What happened on Redis (every master, summed) between two samples. {@code appHits} and {@code appMisses} are the
 * keyspace lookups of the application: Redis' counters less the console's own lookups ({@link OwnLookups}).
 * {@code approximate}: some of the console's lookups had outcomes it could not learn (a batch failed mid-way), or
 * were tallied on a node the sample did not read, so the hit rate may be off by that many lookups.
 */
public record RedisRates(double seconds, long appHits, long appMisses, long ownLookups, boolean approximate,
                         double opsPerSecond, double evictedPerSecond, double expiredPerSecond) {

    public long appLookups() { return appHits + appMisses; }

    /** The application's keyspace hit rate over the interval; empty when it made no lookups ("no lookups"). */
    public OptionalDouble hitPercent() {
        return appLookups() == 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * appHits / appLookups());
    }
}
