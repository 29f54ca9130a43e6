package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static ai.cascade.ops.database.LiveChecks.DETAIL_LINES;
import static ai.cascade.ops.database.LiveChecks.STATEMENT_SECONDS;

/** The checks on the server as a whole: buffer cache hit rate, transaction-id headroom, replication. */
final class LiveServerChecks {
    static final String CACHE_HIT_RATE = "Cache hit rate";
    static final String WRAPAROUND = "Transaction-id wraparound";
    static final String REPLICATION = "Replication";

    /** Below this many block reads a hit rate says nothing yet (a freshly started or reset server). */
    static final long MIN_BLOCKS = 1_000;
    /** Transaction and multixact ids are compared modulo 2^31: that is the headroom before the server stops writes. */
    static final long ID_SPACE = 2_147_483_648L;

    private final CheckThresholds thresholds;
    private final Database db;
    private final CancelSignal cancel;

    LiveServerChecks(CheckThresholds thresholds, Database db, CancelSignal cancel) {
        this.thresholds = thresholds;
        this.db = db;
        this.cancel = cancel;
    }

    /**
     * Share of block reads served from shared buffers since statistics were reset, for the database and, as pghero
     * shows them, for its tables and indexes; red when any with enough traffic falls below the threshold.
     */
    Check cacheHitRate() {
        long[] b = db.query("reading the cache hit rate", STATEMENT_SECONDS, cancel, st -> {
            try (ResultSet rs = st.executeQuery("SELECT d.blks_hit, d.blks_read, t.hit, t.read, i.hit, i.read "
                    + "FROM pg_stat_database d, "
                    + "(SELECT coalesce(sum(heap_blks_hit), 0) AS hit, coalesce(sum(heap_blks_read), 0) AS read FROM pg_statio_user_tables) t, "
                    + "(SELECT coalesce(sum(idx_blks_hit), 0) AS hit, coalesce(sum(idx_blks_read), 0) AS read FROM pg_statio_user_indexes) i "
                    + "WHERE d.datname = current_database()")) {
                if (!rs.next()) return new long[6];
                long[] v = new long[6];
                for (int i = 0; i < 6; i++) v[i] = rs.getLong(i + 1);
                return v;
            }
        });
        if (b[0] + b[1] < MIN_BLOCKS)
            return check(CACHE_HIT_RATE, "postgres.cache_hit_rate", Verdict.OK, "not enough traffic yet ("
                    + Figures.count(b[0] + b[1]) + " block reads since statistics were reset)", "", "trends", List.of());
        double limit = thresholds.cacheHitRatePercent();
        double database = rate(b[0], b[1]);
        boolean low = database < limit;
        String tables = "", indexes = "";
        if (b[2] + b[3] >= MIN_BLOCKS) {
            tables = ", tables " + percent(rate(b[2], b[3]));
            low |= rate(b[2], b[3]) < limit;
        }
        if (b[4] + b[5] >= MIN_BLOCKS) {
            indexes = ", indexes " + percent(rate(b[4], b[5]));
            low |= rate(b[4], b[5]) < limit;
        }
        String figure = percent(database) + " of block reads from memory" + tables + indexes + " (threshold " + percent(limit)
                + ", since statistics were reset)";
        return check(CACHE_HIT_RATE, "postgres.cache_hit_rate", low ? Verdict.CRITICAL : Verdict.OK, figure,
                "Reads go to disk: the data in use outgrows shared_buffers. Look for big sequential scans (Statements, Space); "
                        + "raise shared_buffers or the server's memory.", "trends", List.of());
    }

    /** Ids left before the oldest database (transaction ids, or multixact ids if worse) forces the server to stop writes. */
    Check wraparound() {
        return db.query("reading transaction-id age", STATEMENT_SECONDS, cancel, st -> {
            try (ResultSet rs = st.executeQuery("SELECT (SELECT datname FROM pg_database ORDER BY age(datfrozenxid) DESC LIMIT 1), "
                    + "(SELECT max(age(datfrozenxid)) FROM pg_database), "
                    + "(SELECT datname FROM pg_database ORDER BY mxid_age(datminmxid) DESC LIMIT 1), "
                    + "(SELECT max(mxid_age(datminmxid)) FROM pg_database)")) {
                rs.next();
                long xidLeft = ID_SPACE - rs.getLong(2), mxidLeft = ID_SPACE - rs.getLong(4);
                long left = Math.min(xidLeft, mxidLeft);
                Verdict verdict = left < thresholds.xidCriticalRemaining() ? Verdict.CRITICAL
                        : left < thresholds.xidWarnRemaining() ? Verdict.WARNING : Verdict.OK;
                String figure = Figures.count(xidLeft) + " transaction ids left (oldest: database " + rs.getString(1) + "), "
                        + Figures.count(mxidLeft) + " multixact ids left (oldest: " + rs.getString(3) + ")";
                return check(WRAPAROUND, "postgres.wraparound", verdict, figure,
                        "Vacuum the oldest tables of that database (VACUUM FREEZE) and find what holds vacuum back: long transactions, "
                                + "abandoned replication slots, forgotten prepared transactions.", "checks", List.of());
            }
        });
    }

    /** On a primary, how far its replicas are behind; on a replica, how far it is behind what it received. */
    Check replication() {
        return db.query("reading replication status", STATEMENT_SECONDS, cancel, st -> {
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), "
                    + "pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint, "
                    + "extract(epoch FROM now() - pg_last_xact_replay_timestamp())::bigint")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    long unreplayed = rs.getLong(2);
                    if (rs.wasNull()) unreplayed = -1;
                    long sinceReplay = rs.getLong(3);
                    return replica(unreplayed, rs.wasNull() ? -1 : sinceReplay);
                }
            }
            List<String> replicas = new ArrayList<>();
            long worst = 0;
            boolean hidden = false;
            try (ResultSet rs = st.executeQuery("SELECT application_name, client_addr::text, state, extract(epoch FROM replay_lag)::bigint, "
                    + "pg_wal_lsn_diff(sent_lsn, replay_lsn)::bigint FROM pg_stat_replication ORDER BY replay_lag DESC NULLS LAST LIMIT " + DETAIL_LINES)) {
                while (rs.next()) {
                    String state = rs.getString(3);
                    long lag = rs.getLong(4);
                    hidden |= state == null;
                    worst = Math.max(worst, lag);
                    replicas.add(LiveSession.who(rs.getString(1), rs.getString(2)) + " · " + (state == null ? "(state and lag hidden)"
                            : state + " · replay lag " + Figures.duration(lag) + " · " + Figures.bytes(rs.getLong(5)) + " of WAL not replayed"));
                }
            }
            return primary(replicas, worst, hidden);
        });
    }

    /**
     * A replica that has replayed all it received is not behind, however long ago the primary last wrote; one that
     * has not is as far behind as its last replayed transaction is old. {@code -1}: not known (not streaming, or
     * nothing replayed since it started).
     */
    private Check replica(long unreplayedBytes, long sinceReplaySeconds) {
        long lag = unreplayedBytes == 0 ? 0 : sinceReplaySeconds;
        String state = unreplayedBytes == 0 ? "replayed all it received"
                : (lag < 0 ? "no transaction replayed yet" : Figures.duration(lag) + " behind")
                + (unreplayedBytes > 0 ? " (" + Figures.bytes(unreplayedBytes) + " of received WAL not replayed)" : "");
        Verdict verdict = lag < 0 ? Verdict.OK : lagVerdict(lag);
        String figure = "read-only replica; " + state + ". The checks only read, so they all work here; maintenance that writes belongs on the primary";
        return check(REPLICATION, "postgres.replication", verdict, figure,
                "The replica replays slower than the primary writes: look at its disk and CPU, and at replay conflicts (pg_stat_database_conflicts); "
                        + "reads here are stale by that much.", "checks", List.of());
    }

    private Check primary(List<String> replicas, long worstLagSeconds, boolean hidden) {
        if (replicas.isEmpty())
            return check(REPLICATION, "postgres.replication", Verdict.OK, "no replicas", "", "checks", List.of());
        if (hidden)
            return check(REPLICATION, "postgres.replication", Verdict.UNKNOWN, replicas(replicas.size()) + "; their lag is hidden from this login",
                    "Grant pg_read_all_stats or pg_monitor to this login to see replication lag.", "checks", replicas);
        Verdict verdict = lagVerdict(worstLagSeconds);
        return check(REPLICATION, "postgres.replication", verdict, replicas(replicas.size()) + ", furthest " + Figures.duration(worstLagSeconds) + " behind",
                "A replica falls behind: look at its network, disk and load; a lagging replica serves stale reads.", "checks", replicas);
    }

    private Verdict lagVerdict(long seconds) {
        return seconds >= thresholds.replicationLagCriticalSeconds() ? Verdict.CRITICAL
                : seconds >= thresholds.replicationLagWarnSeconds() ? Verdict.WARNING : Verdict.OK;
    }

    private static String replicas(int n) {
        return n == 1 ? "1 replica" : Figures.count(n) + " replicas";
    }

    private static double rate(long hit, long read) {
        return 100.0 * hit / (hit + read);
    }

    private static String percent(double p) {
        return String.format(Locale.ROOT, "%.2f %%", p);
    }

    private static Check check(String title, String id, Verdict verdict, String figure, String advice, String section, List<String> details) {
        return new Check(Backend.POSTGRES, id, title, verdict, figure, verdict == Verdict.OK ? "" : advice, section, details);
    }
}
