package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.users.SearchText;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which parts of a subscriptions search have an index, read from the catalog each time (an operator may
 * have just run the advice), and the {@code CREATE INDEX CONCURRENTLY} statements for the parts that do not.
 * An index counts when it is a plain (not partial) btree whose first key is the searched column or expression.
 */
final class IndexAdvice {
    private final Set<String> subscriptionKeys;
    private final Set<String> userKeys;

    private IndexAdvice(Set<String> subscriptionKeys, Set<String> userKeys) {
        this.subscriptionKeys = subscriptionKeys;
        this.userKeys = userKeys;
    }

    /** The first keys of the btree indexes on the tables the queries resolve to, as Postgres prints them. */
    static IndexAdvice read(Database db, CancelSignal cancel) {
        return db.query("reading the subscriptions table's indexes", 5, cancel, st -> {
            Set<String> subs = new java.util.HashSet<>();
            Set<String> users = new java.util.HashSet<>();
            try (ResultSet rs = st.executeQuery("SELECT i.indrelid = 'subscriptions'::regclass, lower(pg_get_indexdef(i.indexrelid, 1, true)) "
                    + "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
                    + "WHERE i.indrelid IN ('subscriptions'::regclass, 'cascade_users'::regclass) AND am.amname = 'btree' "
                    + "AND i.indpred IS NULL AND i.indisvalid")) {
                while (rs.next()) (rs.getBoolean(1) ? subs : users).add(rs.getString(2).replace(" ", ""));
            }
            return new IndexAdvice(subs, users);
        });
    }

    List<String> forQuery(SubscriptionQuery query) {
        List<String> advice = new ArrayList<>();
        SearchText.Kind kind = query.search().kind();
        switch (kind) {
            // the unique index finds the one subscription: nothing else to speed up
            case SUBSCRIPTION_ID, IMPOSSIBLE -> { return advice; }
            case EMAIL -> {
                if (!userKeys.contains("lower(email::text)") && !userKeys.contains("lower((email)::text)"))
                    advice.add("CREATE INDEX CONCURRENTLY idx_cascade_users_email_lower ON cascade_users (lower(email));");
            }
            default -> { }
        }
        if (kind != SearchText.Kind.EVERYONE) {
            // one user's subscriptions are few: their filters and order need no index of their own
            need(advice, "user_id");
            return advice;
        }
        if (!query.statuses().isEmpty()) need(advice, "status");
        if (!query.tiers().isEmpty()) need(advice, "tier");
        if (query.endingWithinDays() != null) need(advice, "current_period_end");
        SubscriptionSort sort = query.sort();
        if (sort != SubscriptionSort.ID && subscriptionKeys.stream().noneMatch(sort::servedBy))
            advice.add("CREATE INDEX CONCURRENTLY idx_subscriptions_" + sort.name().toLowerCase(Locale.ROOT) + "_order ON subscriptions ("
                    + sort.indexDefinition() + ");");
        return advice;
    }

    private void need(List<String> advice, String column) {
        if (!subscriptionKeys.contains(column))
            advice.add("CREATE INDEX CONCURRENTLY idx_subscriptions_" + column + " ON subscriptions (" + column + ");");
    }
}
