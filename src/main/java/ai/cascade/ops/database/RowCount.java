package ai.cascade.ops.database;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;

import java.sql.ResultSet;

/**
 * How many rows a search matches, without counting a million rows to say so: an exact count up to
 * {@link #EXACT_UP_TO}, beyond that the planner's estimate, marked as such.
 */
public record RowCount(long value, boolean exact) {
    public static final int EXACT_UP_TO = 10_000;

    /** The count of {@code SELECT 1 FROM <from> <where>}: exact when small, else the planner's estimate. */
    public static RowCount of(Database db, String what, String from, Where where, CancelSignal cancel) {
        try {
            long n = db.prepared(what, 5, cancel,
                    "SELECT count(*) FROM (SELECT 1 FROM " + from + where.sql() + " LIMIT " + (EXACT_UP_TO + 1) + ") AS bounded", st -> {
                        where.bind(st, 1);
                        try (ResultSet rs = st.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    });
            if (n <= EXACT_UP_TO) return new RowCount(n, true);
        } catch (BackendException e) {
            if (!(e.getCause() instanceof java.sql.SQLException s) || !"57014".equals(s.getSQLState()) || cancel.isCancelled()) throw e;
            // timed out counting (not cancelled by the person): the estimate below still answers
        }
        return new RowCount(Math.max(estimate(db, what, from, where, cancel), EXACT_UP_TO + 1L), false);
    }

    /** The planner's row estimate for the query: free, and right to within the table's statistics. */
    static long estimate(Database db, String what, String from, Where where, CancelSignal cancel) {
        return db.prepared(what, 5, cancel, "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + from + where.sql(), st -> {
            where.bind(st, 1);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                String json = rs.getString(1);
                return com.google.gson.JsonParser.parseString(json).getAsJsonArray().get(0).getAsJsonObject()
                        .getAsJsonObject("Plan").get("Plan Rows").getAsLong();
            }
        });
    }

    /** "1,234" or "≈ 1,000,000"; say "(estimate)" beside it where it is not exact. */
    public String describe() {
        return exact ? String.format("%,d", value) : "≈ " + String.format("%,d", value);
    }
}
