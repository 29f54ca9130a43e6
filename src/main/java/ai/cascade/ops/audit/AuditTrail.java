package ai.cascade.ops.audit;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.database.CsvExport;
import ai.cascade.ops.database.KeysetSearch;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.database.Where;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Reads Ops' audit log ({@code ops.audit_log}) one page at a time, keyed on the id: ids come from a sequence in
 * the order entries were written, so "newest first" is "highest id first" and the primary key serves every page.
 * Read-only, so a monitoring login may use all of it.
 */
public final class AuditTrail implements KeysetSearch<AuditQuery, AuditEntry> {
    private static final int PAGE_TIMEOUT_SECONDS = 10;
    private static final int CHOICES_TIMEOUT_SECONDS = 5;
    private static final String TABLE = "ops.audit_log";
    private static final String COLUMNS = "id, at, actor, profile, action, target, reason, details::text";
    /** The export: when in ISO UTC, the before and after side by side, and whatever else the details hold. */
    private static final String EXPORT_COLUMNS = "to_char(at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at_utc, actor, profile, action, target, reason, "
            + "details -> 'before' AS before, details -> 'after' AS after, "
            + "CASE WHEN jsonb_typeof(details) = 'object' THEN nullif(details - 'before' - 'after', '{}'::jsonb) ELSE details END AS other_details";

    private final Connections connections;

    public AuditTrail(Connections connections) {
        this.connections = connections;
    }

    /**
     * Up to {@code limit} entries matching {@code query} after {@code anchor} in the query's order (before it when
     * {@code forward} is false), in display order; a null anchor starts at the first (or, backwards, the last) entry.
     */
    @Override
    public List<AuditEntry> page(AuditQuery query, AuditEntry anchor, boolean forward, int limit, CancelSignal cancel) {
        Where where = conditions(query);
        boolean descending = forward == query.newestFirst();
        if (anchor != null) where.and(descending ? "id < ?" : "id > ?", (st, i) -> st.setLong(i, anchor.id()));
        String sql = "SELECT " + COLUMNS + " FROM " + TABLE + where.sql() + " ORDER BY id " + (descending ? "DESC" : "ASC") + " LIMIT ?";
        List<AuditEntry> rows = connections.database().prepared("reading the audit log", PAGE_TIMEOUT_SECONDS, cancel, sql, st -> {
            st.setInt(where.bind(st, 1), limit);
            return read(st);
        });
        if (!forward) Collections.reverse(rows);
        return rows;
    }

    /** How many entries match: exact up to ten thousand, else the planner's estimate (marked as one). */
    @Override
    public RowCount count(AuditQuery query, CancelSignal cancel) {
        return RowCount.of(connections.database(), "counting audit entries", TABLE, conditions(query), cancel);
    }

    /** None: the id index serves the order, and the log (Ops' own, one row per change) is small next to the backend's tables. */
    @Override
    public List<String> indexAdvice(AuditQuery query, CancelSignal cancel) {
        return List.of();
    }

    /**
     * Streams every matching entry, in the query's order, to a CSV file with the columns at_utc (ISO-8601), actor,
     * profile, action, target, reason, before, after and other_details (the details without before and after);
     * returns the number of entries.
     */
    @Override
    public long export(AuditQuery query, Path target, CancelSignal cancel, LongConsumer progress) {
        Where where = conditions(query);
        String sql = "SELECT " + EXPORT_COLUMNS + " FROM " + TABLE + where.sql() + " ORDER BY id " + (query.newestFirst() ? "DESC" : "ASC");
        return CsvExport.write(connections.database(), "exporting the audit log", sql, where, target, cancel, progress);
    }

    /** The logins that wrote the log, for the "who" filter. */
    public List<String> actors(CancelSignal cancel) {
        return distinct("actor", cancel);
    }

    /** The actions in the log, for the action filter (see {@link AuditQuery#actionChoices} for their families). */
    public List<String> actions(CancelSignal cancel) {
        return distinct("action", cancel);
    }

    private List<String> distinct(String column, CancelSignal cancel) {
        return connections.database().query("reading the audit log's " + column + "s", CHOICES_TIMEOUT_SECONDS, cancel, st -> {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT " + column + " FROM " + TABLE + " WHERE " + column + " IS NOT NULL ORDER BY 1")) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    private static Where conditions(AuditQuery query) {
        Where w = new Where();
        if (!query.text().isEmpty()) {
            String like = query.likePattern();
            // ILIKE's default escape character is the backslash likePattern() escapes with
            w.and("(target ILIKE ? OR reason ILIKE ? OR action ILIKE ?)", Where.text(like), Where.text(like), Where.text(like));
        }
        if (query.actor() != null) w.and("actor = ?", Where.text(query.actor()));
        if (query.actionIsPrefix()) w.and("starts_with(action, ?)", Where.text(query.action()));
        else if (query.action() != null) w.and("action = ?", Where.text(query.action()));
        if (query.fromUtc() != null) w.and("at >= ?", Where.object(query.fromUtc()));
        if (query.toUtc() != null) w.and("at < ?", Where.object(query.toUtc()));
        return w;
    }

    private static List<AuditEntry> read(PreparedStatement st) throws SQLException {
        List<AuditEntry> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next())
                rows.add(new AuditEntry(rs.getLong(1), rs.getObject(2, LocalDateTime.class), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
        }
        return rows;
    }
}
