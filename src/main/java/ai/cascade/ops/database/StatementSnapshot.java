package ai.cascade.ops.database;

import java.time.Instant;
import java.util.Map;

/**
 * pg_stat_statements' counters at one moment, kept in memory so a window "since then" can be computed.
 * {@code serverTime} is the server's clock (compared with its reset times); {@code takenAt} the console's.
 */
public record StatementSnapshot(Instant takenAt, Instant serverTime, Instant statsReset, Map<Key, Counters> counters) {
    /**
     * One statement entry. {@code queryId} is null for statements of other logins that this login may not see
     * (no pg_read_all_stats): those are summed per login.
     */
    public record Key(Long queryId, long userId, long dbId, boolean toplevel) {}

    /** Cumulative counters of one entry; {@code statsSince} (PostgreSQL 17+) is when the entry began counting, or null. */
    public record Counters(long calls, double totalMillis, long rows, long blocksHit, long blocksRead, Instant statsSince) {
        boolean anyBelow(Counters earlier) {
            return calls < earlier.calls || totalMillis < earlier.totalMillis - 1e-6 || rows < earlier.rows
                    || blocksHit < earlier.blocksHit || blocksRead < earlier.blocksRead;
        }

        Counters minus(Counters earlier) {
            return new Counters(calls - earlier.calls, totalMillis - earlier.totalMillis, rows - earlier.rows,
                    blocksHit - earlier.blocksHit, blocksRead - earlier.blocksRead, statsSince);
        }
    }
}
