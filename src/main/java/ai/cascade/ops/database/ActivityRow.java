package ai.cascade.ops.database;

import java.time.Instant;
import java.util.List;

/**
 * One server process from {@code pg_stat_activity}, as the Activity tab lists it. Durations are whole seconds
 * measured by the server (null when the phase has not started, e.g. no open transaction). {@code query} is cut to
 * {@link Activity#QUERY_TEXT_CHARS} characters by the server; {@link Activity#fullQuery} reads the rest on demand.
 *
 * @param textHidden  the login may not read this session's details (another role, no pg_read_all_stats): Postgres
 *                    then shows "&lt;insufficient privilege&gt;" as its query and hides its state and timings
 * @param console     a CASCADE Ops console's connection (its application_name starts with "CASCADE Ops")
 * @param own         one of this console's own connections (same login, application name and client address):
 *                    cancelling it would only break the console
 */
public record ActivityRow(int pid, String database, String user, String application, String client, String backendType,
                          String state, String waitEventType, String waitEvent, Instant queryStart,
                          Long queryDurationSeconds, Long stateDurationSeconds, Long transactionDurationSeconds,
                          List<Integer> blockedBy, String query, boolean textHidden, boolean console, boolean own) {
    public static final String HIDDEN_TEXT = "<insufficient privilege>";

    public ActivityRow {
        blockedBy = blockedBy == null ? List.of() : List.copyOf(blockedBy);
    }

    public boolean active() { return "active".equals(state) || "fastpath function call".equals(state); }

    public boolean idleInTransaction() { return state != null && state.startsWith("idle in transaction"); }

    /** Waiting for a heavyweight lock another session holds (row, table, advisory...). */
    public boolean waitingOnLock() { return "Lock".equals(waitEventType); }

    public boolean blocked() { return !blockedBy.isEmpty(); }

    public boolean clientBackend() { return "client backend".equals(backendType); }

    /** The wait as Postgres names it, e.g. "Lock: transactionid", or empty when not waiting. */
    public String waitText() {
        if (waitEventType == null) return "";
        return waitEvent == null ? waitEventType : waitEventType + ": " + waitEvent;
    }

    /** How long the session has been in its present phase: the query when active, the transaction when idle in one. */
    public Long runningSeconds() {
        if (active()) return queryDurationSeconds;
        if (idleInTransaction()) return transactionDurationSeconds;
        return stateDurationSeconds;
    }

    /** "user@application" as the audit and the messages name a session. */
    public String who() {
        String u = user == null || user.isEmpty() ? "?" : user;
        return application == null || application.isEmpty() ? u : u + "@" + application;
    }

    /** The first non-blank line of the query, for the table; the whole text is shown below it. */
    public String queryFirstLine() {
        if (query == null) return "";
        for (String line : query.split("\\R")) if (!line.isBlank()) return line.strip();
        return "";
    }
}
