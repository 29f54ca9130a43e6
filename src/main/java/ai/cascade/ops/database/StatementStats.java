package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;

/**
 * The slowest and most frequent statements of this database from pg_stat_statements, over all its history or
 * since a snapshot the console took (so a query fixed an hour ago stops dominating), and EXPLAIN of one of them.
 * Snapshots live in memory only, one list per database pool.
 */
public final class StatementStats {
    private static final Logger log = LoggerFactory.getLogger(StatementStats.class);
    static final int TEXT_LIMIT = 20_000;
    /** Snapshots older than this are dropped, except the first one (the "since the console started watching" window). */
    static final Duration KEEP = Duration.ofHours(1);
    private static final Pattern PARAMETER = Pattern.compile("\\$\\d+");
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");
    private static final String HIDDEN = "<insufficient privilege>";

    private final Connections connections;
    private final List<StatementSnapshot> snapshots = new ArrayList<>();
    private Database snapshotsOf;

    public StatementStats(Connections connections) {
        this.connections = connections;
    }

    /** Where pg_stat_statements lives in this database and which of its columns this version has. */
    private record Source(int serverVersion, String relation, Set<String> columns, boolean hasInfo, boolean seesAllTexts) {
        boolean has(String column) { return columns.contains(column); }
    }

    /** Is pg_stat_statements installed here and loaded by the server? Never fails for its absence: says how to enable it. */
    public StatementAvailability availability(CancelSignal cancel) {
        return connections.database().query("checking pg_stat_statements", 10, cancel, st -> {
            Source src = source(st);
            if (src.relation() == null) return StatementAvailability.notInstalled(src.serverVersion());
            if (!loaded(st, src)) return StatementAvailability.notPreloaded(src.serverVersion());
            return new StatementAvailability(true, null, null, src.seesAllTexts(), src.serverVersion());
        });
    }

    private static Source source(Statement st) throws SQLException {
        int version;
        String relation;
        long view;
        boolean seesAll, info;
        try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int, quote_ident(n.nspname) || '.pg_stat_statements', "
                + "(SELECT c.oid FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'pg_stat_statements'), "
                + "EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'pg_stat_statements_info'), "
                + "pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') "
                + "FROM (SELECT 1) one LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements' LEFT JOIN pg_namespace n ON n.oid = e.extnamespace")) {
            rs.next();
            version = rs.getInt(1);
            relation = rs.getString(2);
            view = rs.getLong(3);
            info = rs.getBoolean(4);
            seesAll = rs.getBoolean(5);
        }
        Set<String> columns = new HashSet<>();
        if (relation != null) {
            try (ResultSet rs = st.executeQuery("SELECT attname FROM pg_attribute WHERE attrelid = " + view + " AND attnum > 0 AND NOT attisdropped")) {
                while (rs.next()) columns.add(rs.getString(1));
            }
        }
        return new Source(version, relation, columns, info, seesAll);
    }

    private static boolean loaded(Statement st, Source src) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM " + src.relation() + "(false) LIMIT 1")) {
            return true;
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("shared_preload_libraries")) return false;
            throw e;
        }
    }

    private static Source requireSource(Statement st) throws SQLException {
        Source src = source(st);
        StatementAvailability missing = src.relation() == null ? StatementAvailability.notInstalled(src.serverVersion())
                : loaded(st, src) ? null : StatementAvailability.notPreloaded(src.serverVersion());
        if (missing != null) throw new Refused(missing.problem() + " To enable it:\n" + missing.howTo());
        return src;
    }

    /** The counters of every statement of this database now, without texts (they can be large). */
    private record Reading(Instant serverTime, Instant statsReset, Map<StatementSnapshot.Key, StatementSnapshot.Counters> counters,
                           Map<Long, String> users, Source source) {}

    private static Reading read(Statement st, Source src) throws SQLException {
        Instant serverTime, reset = null;
        try (ResultSet rs = st.executeQuery("SELECT clock_timestamp()"
                + (src.hasInfo() ? ", (SELECT stats_reset FROM " + src.relation() + "_info)" : ", NULL::timestamptz"))) {
            rs.next();
            serverTime = instant(rs, 1);
            reset = instant(rs, 2);
        }
        String toplevel = src.has("toplevel") ? "s.toplevel" : "true";
        String total = src.has("total_exec_time") ? "s.total_exec_time" : "s.total_time";
        String since = src.has("stats_since") ? "max(s.stats_since)" : "NULL::timestamptz";
        Map<StatementSnapshot.Key, StatementSnapshot.Counters> counters = new HashMap<>();
        Map<Long, String> users = new HashMap<>();
        // Other logins' hidden statements have no queryid: grouping sums them per login, which still subtracts correctly.
        try (ResultSet rs = st.executeQuery("SELECT s.queryid, s.userid, s.dbid, " + toplevel + ", sum(s.calls), sum(" + total + "), "
                + "sum(s.rows), sum(s.shared_blks_hit), sum(s.shared_blks_read), " + since + ", pg_get_userbyid(s.userid) "
                + "FROM " + src.relation() + "(false) s WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "GROUP BY 1, 2, 3, 4")) {
            while (rs.next()) {
                long q = rs.getLong(1);
                Long queryId = rs.wasNull() ? null : q;
                StatementSnapshot.Key key = new StatementSnapshot.Key(queryId, rs.getLong(2), rs.getLong(3), rs.getBoolean(4));
                counters.put(key, new StatementSnapshot.Counters(rs.getLong(5), rs.getDouble(6), rs.getLong(7), rs.getLong(8),
                        rs.getLong(9), instant(rs, 10)));
                users.put(key.userId(), rs.getString(11));
            }
        }
        return new Reading(serverTime, reset, counters, users, src);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** Records every statement's counters now, kept in memory for windows "since then"; returns the snapshot. */
    public StatementSnapshot takeSnapshot(CancelSignal cancel) {
        Database db = connections.database();
        Reading now = db.query("taking a snapshot of pg_stat_statements", 30, cancel, st -> read(st, requireSource(st)));
        StatementSnapshot snapshot = new StatementSnapshot(Instant.now(), now.serverTime(), now.statsReset(), Map.copyOf(now.counters()));
        synchronized (this) {
            if (snapshotsOf != db) {
                snapshots.clear();   // another profile's server: its snapshots mean nothing here
                snapshotsOf = db;
            }
            snapshots.add(snapshot);
            Instant oldest = snapshot.takenAt().minus(KEEP);
            for (int i = snapshots.size() - 2; i >= 1; i--) if (snapshots.get(i).takenAt().isBefore(oldest)) snapshots.remove(i);
        }
        return snapshot;
    }

    /** Takes a snapshot when the newest is older than {@code every} (or there is none); for a periodic timer. */
    public StatementSnapshot snapshotIfDue(Duration every, CancelSignal cancel) {
        synchronized (this) {
            if (!snapshots.isEmpty() && snapshotsOf == connections.database()) {
                StatementSnapshot newest = snapshots.get(snapshots.size() - 1);
                if (newest.takenAt().plus(every).isAfter(Instant.now())) return newest;
            }
        }
        return takeSnapshot(cancel);
    }

    /** The snapshots held, oldest first. */
    public synchronized List<StatementSnapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /** The first snapshot the console took of this database, if any. */
    public synchronized Optional<StatementSnapshot> firstSnapshot() {
        return snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.get(0));
    }

    /** The newest snapshot taken at least {@code age} ago; when none is that old yet, the oldest one. */
    public synchronized Optional<StatementSnapshot> snapshotFrom(Duration age) {
        Instant limit = Instant.now().minus(age);
        StatementSnapshot found = null;
        for (StatementSnapshot s : snapshots) if (!s.takenAt().isAfter(limit)) found = s;
        if (found == null && !snapshots.isEmpty()) found = snapshots.get(0);
        return Optional.ofNullable(found);
    }

    /**
     * The top {@code limit} statements of this database by {@code order}: over everything pg_stat_statements holds
     * ({@code since} null), or over what happened after the snapshot {@code since}. A statement whose counters went
     * backwards (a reset since the snapshot) counts from that reset and the window says so.
     */
    public StatementWindow top(StatementOrder order, StatementSnapshot since, int limit, CancelSignal cancel) {
        Database db = connections.database();
        synchronized (this) {
            if (since != null && snapshotsOf != db)
                throw new Refused("That snapshot was taken on another connection; choose the window again.");
        }
        return db.query("reading pg_stat_statements", 30, cancel, st -> {
            Reading now = read(st, requireSource(st));
            StatementWindow window = StatementWindows.compute(order, now.counters(), now.users(), now.statsReset(), since, limit);
            return withTexts(st, now.source(), window);
        });
    }

    private static StatementWindow withTexts(Statement st, Source src, StatementWindow window) throws SQLException {
        StringBuilder keys = new StringBuilder();
        for (StatementRow r : window.rows()) {
            if (r.queryId() == null) continue;
            if (keys.length() > 0) keys.append(", ");
            keys.append('(').append(r.queryId()).append("::bigint, ").append(r.userId()).append("::oid)");
        }
        Map<String, String[]> texts = new HashMap<>();
        if (keys.length() > 0) {
            try (ResultSet rs = st.executeQuery("SELECT s.queryid, s.userid, left(s.query, " + TEXT_LIMIT + "), length(s.query) "
                    + "FROM " + src.relation() + "(true) s JOIN (VALUES " + keys + ") k(q, u) ON s.queryid = k.q AND s.userid = k.u "
                    + "WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                while (rs.next()) texts.put(rs.getLong(1) + "/" + rs.getLong(2), new String[] {rs.getString(3), rs.getString(4)});
            }
        }
        List<StatementRow> rows = new ArrayList<>();
        for (StatementRow r : window.rows()) {
            String[] t = r.queryId() == null ? null : texts.get(r.queryId() + "/" + r.userId());
            if (t == null || t[0] == null || HIDDEN.equals(t[0])) rows.add(r.withText(HIDDEN + " (statements of " + r.user() + ")", false, true));
            else rows.add(r.withText(t[0], Long.parseLong(t[1]) > t[0].length(), false));
        }
        return new StatementWindow(window.order(), window.since(), window.statsReset(), window.resetSinceSnapshot(), List.copyOf(rows),
                window.statementsInWindow(), window.totalMillis(), window.totalCalls(), window.hiddenTexts(), window.notes());
    }

    /**
     * EXPLAIN of one statement, limited to {@code timeoutSeconds}. Parameterised statements ($1) get their generic plan
     * (PostgreSQL 16+). With {@code analyze} the statement really runs, inside a read-only transaction with a statement
     * timeout that is always rolled back: a statement that writes is refused by the server, and the plan says so.
     */
    public StatementPlan explain(String queryText, boolean analyze, int timeoutSeconds, CancelSignal cancel) {
        String text = queryText == null ? "" : queryText.strip();
        if (text.endsWith(";")) text = text.substring(0, text.length() - 1).strip();
        if (text.isEmpty()) return StatementPlan.refused("There is no statement to explain.");
        if (text.startsWith(HIDDEN)) return StatementPlan.refused("This statement's text is hidden from this login (it lacks pg_read_all_stats), so it cannot be explained.");
        if (text.contains(";"))
            return StatementPlan.refused("The text holds more than one statement (a ';' before its end). Explain runs a single statement: remove the others.");
        boolean parameterised = PARAMETER.matcher(STRING_LITERAL.matcher(text).replaceAll("''")).find();
        if (parameterised && analyze)
            return StatementPlan.refused("This statement has parameters ($1, …) whose values pg_stat_statements does not keep, so it cannot run "
                    + "for EXPLAIN ANALYZE. Use Explain to see its generic plan.");
        String statement = text;
        return connections.database().run("explaining a statement", c -> {
            int version = serverVersion(c);
            if (parameterised && version < 160000)
                return StatementPlan.refused("This statement has parameters ($1, …). PostgreSQL " + version / 10000 + " cannot explain a "
                        + "parameterised statement: EXPLAIN (GENERIC_PLAN) needs PostgreSQL 16 or newer.");
            String options = analyze ? "(ANALYZE, BUFFERS) " : parameterised ? "(GENERIC_PLAN) " : "";
            return explainReadOnly(c, "EXPLAIN " + options + statement, timeoutSeconds, cancel, analyze, parameterised);
        });
    }

    private static int serverVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static StatementPlan explainReadOnly(Connection c, String sql, int timeoutSeconds, CancelSignal cancel,
                                                 boolean analyze, boolean generic) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(timeoutSeconds + 5);   // a backstop: statement_timeout below is the real limit
            cancel.onCancel(() -> {
                try {
                    st.cancel();
                } catch (SQLException e) {
                    log.debug("cancelling EXPLAIN failed: {}", e.getMessage());
                }
            });
            if (cancel.isCancelled()) throw new CancellationException("explain cancelled");
            st.execute("SET TRANSACTION READ ONLY");
            st.execute("SET LOCAL statement_timeout = " + Math.max(1, timeoutSeconds) * 1000L);
            StringBuilder plan = new StringBuilder();
            // The simple query protocol: over the extended one a "$1" in the text would demand a bound value.
            st.unwrap(org.postgresql.core.BaseStatement.class).executeWithFlags(sql, org.postgresql.core.QueryExecutor.QUERY_EXECUTE_AS_SIMPLE);
            try (ResultSet rs = st.getResultSet()) {
                while (rs.next()) plan.append(rs.getString(1)).append('\n');
            }
            return new StatementPlan(plan.toString(), analyze, generic, null);
        } catch (SQLException e) {
            if (cancel.isCancelled()) throw new CancellationException("explain cancelled");
            StatementPlan refusal = refusal(e, timeoutSeconds);
            if (refusal == null) throw e;
            return refusal;
        } finally {
            // Whatever ran is undone, even if read-only could somehow be bypassed.
            try {
                c.rollback();
                c.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                log.debug("rollback after EXPLAIN failed (the server rolls back on disconnect): {}", e.getMessage());
            }
        }
    }

    /** Errors that concern the statement itself become a plain refusal; connection problems stay errors. */
    private static StatementPlan refusal(SQLException e, int timeoutSeconds) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String server = firstLine(e.getMessage());
        if (state.equals("25006"))
            return StatementPlan.refused("Postgres refused to run it: the statement would change data (" + server + "). Explain analyze runs "
                    + "a statement only in a read-only transaction that is rolled back, so nothing was changed. Use Explain (without analyze) "
                    + "to see the plan of a statement that writes.");
        if (state.equals("57014"))
            return StatementPlan.refused("The statement ran longer than " + timeoutSeconds + " s and was stopped; nothing was changed. "
                    + "Use Explain without analyze to see its plan.");
        if (state.startsWith("42") || state.startsWith("22") || state.startsWith("0A") || state.startsWith("54"))
            return StatementPlan.refused("Postgres could not explain this statement: " + server);
        return null;
    }

    private static String firstLine(String m) {
        if (m == null) return "";
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).replaceFirst("^ERROR:\\s*", "");
    }
}
