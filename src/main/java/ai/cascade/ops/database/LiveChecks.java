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
import java.util.function.Supplier;

/**
 * What is happening on the server now, as pghero checks it: connections, long-running, idle-in-transaction and
 * blocked queries, whether this login sees other logins' sessions, cache hit rate, transaction-id wraparound and
 * replication. Session checks look at this database only, as pghero does; connections count the whole server,
 * which is what {@code max_connections} limits.
 */
final class LiveChecks {
    /** Each check is one statement with this limit: a busy server answers the others. */
    static final int STATEMENT_SECONDS = 10;
    /** Detail lines per check: enough to act on, few enough to read. */
    static final int DETAIL_LINES = 20;

    /**
     * Client sessions, also those another login's statistics hide (their backend_type is NULL then, but a
     * client has a database and a user; background workers have neither or no user).
     */
    static final String CLIENT = "(backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL AND usesysid IS NOT NULL))";

    /** Whether this login sees other logins' sessions, and how many it does not ({@code -1}: could not tell). */
    record Visibility(boolean seesAll, long hiddenSessions) {
        static final Visibility UNTOLD = new Visibility(false, -1);

        /** Appended to a session check's figure when it may miss what it cannot see. */
        String note() {
            if (seesAll) return "";
            return " among sessions this login may see" + (hiddenSessions < 0 ? "" : " (" + Figures.count(hiddenSessions) + " of other logins hidden)");
        }
    }

    private final CheckThresholds thresholds;

    LiveChecks(CheckThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * Each check answered on its own: an error in one (e.g. a missing privilege) makes it UNKNOWN, with the reason.
     * An unreachable server or a cancelled run is thrown, not reported eight times.
     */
    List<Check> run(Database db, CancelSignal cancel) {
        List<Check> out = new ArrayList<>();
        Visibility[] seen = {Visibility.UNTOLD};   // the visibility check fills it in, the session checks after it read it
        out.add(answer("postgres.connections", "Connections", "activity", cancel, () -> connections(db, cancel)));
        out.add(answer("postgres.query_text_visible", "Other logins' sessions visible", "activity", cancel, () -> {
            seen[0] = visibility(db, cancel);
            return visibilityCheck(seen[0]);
        }));
        LiveSessionChecks sessions = new LiveSessionChecks(thresholds, db, cancel, seen[0]);
        out.add(answer("postgres.long_running", LiveSessionChecks.LONG_RUNNING, "activity", cancel, sessions::longRunning));
        out.add(answer("postgres.idle_in_transaction", LiveSessionChecks.IDLE_IN_TRANSACTION, "activity", cancel, sessions::idleInTransaction));
        out.add(answer("postgres.blocked", LiveSessionChecks.BLOCKED, "activity", cancel, sessions::blocked));
        LiveServerChecks server = new LiveServerChecks(thresholds, db, cancel);
        out.add(answer("postgres.cache_hit_rate", LiveServerChecks.CACHE_HIT_RATE, "trends", cancel, server::cacheHitRate));
        out.add(answer("postgres.wraparound", LiveServerChecks.WRAPAROUND, "checks", cancel, server::wraparound));
        out.add(answer("postgres.replication", LiveServerChecks.REPLICATION, "checks", cancel, server::replication));
        return out;
    }

    /** Runs one check; its own failure becomes UNKNOWN with the reason, a lost server or a cancel goes up. */
    static Check answer(String id, String title, String section, CancelSignal cancel, Supplier<Check> check) {
        return DatabaseChecks.answered(id, title, section, cancel, check);
    }

    private Check connections(Database db, CancelSignal cancel) {
        return db.query("counting connections", STATEMENT_SECONDS, cancel, st -> {
            int max, reserved;
            long clients;
            try (ResultSet rs = st.executeQuery("SELECT current_setting('max_connections')::int, "
                    // reserved_connections (for pg_use_reserved_connections) exists from PostgreSQL 16
                    + "current_setting('superuser_reserved_connections')::int + coalesce(current_setting('reserved_connections', true)::int, 0), "
                    + "count(*) FILTER (WHERE " + CLIENT + ") FROM pg_stat_activity")) {
                rs.next();
                max = rs.getInt(1);
                reserved = rs.getInt(2);
                clients = rs.getLong(3);
            }
            List<String> holders = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT usename, application_name, count(*) FROM pg_stat_activity WHERE " + CLIENT
                    + " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT " + DETAIL_LINES)) {
                while (rs.next()) holders.add(Figures.count(rs.getLong(3)) + " · " + LiveSession.who(rs.getString(1), rs.getString(2)));
            }
            int open = reserved < max ? max - reserved : max;
            double percent = 100.0 * clients / open;
            Verdict verdict = percent >= thresholds.connectionsCriticalPercent() ? Verdict.CRITICAL
                    : percent >= thresholds.connectionsWarnPercent() ? Verdict.WARNING : Verdict.OK;
            String figure = Figures.count(clients) + " of " + Figures.count(open) + " (" + String.format(Locale.ROOT, "%.0f", percent)
                    + " %); max_connections " + Figures.count(max) + ", " + Figures.count(reserved) + " reserved for superusers";
            String advice = verdict == Verdict.OK ? ""
                    : "Find who holds them (below, and in Activity); shrink their pools or put a pooler such as PgBouncer in front before new logins are refused.";
            return new Check(Backend.POSTGRES, "postgres.connections", "Connections", verdict, figure, advice, "activity", holders);
        });
    }

    private static Visibility visibility(Database db, CancelSignal cancel) {
        return db.query("checking which sessions this login may see", STATEMENT_SECONDS, cancel, st -> {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('is_superuser') = 'on' OR pg_has_role('pg_read_all_stats', 'MEMBER'), "
                    + "count(*) FILTER (WHERE backend_type IS NULL AND datid IS NOT NULL AND usesysid IS NOT NULL) FROM pg_stat_activity")) {
                rs.next();
                return new Visibility(rs.getBoolean(1), rs.getLong(2));
            }
        });
    }

    /** A login without pg_read_all_stats is no error: the checks still answer for what it sees, and say what it does not. */
    private static Check visibilityCheck(Visibility seen) {
        if (seen.seesAll())
            return Check.of(Backend.POSTGRES, "postgres.query_text_visible", "Other logins' sessions visible", Verdict.OK,
                    "query texts and states of all sessions visible", "", "activity");
        return Check.of(Backend.POSTGRES, "postgres.query_text_visible", "Other logins' sessions visible", Verdict.UNKNOWN,
                "query texts of other users hidden (" + Figures.count(seen.hiddenSessions())
                        + " sessions now): their long-running, idle or blocked queries cannot be seen",
                "Grant pg_read_all_stats or pg_monitor to this login (or make it a member of cascade_ops_monitoring).", "activity");
    }
}
