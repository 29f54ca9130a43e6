package ai.cascade.ops.billing;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The orders the subscriptions table can be sorted in, each a keyset of (value, id) that the next page
 * continues from. A missing value sorts as the lowest (coalesce), so the keyset stays a total order;
 * only id has an index in the backend's schema, the others have the index {@link #indexDefinition()}.
 */
public enum SubscriptionSort {
    ID("id", null, null),
    PERIOD_END("current_period_end", "timestamp", "'-infinity'::timestamp"),
    AMOUNT("amount", "bigint", "-2147483649"),
    CREATED("created_at", "timestamp", "'-infinity'::timestamp");

    private final String column;
    private final String type;
    private final String lowest;

    SubscriptionSort(String column, String type, String lowest) {
        this.column = column;
        this.type = type;
        this.lowest = lowest;
    }

    /** The sorted value of the table aliased {@code alias} ("" for none); an index on it must spell it the same way. */
    String expression(String alias) {
        String col = alias.isEmpty() ? column : alias + "." + column;
        if (this == ID) return col;
        // amount is int4: widened so the lowest value sorts below every amount
        return "coalesce(" + col + (this == AMOUNT ? "::bigint" : "") + ", " + lowest + ")";
    }

    /** Where the rows after (or before) the anchor start; id is unique on its own. */
    String keysetCondition(String alias, boolean forward) {
        String op = forward ? ">" : "<";
        if (this == ID) return alias + ".id " + op + " ?";
        return "(" + expression(alias) + ", " + alias + ".id) " + op + " (coalesce(?::" + type + ", " + lowest + "), ?)";
    }

    String orderBy(String alias, boolean ascending) {
        String dir = ascending ? " ASC" : " DESC";
        return this == ID ? alias + ".id" + dir : expression(alias) + dir + ", " + alias + ".id" + dir;
    }

    int bindAnchor(PreparedStatement st, int index, SubscriptionRow anchor) throws SQLException {
        switch (this) {
            case ID -> { }
            case PERIOD_END -> st.setObject(index++, anchor.periodEnd(), Types.TIMESTAMP);
            case AMOUNT -> st.setObject(index++, anchor.amount() == null ? null : anchor.amount().longValue(), Types.BIGINT);
            case CREATED -> st.setObject(index++, anchor.createdAt(), Types.TIMESTAMP);
        }
        st.setInt(index++, anchor.id());
        return index;
    }

    /** The key columns of an index that serves this order and its keyset; null for id (the primary key). */
    String indexDefinition() {
        return this == ID ? null : "(" + expression("") + "), id";
    }

    /** Whether an index whose first key Postgres prints as {@code firstKey} (pretty, lower case) serves this order. */
    boolean servedBy(String firstKey) {
        String k = firstKey.replace(" ", "");
        return this == ID ? k.equals("id") : k.startsWith("coalesce(") && k.contains(column);
    }
}
