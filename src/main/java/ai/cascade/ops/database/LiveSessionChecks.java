package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ai.cascade.ops.database.LiveChecks.DETAIL_LINES;
import static ai.cascade.ops.database.LiveChecks.STATEMENT_SECONDS;

/**
 * The checks on sessions of this database: queries running too long, transactions left open, queries waiting
 * for a lock and who holds it. The console's own statement (pg_backend_pid) never counts.
 */
final class LiveSessionChecks {
    static final String LONG_RUNNING = "Long-running queries";
    static final String IDLE_IN_TRANSACTION = "Idle in transaction";
    static final String BLOCKED = "Blocked queries";

    /** Sessions of this database other than the one asking, each with how long its condition lasts. */
    private static final String SESSIONS = "SELECT pid, usename, application_name, %s::bigint AS seconds, query, count(*) OVER () "
            + "FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid() "
            + "AND %s ORDER BY seconds DESC, pid LIMIT " + DETAIL_LINES;

    /**
     * Waiting sessions first, bounded, and only then pg_blocking_pids for each: on a server with thousands of
     * locks the statement stays small. The wait is timed from pg_locks.waitstart (PostgreSQL 14+).
     */
    private static final String WAITING = "WITH waiting AS ("
            + " SELECT a.pid, a.usename, a.application_name, extract(epoch FROM now() - coalesce(l.since, a.query_start))::bigint AS seconds, a.query"
            + " FROM pg_stat_activity a"
            + " LEFT JOIN (SELECT pid, min(waitstart) AS since FROM pg_locks WHERE NOT granted GROUP BY pid) l ON l.pid = a.pid"
            + " WHERE a.wait_event_type = 'Lock' AND a.datname = current_database() AND a.pid <> pg_backend_pid()"
            + " ORDER BY seconds DESC, a.pid LIMIT " + DETAIL_LINES + ")"
            + " SELECT w.pid, w.usename, w.application_name, w.seconds, w.query, b.pid, b.usename, b.application_name, b.state, b.query,"
            + " (SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid())"
            + " FROM waiting w"
            + " LEFT JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid) ON true"
            + " LEFT JOIN pg_stat_activity b ON b.pid = blocker.pid"
            + " ORDER BY w.seconds DESC, w.pid, blocker.pid";

    private final CheckThresholds thresholds;
    private final Database db;
    private final CancelSignal cancel;
    private final LiveChecks.Visibility seen;

    LiveSessionChecks(CheckThresholds thresholds, Database db, CancelSignal cancel, LiveChecks.Visibility seen) {
        this.thresholds = thresholds;
        this.db = db;
        this.cancel = cancel;
        this.seen = seen;
    }

    /** Active queries over the limit: pghero counts any as a problem. */
    Check longRunning() {
        int limit = thresholds.longRunningSeconds();
        Found found = sessions("looking for long-running queries", "extract(epoch FROM now() - query_start)",
                "state IN ('active', 'fastpath function call') AND now() - query_start > make_interval(secs => ?)", limit);
        String figure = found.total == 0 ? "none over " + Figures.duration(limit)
                : Figures.count(found.total) + " over " + Figures.duration(limit) + " (longest " + Figures.duration(found.longest()) + ")";
        return check("postgres.long_running", LONG_RUNNING, found.total == 0 ? Verdict.OK : Verdict.CRITICAL, figure + seen.note(),
                "See them in Activity; cancel a runaway query there, or ask its owner (see application) why it runs so long.", found.lines());
    }

    /** Sessions inside an open transaction doing nothing: they hold locks and keep vacuum from cleaning up. */
    Check idleInTransaction() {
        int limit = thresholds.idleInTransactionSeconds();
        Found found = sessions("looking for sessions idle in a transaction", "extract(epoch FROM now() - state_change)",
                "state IN ('idle in transaction', 'idle in transaction (aborted)') AND now() - state_change > make_interval(secs => ?)", limit);
        String figure = found.total == 0 ? "none idle over " + Figures.duration(limit)
                : Figures.count(found.total) + " idle over " + Figures.duration(limit) + " (longest " + Figures.duration(found.longest()) + ")";
        return check("postgres.idle_in_transaction", IDLE_IN_TRANSACTION, found.total == 0 ? Verdict.OK : Verdict.CRITICAL, figure + seen.note(),
                "An open transaction holds its locks and stops vacuum: have the application commit or roll back, or terminate the session in Activity. "
                        + "idle_in_transaction_session_timeout ends such sessions by itself.", found.lines());
    }

    /** Queries waiting for a lock, each with who holds it: any wait is amber, a long one red. */
    Check blocked() {
        record Waiter(LiveSession session, List<String> blockers) {}
        long[] total = {0};
        List<Waiter> waiters = db.query("looking for blocked queries", STATEMENT_SECONDS, cancel, st -> {
            Map<Integer, Waiter> byPid = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery(WAITING)) {
                while (rs.next()) {
                    total[0] = rs.getLong(11);
                    Waiter w = byPid.get(rs.getInt(1));
                    if (w == null) {
                        w = new Waiter(LiveSession.read(rs, 1), new ArrayList<>());
                        byPid.put(w.session().pid(), w);
                    }
                    int blocker = rs.getInt(6);
                    if (!rs.wasNull()) w.blockers().add(blockerLine(blocker, rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
                }
            }
            return new ArrayList<>(byPid.values());
        });
        long longest = waiters.stream().mapToLong(w -> w.session().seconds()).max().orElse(0);
        Verdict verdict = waiters.isEmpty() ? Verdict.OK : longest > thresholds.blockedCriticalSeconds() ? Verdict.CRITICAL : Verdict.WARNING;
        String figure = waiters.isEmpty() ? "none waiting for a lock"
                : Figures.count(total[0]) + " waiting for a lock (longest " + Figures.duration(longest) + ")";
        List<String> lines = new ArrayList<>();
        for (Waiter w : waiters) {
            lines.add(w.session().line());
            lines.add("    blocked by " + (w.blockers().isEmpty() ? "(no blocker found: the lock was just released)" : String.join("; ", w.blockers())));
        }
        return check("postgres.blocked", BLOCKED, verdict, figure + seen.note(),
                "End what blocks them (often a session idle in transaction): ask its owner, or cancel or terminate it in Activity.", lines);
    }

    private static String blockerLine(int pid, String user, String application, String state, String query) {
        return "pid " + pid + " · " + LiveSession.who(user, application) + " · " + (state == null ? "(state hidden)" : state)
                + " · " + LiveSession.shortQuery(query);
    }

    private record Found(long total, List<LiveSession> sessions) {
        long longest() {
            return sessions.stream().mapToLong(LiveSession::seconds).max().orElse(0);
        }

        List<String> lines() {
            return sessions.stream().map(LiveSession::line).toList();
        }
    }

    private Found sessions(String what, String seconds, String condition, int limitSeconds) {
        return db.prepared(what, STATEMENT_SECONDS, cancel, String.format(SESSIONS, seconds, condition), st -> {
            st.setInt(1, limitSeconds);
            List<LiveSession> found = new ArrayList<>();
            long total = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    found.add(LiveSession.read(rs, 1));
                    total = rs.getLong(6);
                }
            }
            return new Found(total, found);
        });
    }

    private static Check check(String id, String title, Verdict verdict, String figure, String advice, List<String> details) {
        return new Check(Backend.POSTGRES, id, title, verdict, figure, verdict == Verdict.OK ? "" : advice, "activity", details);
    }
}
