package ai.cascade.ops.database;

import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One session of {@code pg_stat_activity} as a check's detail line shows it: who, from where, for how long, doing what.
 *
 * @param seconds how long the condition lasts (running, idle in the transaction, waiting for the lock)
 */
record LiveSession(int pid, String user, String application, long seconds, String query) {
    /** Longer query texts are cut: a detail line names the statement, the Activity tab shows it whole. */
    static final int QUERY_CHARS = 120;

    /** Reads the columns {@code pid, usename, application_name, seconds, query} starting at {@code first}. */
    static LiveSession read(ResultSet rs, int first) throws SQLException {
        return new LiveSession(rs.getInt(first), rs.getString(first + 1), rs.getString(first + 2),
                rs.getLong(first + 3), rs.getString(first + 4));
    }

    /** "pid 4711 · alice · psql · 75 s · SELECT ..." */
    String line() {
        return "pid " + pid + " · " + who(user, application) + " · " + Figures.duration(seconds) + " · " + shortQuery(query);
    }

    static String who(String user, String application) {
        String u = user == null || user.isBlank() ? "(unknown user)" : user;
        return application == null || application.isBlank() ? u : u + " · " + application;
    }

    /** The query on one line, cut to {@link #QUERY_CHARS}; a text the login may not see is said so. */
    static String shortQuery(String query) {
        if (query == null || query.equals("<insufficient privilege>")) return "(query text hidden from this login)";
        String flat = query.strip().replaceAll("\\s+", " ");
        if (flat.isEmpty()) return "(no query text)";
        return flat.length() <= QUERY_CHARS ? flat : flat.substring(0, QUERY_CHARS - 1) + "…";
    }
}
