package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.CsvExport;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.database.Where;
import ai.cascade.ops.users.SearchText;
import ai.cascade.ops.users.UserDirectory;

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
 * Finds subscriptions one page at a time with keyset paging (never OFFSET, never the whole table in
 * memory), each row with its user's Venice username and its tier's configured currency. The backend's
 * schema indexes only {@code id} and {@code stripe_subscription_id}: other searches run under a time
 * limit, and {@link #indexAdvice} names the index that would serve them.
 */
public final class SubscriptionDirectory implements ai.cascade.ops.database.KeysetSearch<SubscriptionQuery, SubscriptionRow> {
    private static final int PAGE_TIMEOUT_SECONDS = 10;
    private static final String FROM = "subscriptions s LEFT JOIN cascade_users u ON u.id = s.user_id "
            + "LEFT JOIN unnest(?::text[], ?::text[], ?::int[]) AS cfg(tier, currency, digits) ON cfg.tier = s.tier";
    private static final String COLUMNS = "s.id, s.user_id, u.venice_username, s.stripe_subscription_id, s.tier, s.amount, cfg.currency, "
            + "s.status, s.current_period_start, s.current_period_end, s.created_at";
    /** The export's columns: the amount both as stored (minor units) and in the currency's major units. */
    private static final String EXPORT_COLUMNS = "s.id, s.user_id, u.venice_username, s.stripe_subscription_id, s.tier, s.status, "
            + "s.amount AS amount_minor_units, cfg.currency, round(s.amount / power(10::numeric, cfg.digits), cfg.digits) AS amount, "
            + "s.current_period_start AS current_period_start_utc, s.current_period_end AS current_period_end_utc, s.created_at AS created_at_utc";

    private final Connections connections;
    private final UserDirectory users;
    private final ConfiguredTiers tiers;

    /** {@code tiers}: the configuration that gives each tier its currency. */
    public SubscriptionDirectory(Connections connections, List<Tier> tiers) {
        this.connections = connections;
        this.users = new UserDirectory(connections);
        this.tiers = new ConfiguredTiers(tiers);
    }

    /**
     * Up to {@code limit} subscriptions matching {@code query} that come after {@code anchor} in the query's
     * order (before it when {@code forward} is false), in display order; a null anchor starts at the first
     * (or, backwards, the last) row.
     */
    public List<SubscriptionRow> page(SubscriptionQuery query, SubscriptionRow anchor, boolean forward, int limit, CancelSignal cancel) {
        SearchText search = query.search();
        if (search.kind() == SearchText.Kind.IMPOSSIBLE) return List.of();
        SubscriptionSort sort = query.sort();
        Where where = joined(conditions(query, search, cancel));
        if (anchor != null) where.and(sort.keysetCondition("s", forward == query.ascending()));
        String sql = "SELECT " + COLUMNS + " FROM " + FROM + where.sql()
                + " ORDER BY " + sort.orderBy("s", forward == query.ascending()) + " LIMIT ?";
        List<SubscriptionRow> rows = connections.database().prepared("searching subscriptions (" + search.kind().label() + ")",
                PAGE_TIMEOUT_SECONDS, cancel, sql, st -> {
                    int i = where.bind(st, 1);
                    if (anchor != null) i = sort.bindAnchor(st, i, anchor);
                    st.setInt(i, limit);
                    return read(st);
                });
        if (!forward) Collections.reverse(rows);
        return rows;
    }

    /** How many subscriptions match: exact up to ten thousand, else the planner's estimate (marked as one). */
    public RowCount count(SubscriptionQuery query, CancelSignal cancel) {
        SearchText search = query.search();
        if (search.kind() == SearchText.Kind.IMPOSSIBLE) return new RowCount(0, true);
        return RowCount.of(connections.database(), "counting subscriptions", "subscriptions s", conditions(query, search, cancel), cancel);
    }

    /**
     * Streams every subscription matching {@code query}, in its order, to a CSV file (amounts in minor units
     * as stored, and in major units of the tier's currency); returns the number of rows.
     */
    public long export(SubscriptionQuery query, Path target, CancelSignal cancel, LongConsumer progress) {
        SearchText search = query.search();
        Where where = search.kind() == SearchText.Kind.IMPOSSIBLE ? new Where().and("false") : conditions(query, search, cancel);
        Where bound = joined(where);
        String sql = "SELECT " + EXPORT_COLUMNS + " FROM " + FROM + bound.sql() + " ORDER BY " + query.sort().orderBy("s", query.ascending());
        return CsvExport.write(connections.database(), "exporting subscriptions", sql, bound, target, cancel, progress);
    }

    /**
     * The {@code CREATE INDEX CONCURRENTLY} statements that would let this query use an index, for the parts
     * of it the database has no index for; empty when every part has one (or one index already narrows it).
     */
    public List<String> indexAdvice(SubscriptionQuery query, CancelSignal cancel) {
        return IndexAdvice.read(connections.database(), cancel).forQuery(query);
    }

    /** The planner's plan for the first page of {@code query}, as text: tests check that a search uses its index. */
    String plan(SubscriptionQuery query, CancelSignal cancel) {
        Where where = joined(conditions(query, query.search(), cancel));
        String sql = "EXPLAIN SELECT " + COLUMNS + " FROM " + FROM + where.sql() + " ORDER BY " + query.sort().orderBy("s", query.ascending()) + " LIMIT 200";
        return connections.database().prepared("explaining a subscriptions search", PAGE_TIMEOUT_SECONDS, cancel, sql, st -> {
            where.bind(st, 1);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) plan.append(rs.getString(1)).append('\n');
            }
            return plan.toString();
        });
    }

    /** The conditions with the tier configuration joined in before them. */
    private Where joined(Where conditions) {
        return conditions.copy().leading(tiers.nameArray(), tiers.currencyArray(), tiers.fractionDigitArray());
    }

    private Where conditions(SubscriptionQuery query, SearchText search, CancelSignal cancel) {
        Where w = new Where();
        switch (search.kind()) {
            case EVERYONE, IMPOSSIBLE -> { }
            case SUBSCRIPTION_ID -> w.and("s.stripe_subscription_id = ?", Where.text(search.value()));
            // no index on subscriptions.user_id in the backend's schema: bounded by the time limit (see the advice)
            case USER_ID -> w.and("s.user_id = ?", Where.integer(Integer.parseInt(search.value())));
            case CUSTOMER_ID -> w.and("s.user_id IN (SELECT id FROM cascade_users WHERE stripe_customer_id = ?)", Where.text(search.value()));
            case EMAIL -> w.and("s.user_id IN (SELECT id FROM cascade_users WHERE lower(email) = lower(?))", Where.text(search.value()));
            // the users table's prefix conditions, served by its username index under any collation
            case USERNAME_PREFIX -> w.andAround("s.user_id IN (SELECT id FROM cascade_users", users.usernamePrefix(search.value(), cancel), ")");
        }
        anyOf(w, "s.tier", query.tiers());
        anyOf(w, "s.status", query.statuses());
        if (query.endingWithinDays() != null)
            w.and("s.current_period_end BETWEEN (now() AT TIME ZONE 'UTC') AND (now() AT TIME ZONE 'UTC') + make_interval(days => ?)",
                    Where.integer(query.endingWithinDays()));
        return w;
    }

    /** {@code column} is one of {@code values}; {@link SubscriptionQuery#NONE} among them also lets NULL through. */
    private static void anyOf(Where w, String column, java.util.Set<String> values) {
        if (values.isEmpty()) return;
        List<String> named = values.stream().filter(v -> !v.equals(SubscriptionQuery.NONE)).toList();
        String any = column + " = ANY(?)";
        if (values.contains(SubscriptionQuery.NONE)) w.and("(" + any + " OR " + column + " IS NULL)", Where.textArray(named));
        else w.and(any, Where.textArray(named));
    }

    private static List<SubscriptionRow> read(PreparedStatement st) throws SQLException {
        List<SubscriptionRow> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next())
                rows.add(new SubscriptionRow(rs.getInt(1), rs.getObject(2, Integer.class), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getObject(6, Integer.class), rs.getString(7), rs.getString(8), rs.getObject(9, LocalDateTime.class),
                        rs.getObject(10, LocalDateTime.class), rs.getObject(11, LocalDateTime.class)));
        }
        return rows;
    }
}
