package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.ui.Figures;
import com.google.gson.JsonObject;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * What the server's sessions are doing ({@code pg_stat_activity}), and cancelling a query or ending a session.
 * A read is bounded: a server with thousands of sessions or locks answers with the first {@link #ROW_LIMIT} (active
 * and longest running first) and the counts of all, and {@code pg_blocking_pids} runs only for sessions waiting on a
 * lock, because each call briefly takes the lock manager's shared state.
 * <p>
 * Signals are enforced by the server (superuser, the session's own role, or {@code pg_signal_backend}); the console
 * adds its own rule: no audit entry, no signal. The entry and the signal share a transaction, so a refused signal
 * leaves no entry behind.
 */
public final class Activity {
    /** Rows a read returns at most; the counts cover every session. */
    public static final int ROW_LIMIT = 500;
    /** Characters of each query text a read carries; {@link #fullQuery} reads the whole of one. */
    public static final int QUERY_TEXT_CHARS = 2000;
    /** Characters of the query text kept in an audit entry. */
    static final int AUDIT_QUERY_CHARS = 1000;
    private static final int READ_SECONDS = 10;
    private static final int SIGNAL_SECONDS = 5;
    static final String CANCEL_ACTION = "postgres.cancel_query";
    static final String TERMINATE_ACTION = "postgres.terminate_session";

    /**
     * One read: the listed rows (at most the limit), counts over every process on the server, and whether Postgres
     * hid other users' query texts from this login.
     */
    public record Snapshot(List<ActivityRow> rows, long total, long sessions, long active, long idleInTransaction,
                           long waitingOnLocks, long hidden, Instant readAt) {
        public Snapshot {
            rows = List.copyOf(rows);
        }

        /** Postgres showed "&lt;insufficient privilege&gt;" for some sessions: the login lacks pg_read_all_stats. */
        public boolean queryTextsHidden() { return hidden > 0; }

        public boolean limited() { return rows.size() < total; }

        /** "42 sessions: 3 active, 1 idle in transaction, 2 waiting on locks — showing all". */
        public String summary() {
            StringBuilder b = new StringBuilder(Figures.count(sessions)).append(sessions == 1 ? " session: " : " sessions: ")
                    .append(Figures.count(active)).append(" active, ")
                    .append(Figures.count(idleInTransaction)).append(" idle in transaction, ")
                    .append(Figures.count(waitingOnLocks)).append(" waiting on locks");
            long serverProcesses = total - sessions;
            if (serverProcesses > 0) b.append(" (and ").append(Figures.count(serverProcesses)).append(" server processes)");
            b.append(limited() ? " — showing " + Figures.count(rows.size()) + " of " + Figures.count(total) + ", active and longest running first"
                    : " — showing all");
            return b.toString();
        }
    }

    /** The query text of one session at the moment it was read. */
    public record QueryText(int pid, String text, boolean hidden, boolean cutByServer, int serverLimitBytes) {}

    public enum Result { SIGNALLED, GONE, REFUSED }

    /** What a cancel or terminate did; {@code auditId} is set when the signal was sent and recorded. */
    public record Outcome(int pid, Result result, String message, Long auditId) {
        public boolean signalled() { return result == Result.SIGNALLED; }
    }

    private enum Signal {
        CANCEL("pg_cancel_backend", CANCEL_ACTION, "cancel", "cancelling", "cancelled", "cancel other sessions' queries"),
        TERMINATE("pg_terminate_backend", TERMINATE_ACTION, "terminate", "terminating", "terminated", "terminate other sessions");

        final String function, action, verb, doing, done, mayNot;

        Signal(String function, String action, String verb, String doing, String done, String mayNot) {
            this.function = function;
            this.action = action;
            this.verb = verb;
            this.doing = doing;
            this.done = done;
            this.mayNot = mayNot;
        }
    }

    /** The session a signal is aimed at, read just before sending it. */
    private record Target(int pid, String user, String application, String database, String state, String backendType,
                          String query, boolean own) {
        String who() { return (user == null ? "?" : user) + (application == null || application.isEmpty() ? "" : "@" + application); }
    }

    private static final String READ_SQL = """
            WITH s AS MATERIALIZED (
              SELECT pid, datname, usename, application_name, client_addr, backend_type, state, wait_event_type, wait_event,
                     query_start, state_change, xact_start, left(query, %d) AS query,
                     query = '<insufficient privilege>' AS hidden,
                     coalesce(backend_type = 'client backend', usesysid IS NOT NULL) AS session,
                     CASE WHEN state IN ('active', 'fastpath function call') THEN 0 WHEN state LIKE 'idle in transaction%%' THEN 1
                          WHEN state = 'idle' THEN 2 ELSE 3 END AS rank,
                     CASE WHEN state LIKE 'idle in transaction%%' THEN xact_start WHEN state = 'idle' THEN state_change
                          ELSE query_start END AS since
              FROM pg_stat_activity),
            counts AS (
              SELECT count(*) AS n_total, count(*) FILTER (WHERE session) AS n_sessions,
                     count(*) FILTER (WHERE session AND rank = 0) AS n_active, count(*) FILTER (WHERE rank = 1) AS n_idle_in_tx,
                     count(*) FILTER (WHERE wait_event_type = 'Lock') AS n_waiting, count(*) FILTER (WHERE hidden) AS n_hidden
              FROM s),
            top AS MATERIALIZED (SELECT * FROM s ORDER BY rank, NOT session, since NULLS LAST, pid LIMIT ?)
            SELECT top.pid, top.datname, top.usename, top.application_name, host(top.client_addr) AS client, top.backend_type,
                   top.state, top.wait_event_type, top.wait_event, top.query_start, top.query, top.hidden,
                   floor(extract(epoch FROM now() - top.query_start))::bigint AS query_seconds,
                   floor(extract(epoch FROM now() - top.state_change))::bigint AS state_seconds,
                   floor(extract(epoch FROM now() - top.xact_start))::bigint AS xact_seconds,
                   CASE WHEN top.wait_event_type = 'Lock' THEN pg_blocking_pids(top.pid) END AS blocked_by,
                   coalesce(top.application_name LIKE 'CASCADE Ops%%', false) AS console,
                   coalesce(top.pid = pg_backend_pid() OR (top.usename = session_user
                       AND top.application_name = current_setting('application_name')
                       AND top.client_addr IS NOT DISTINCT FROM inet_client_addr() AND top.backend_type = 'client backend'), false) AS own,
                   counts.*, now() AS read_at
            FROM counts LEFT JOIN top ON true
            ORDER BY top.rank, NOT top.session, top.since NULLS LAST, top.pid""".formatted(QUERY_TEXT_CHARS);

    private final Connections connections;
    private final String profileName;
    private final int rowLimit;

    /** {@code profileName} goes into the audit entries of the signals sent. */
    public Activity(Connections connections, String profileName) {
        this(connections, profileName, ROW_LIMIT);
    }

    /** With another row limit (tests reach it without opening 500 connections). */
    Activity(Connections connections, String profileName, int rowLimit) {
        this.connections = connections;
        this.profileName = profileName;
        this.rowLimit = rowLimit;
    }

    /** Reads the sessions: the first {@link #ROW_LIMIT}, active and longest running first, and the counts of all. */
    public Snapshot read(CancelSignal cancel) {
        return connections.database().prepared("reading the server's sessions (pg_stat_activity)", READ_SECONDS, cancel, READ_SQL, st -> {
            st.setInt(1, rowLimit);
            List<ActivityRow> rows = new ArrayList<>();
            long total = 0, sessions = 0, active = 0, idleInTx = 0, waiting = 0, hidden = 0;
            Instant readAt = Instant.now();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    total = rs.getLong("n_total");
                    sessions = rs.getLong("n_sessions");
                    active = rs.getLong("n_active");
                    idleInTx = rs.getLong("n_idle_in_tx");
                    waiting = rs.getLong("n_waiting");
                    hidden = rs.getLong("n_hidden");
                    readAt = rs.getObject("read_at", OffsetDateTime.class).toInstant();
                    if (rs.getObject("pid") != null) rows.add(row(rs));
                }
            }
            return new Snapshot(rows, total, sessions, active, idleInTx, waiting, hidden, readAt);
        });
    }

    private static ActivityRow row(ResultSet rs) throws SQLException {
        OffsetDateTime started = rs.getObject("query_start", OffsetDateTime.class);
        return new ActivityRow(rs.getInt("pid"), rs.getString("datname"), rs.getString("usename"), rs.getString("application_name"),
                rs.getString("client"), rs.getString("backend_type"), rs.getString("state"), rs.getString("wait_event_type"),
                rs.getString("wait_event"), started == null ? null : started.toInstant(), seconds(rs, "query_seconds"),
                seconds(rs, "state_seconds"), seconds(rs, "xact_seconds"), pids(rs.getArray("blocked_by")), rs.getString("query"),
                rs.getBoolean("hidden"), rs.getBoolean("console"), rs.getBoolean("own"));
    }

    private static Long seconds(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Math.max(0, v);   // clocks of a session's start and now() may disagree by a moment
    }

    private static List<Integer> pids(Array array) throws SQLException {
        if (array == null) return List.of();
        return Arrays.asList((Integer[]) array.getArray());
    }

    /** The current query text of session {@code pid}, whole as the server keeps it; empty when the session has ended. */
    public Optional<QueryText> fullQuery(int pid, CancelSignal cancel) {
        return connections.database().prepared("reading the query of session " + pid, READ_SECONDS, cancel,
                "SELECT query, (SELECT setting::int FROM pg_settings WHERE name = 'track_activity_query_size') AS limit_bytes, "
                        + "octet_length(query) AS bytes FROM pg_stat_activity WHERE pid = ?", st -> {
                    st.setInt(1, pid);
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next()) return Optional.empty();
                        String text = rs.getString(1) == null ? "" : rs.getString(1);
                        int limit = rs.getInt(2);
                        return Optional.of(new QueryText(pid, text, ActivityRow.HIDDEN_TEXT.equals(text),
                                rs.getInt(3) >= limit - 1, limit));
                    }
                });
    }

    /**
     * True when this login may cancel and terminate other roles' sessions and record it: superuser or a member of
     * {@code pg_signal_backend}, and allowed to append to the audit log. Blocks: call off the FX thread.
     */
    public boolean maySignal() {
        return connections.database().run("checking whether this login may cancel queries", c -> maySignal(c, true));
    }

    private static boolean maySignal(Connection c, boolean andAudit) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT (pg_has_role(session_user, 'pg_signal_backend', 'USAGE') "
                + "OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) "
                + "AND (NOT ? OR CASE WHEN to_regclass('ops.audit_log') IS NULL THEN false ELSE has_table_privilege('ops.audit_log', 'INSERT') END)")) {
            st.setQueryTimeout(SIGNAL_SECONDS);
            st.setBoolean(1, andAudit);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Cancels the statement session {@code pid} is running ({@code pg_cancel_backend}), after recording why in the
     * audit log. Returns what happened: signalled, already ended, or refused (by Postgres or because nothing could be
     * audited), each with a sentence for the person. Throws a {@link BackendException} when Postgres does not answer.
     */
    public Outcome cancelQuery(int pid, String reason, CancelSignal cancel) {
        return signal(Signal.CANCEL, pid, reason, cancel);
    }

    /** Ends session {@code pid} ({@code pg_terminate_backend}), audited like {@link #cancelQuery}; its open transaction rolls back. */
    public Outcome terminateSession(int pid, String reason, CancelSignal cancel) {
        return signal(Signal.TERMINATE, pid, reason, cancel);
    }

    private Outcome signal(Signal kind, int pid, String reason, CancelSignal cancel) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a " + kind.verb + " needs a reason");
        if (cancel.isCancelled()) throw new CancellationException(kind.verb + ": cancelled");
        return connections.database().run("sending " + kind.verb + " to session " + pid, c -> {
            Target t = target(c, pid);
            if (t == null) return gone(pid);
            if (t.own()) return new Outcome(pid, Result.REFUSED, "Session " + pid + " is one of this console's own connections: "
                    + kind.doing + " it would only break the console. Nothing was sent.", null);
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                return signalAudited(c, kind, t, reason.strip(), cancel);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();   // a no-op after a commit; otherwise it drops the entry of a signal not sent
                    c.setAutoCommit(autoCommit);
                }
            }
        });
    }

    private Outcome signalAudited(Connection c, Signal kind, Target t, String reason, CancelSignal cancel) throws SQLException {
        AuditLog.Entry entry;
        try {
            entry = AuditLog.append(c, profileName, kind.action, "pid " + t.pid() + " (" + t.who() + ")", reason, details(t));
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) throw e;
            c.rollback();
            return refusedAudit(c, kind, t.pid());
        }
        if (cancel.isCancelled()) throw new CancellationException(kind.verb + ": cancelled");
        try (PreparedStatement st = c.prepareStatement("SELECT " + kind.function + "(?)")) {
            st.setQueryTimeout(SIGNAL_SECONDS);
            st.setInt(1, t.pid());
            boolean sent;
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                sent = rs.getBoolean(1);
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) throw e;
                return refusedByServer(kind, t, e);
            }
            if (!sent) return notSent(kind, t.pid(), warnings(st, c));
        }
        try {
            c.commit();
        } catch (SQLException e) {
            throw new BackendException(Backend.POSTGRES, "Postgres sent the " + kind.verb + " to session " + t.pid()
                    + ", but its audit entry could not be committed: " + e.getMessage(), e);
        }
        String audit = " Audit entry #" + entry.id() + ".";
        if (kind == Signal.TERMINATE)
            return new Outcome(t.pid(), Result.SIGNALLED, "Terminated session " + t.pid() + " (" + t.who() + ")." + audit, entry.id());
        if (!"active".equals(t.state()))   // the signal only stops a statement in progress
            return new Outcome(t.pid(), Result.SIGNALLED, "Sent the cancel to session " + t.pid() + " (" + t.who() + "), which was "
                    + (t.state() == null ? "not running a query" : t.state()) + ": there was no running query to stop." + audit, entry.id());
        return new Outcome(t.pid(), Result.SIGNALLED, "Cancelled the query of session " + t.pid() + " (" + t.who() + ")." + audit, entry.id());
    }

    private static Target target(Connection c, int pid) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT usename, application_name, datname, state, backend_type, query, "
                + "pid = pg_backend_pid() OR (usename = session_user AND application_name = current_setting('application_name') "
                + "AND client_addr IS NOT DISTINCT FROM inet_client_addr() AND backend_type = 'client backend') "
                + "FROM pg_stat_activity WHERE pid = ?")) {
            st.setQueryTimeout(SIGNAL_SECONDS);
            st.setInt(1, pid);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) return null;
                return new Target(pid, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getBoolean(7));
            }
        }
    }

    private static JsonObject details(Target t) {
        JsonObject d = new JsonObject();
        d.addProperty("pid", t.pid());
        d.addProperty("usename", t.user());
        d.addProperty("application_name", t.application());
        d.addProperty("database", t.database());
        d.addProperty("state", t.state());
        d.addProperty("backend_type", t.backendType());
        String q = t.query() == null ? "" : t.query();
        d.addProperty("query", q.length() > AUDIT_QUERY_CHARS ? q.substring(0, AUDIT_QUERY_CHARS) : q);
        d.addProperty("query_truncated", q.length() > AUDIT_QUERY_CHARS);
        return d;
    }

    private static Outcome gone(int pid) {
        return new Outcome(pid, Result.GONE, "Session " + pid + " has already ended. Nothing was sent.", null);
    }

    /** The audit entry was refused: say whether Postgres would have refused the signal too. */
    private static Outcome refusedAudit(Connection c, Signal kind, int pid) throws SQLException {
        c.setAutoCommit(true);
        boolean maySignal = maySignal(c, false);
        String why = maySignal
                ? "Postgres refused the audit entry: this login may not write CASCADE Ops' audit log, and nothing is "
                        + kind.done + " without one."
                : "Postgres refused: this login may not " + kind.mayNot + " (pg_signal_backend) nor write CASCADE Ops' audit log.";
        return new Outcome(pid, Result.REFUSED, why + " Nothing was sent; a support login (cascade_ops_support) may.", null);
    }

    private static Outcome refusedByServer(Signal kind, Target t, SQLException e) {
        String m = String.valueOf(e.getMessage());
        // 16+: "Only roles with the SUPERUSER attribute may ..."; 15: "must be a superuser to cancel superuser query".
        String why = m.toLowerCase(java.util.Locale.ROOT).contains("superuser")
                ? "Postgres refused: only a superuser may " + kind.verb + " the session of the superuser \"" + t.user() + "\"."
                : "Postgres refused: this login may not " + kind.mayNot + " (pg_signal_backend).";
        return new Outcome(t.pid(), Result.REFUSED, why + " Nothing was sent to session " + t.pid() + " and nothing was recorded.", null);
    }

    /** The function answered false: the pid is no backend any more, or the signal could not be delivered. */
    private static Outcome notSent(Signal kind, int pid, String warning) {
        if (warning.isEmpty() || warning.contains("is not a PostgreSQL backend process") || warning.contains("is not a PostgreSQL server process"))
            return gone(pid);
        if (warning.contains("must be a member of the role") || warning.contains("permission denied"))
            return new Outcome(pid, Result.REFUSED, "Postgres refused: this login may not " + kind.mayNot + " (pg_signal_backend). "
                    + "Nothing was recorded.", null);
        return new Outcome(pid, Result.REFUSED, "Postgres could not " + kind.verb + " session " + pid + ": " + warning
                + " Nothing was recorded.", null);
    }

    private static String warnings(PreparedStatement st, Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) b.append(w.getMessage()).append(' ');
        for (SQLWarning w = c.getWarnings(); w != null; w = w.getNextWarning()) b.append(w.getMessage()).append(' ');
        return b.toString().strip();
    }
}
