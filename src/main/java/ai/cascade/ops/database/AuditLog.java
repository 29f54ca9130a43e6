package ai.cascade.ops.database;

import ai.cascade.ops.backend.BackendException;
import com.google.gson.JsonObject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;

/**
 * Ops' append-only audit log ({@code ops.audit_log}). Every change the console makes is recorded here
 * first: when the entry cannot be written, the change is not made. Who and when are stamped by the
 * server (the login's session_user, the server's clock); callers pass what and why, never a secret.
 */
public final class AuditLog {
    /** Seconds the insert may take: an operator is waiting on it. */
    private static final int TIME_LIMIT_SECONDS = 5;

    /** The written entry: its id, the server's {@code actor} (session_user) and {@code at} (UTC). */
    public record Entry(long id, String actor, LocalDateTime at) {}

    private AuditLog() {}

    /**
     * Appends one entry and returns it. Throws a {@link BackendException} saying that nothing was changed when
     * the login may not write the log (a monitoring login) or Postgres does not answer.
     */
    public static Entry append(Database db, String profile, String action, String target, String reason, JsonObject details) {
        refuseUnstorable(reason);
        try {
            return db.prepared("writing the audit entry for " + action, TIME_LIMIT_SECONDS, ai.cascade.ops.backend.CancelSignal.NONE,
                    "INSERT INTO ops.audit_log(profile, action, target, reason, details) VALUES (?, ?, ?, ?, ?::jsonb) RETURNING id, actor, at",
                    st -> {
                        st.setString(1, profile);
                        st.setString(2, action);
                        st.setString(3, target);
                        st.setString(4, reason);
                        st.setString(5, details == null ? null : details.toString());
                        try (ResultSet rs = st.executeQuery()) {
                            rs.next();
                            return new Entry(rs.getLong(1), rs.getString(2), rs.getObject(3, LocalDateTime.class));
                        }
                    });
        } catch (BackendException e) {
            throw new BackendException(e.backend(), refusal(db, e) + " Nothing was changed: every change is audited first.", e);
        }
    }

    /**
     * Appends one entry on {@code c}, inside the caller's transaction: a change and its audit commit together or not
     * at all. Who and when are stamped by the server.
     */
    public static Entry append(java.sql.Connection c, String profile, String action, String target, String reason,
                               JsonObject details) throws SQLException {
        refuseUnstorable(reason);
        try (var st = c.prepareStatement(
                "INSERT INTO ops.audit_log(profile, action, target, reason, details) VALUES (?, ?, ?, ?, ?::jsonb) RETURNING id, actor, at")) {
            st.setQueryTimeout(TIME_LIMIT_SECONDS);
            st.setString(1, profile);
            st.setString(2, action);
            st.setString(3, target);
            st.setString(4, reason);
            st.setString(5, details == null ? null : details.toString());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Entry(rs.getLong(1), rs.getString(2), rs.getObject(3, LocalDateTime.class));
            }
        }
    }

    /** A reason Postgres would refuse or alter ({@link AuditReason}) is refused before anything is written. */
    private static void refuseUnstorable(String reason) {
        String problem = reason == null ? null : AuditReason.problem(reason);
        if (problem != null) throw new BackendException(ai.cascade.ops.backend.Backend.POSTGRES, problem + " Nothing was changed.");
    }

    /** True when the connected login may append to the log (a support login); false for a monitoring login. */
    public static boolean mayAppend(Database db) {
        return db.run("checking whether this login may write the audit log", c -> {
            try (var st = c.createStatement()) {
                st.setQueryTimeout(TIME_LIMIT_SECONDS);
                try (ResultSet rs = st.executeQuery("SELECT to_regclass('ops.audit_log') IS NOT NULL "
                        + "AND has_table_privilege('ops.audit_log', 'INSERT')")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    /**
     * The refusal of {@link #append(java.sql.Connection, String, String, String, String, JsonObject)} in words, for a
     * caller that audits inside its own transaction: the same sentence as {@link #append(Database, String, String, String,
     * String, JsonObject)} gives (for a monitoring login: who may not write, and that nothing was changed).
     */
    public static BackendException refused(Database db, SQLException e) {
        BackendException raw = new BackendException(ai.cascade.ops.backend.Backend.POSTGRES,
                "Postgres answered with SQL state " + e.getSQLState() + ".", e);
        return new BackendException(raw.backend(), refusal(db, raw) + " Nothing was changed: every change is audited first.", e);
    }

    private static String refusal(Database db, BackendException e) {
        if (e.getCause() instanceof SQLException s) {
            if ("42501".equals(s.getSQLState()))
                return "The login \"" + db.address().user() + "\" may not write CASCADE Ops' audit log (a monitoring login): "
                        + "only members of cascade_ops_support may make changes.";
            if ("42P01".equals(s.getSQLState()) || "3F000".equals(s.getSQLState()))
                return "This server has no CASCADE Ops audit log (ops.audit_log): an administrator runs the migration command.";
        }
        return "The audit entry could not be written: " + e.getMessage();
    }
}
