package ai.cascade.ops.database;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A WHERE clause built from conditions with their parameters, so typed input is always bound,
 * never spliced into SQL text.
 */
public final class Where {
    /** Binds one parameter at a position. */
    @FunctionalInterface
    public interface Value {
        void bind(PreparedStatement st, int index) throws SQLException;
    }

    private final List<Value> leading = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();

    /**
     * Parameters of the statement's text before the WHERE clause (e.g. configuration joined in as
     * {@code unnest(?::text[])}), bound ahead of the conditions' own; {@link #sql()} is unchanged.
     */
    public Where leading(Value... params) {
        leading.addAll(List.of(params));
        return this;
    }

    /** Adds {@code condition}, whose {@code ?} marks take {@code params} in order. */
    public Where and(String condition, Value... params) {
        conditions.add(condition);
        values.addAll(List.of(params));
        return this;
    }

    /** Adds {@code before + inner's WHERE clause + after} as one condition, e.g. a subquery, with inner's parameters. */
    public Where andAround(String before, Where inner, String after) {
        conditions.add(before + inner.sql() + after);
        values.addAll(inner.values);
        return this;
    }

    public static Value text(String s) { return (st, i) -> st.setString(i, s); }

    public static Value integer(int n) { return (st, i) -> st.setInt(i, n); }

    public static Value object(Object o) { return (st, i) -> st.setObject(i, o); }

    public static Value textArray(java.util.Collection<String> items) {
        return (st, i) -> st.setArray(i, st.getConnection().createArrayOf("text", items.toArray()));
    }

    public boolean isEmpty() { return conditions.isEmpty(); }

    /** " WHERE a AND b", or "" when there is no condition. */
    public String sql() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Binds the parameters from position {@code first}; returns the next free position. */
    public int bind(PreparedStatement st, int first) throws SQLException {
        int i = first;
        for (Value v : leading) v.bind(st, i++);
        for (Value v : values) v.bind(st, i++);
        return i;
    }

    /** A copy, to extend with a page's keyset without changing the query's own conditions. */
    public Where copy() {
        Where w = new Where();
        w.leading.addAll(leading);
        w.conditions.addAll(conditions);
        w.values.addAll(values);
        return w;
    }
}
