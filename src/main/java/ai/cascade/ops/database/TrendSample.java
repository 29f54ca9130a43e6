package ai.cascade.ops.database;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of pg_stat_database (counters since its last reset) and pg_stat_activity for the current database.
 * {@code readNanos} is {@link System#nanoTime()} when it was read, so rates do not follow wall-clock jumps.
 */
record TrendSample(Instant at, long readNanos, TrendSessions sessions, long commits, long rollbacks, long returned, long fetched,
                   long inserted, long updated, long deleted, long blocksHit, long blocksRead, long deadlocks, long tempBytes,
                   Instant statsReset) {

    /** True when the counters were reset between {@code earlier} and this sample: a new stats_reset, or any counter went down. */
    boolean resetSince(TrendSample earlier) {
        if (!Objects.equals(statsReset, earlier.statsReset)) return true;
        return commits < earlier.commits || rollbacks < earlier.rollbacks || returned < earlier.returned || fetched < earlier.fetched
                || inserted < earlier.inserted || updated < earlier.updated || deleted < earlier.deleted || blocksHit < earlier.blocksHit
                || blocksRead < earlier.blocksRead || deadlocks < earlier.deadlocks || tempBytes < earlier.tempBytes;
    }
}
