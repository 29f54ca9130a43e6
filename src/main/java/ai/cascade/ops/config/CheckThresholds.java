package ai.cascade.ops.config;

/**
 * Where a health check turns amber or red. Defaults are pghero's where pghero has one (long-running
 * queries 60 s, cache hit rate 99%, transaction-id danger 10 million, unused index 50 scans, sequence
 * danger 90%, missing index on tables over 10,000 rows used by index under 95% of the time, index bloat
 * 100 MB); the others are stated beside each field. Kept in settings (older files lack them: defaults).
 */
public record CheckThresholds(
        /* Postgres connections as a share of max_connections */
        int connectionsWarnPercent, int connectionsCriticalPercent,
        /* a query running longer than this is long-running (pghero: 60) */
        int longRunningSeconds,
        /* a session idle inside an open transaction longer than this holds locks and blocks vacuum */
        int idleInTransactionSeconds,
        /* a query waiting for a lock longer than this is critical (any wait at all is a warning) */
        int blockedCriticalSeconds,
        /* buffer cache hit rate below this, in percent (pghero: 99) */
        double cacheHitRatePercent,
        /* transaction ids left before wraparound: below the first amber, the second red (pghero: 10,000,000) */
        long xidWarnRemaining, long xidCriticalRemaining,
        /* replication lag of a replica, seconds */
        int replicationLagWarnSeconds, int replicationLagCriticalSeconds,
        /* an index scanned at most this often since statistics were reset is unused (pghero: 50) */
        long unusedIndexMaxScans,
        /* a table this big (estimated rows) whose scans use an index less than this share of the time misses an index */
        long missingIndexMinRows, int missingIndexUsePercent,
        /* estimated wasted space per table or index before it is reported as bloated (pghero: 100 MB) */
        long bloatMinBytes,
        /* dead tuples as a share of live ones, and a floor of dead rows, before a table "needs vacuum" */
        int deadTuplePercent, long deadTupleMinRows,
        /* a sequence or integer key past this share of its type's maximum (pghero: 90) */
        int sequenceDangerPercent,
        /* Redis: memory used as a share of maxmemory */
        int redisMemoryWarnPercent, int redisMemoryCriticalPercent,
        /* Redis keyspace hit rate over the sampled interval, below which the caches are not working */
        double redisHitRateWarnPercent,
        /* Venice and Stripe: an answer slower than this is degraded */
        int slowAnswerMillis) {

    public static CheckThresholds defaults() {
        return new CheckThresholds(70, 90, 60, 60, 60, 99.0, 100_000_000L, 10_000_000L, 30, 300,
                50, 10_000, 95, 100L * 1024 * 1024, 20, 1_000, 90, 80, 95, 80.0, 2_000);
    }
}
