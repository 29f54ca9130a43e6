package ai.cascade.ops.users;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.database.CsvExport;
import ai.cascade.ops.database.Database;
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
 * Finds users in {@code cascade_users} one page at a time with keyset paging (never OFFSET, never
 * the whole table in memory), so a million users page as fast as a hundred. Each kind of search
 * uses an index where the backend's schema has one; where it has none the query is bounded by a
 * time limit and {@link #indexAdvice} names the index that would help.
 */
public final class UserDirectory implements ai.cascade.ops.database.KeysetSearch<UserQuery, UserRow> {
    static final String COLUMNS = "id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status, last_login, created_at";
    private static final int PAGE_TIMEOUT_SECONDS = 10;

    private final Connections connections;
    private volatile PrefixRange.Ordering usernameOrdering;
    private volatile List<String> indexDefinitions;

    public UserDirectory(Connections connections) {
        this.connections = connections;
    }

    /**
     * Up to {@code limit} users matching {@code query} that come after {@code anchor} in the query's order
     * (before it when {@code forward} is false), returned in display order; a null anchor starts at the
     * first (or, backwards, the last) row.
     */
    public List<UserRow> page(UserQuery query, UserRow anchor, boolean forward, int limit, CancelSignal cancel) {
        SearchText search = query.search();
        if (search.kind() == SearchText.Kind.IMPOSSIBLE) return List.of();
        Database db = connections.database();
        PageStatement page = pageStatement(query, search, anchor, forward, limit, db, cancel);
        List<UserRow> rows = db.prepared("searching users (" + search.kind().label() + ")", PAGE_TIMEOUT_SECONDS, cancel, page.sql(), st -> {
            page.bind(st);
            return read(st);
        });
        if (!forward) Collections.reverse(rows);
        return rows;
    }

    /**
     * The statement {@link #page} runs for these arguments, with its parameters written in as SQL literals
     * (pgjdbc's rendering of the bound statement), for EXPLAIN and for timing the same text in psql. Runs nothing.
     */
    public String sqlFor(UserQuery query, UserRow anchor, boolean forward, int limit) {
        SearchText search = query.search();
        if (search.kind() == SearchText.Kind.IMPOSSIBLE) throw new IllegalArgumentException("no statement runs for " + search);
        Database db = connections.database();
        PageStatement page = pageStatement(query, search, anchor, forward, limit, db, CancelSignal.NONE);
        return db.run("writing out the users page statement", c -> {
            try (PreparedStatement st = c.prepareStatement(page.sql())) {
                page.bind(st);
                return st.unwrap(PreparedStatement.class).toString();   // the driver's statement: the pool's proxy names itself
            }
        });
    }

    /** One page's statement and its parameters: built in one place for {@link #page} and {@link #sqlFor}. */
    private record PageStatement(String sql, Where where, UserSort sort, UserRow anchor, int limit) {
        void bind(PreparedStatement st) throws SQLException {
            int i = where.bind(st, 1);
            if (anchor != null) i = sort.bindAnchor(st, i, anchor);
            st.setInt(i, limit);
        }
    }

    private PageStatement pageStatement(UserQuery query, SearchText search, UserRow anchor, boolean forward, int limit,
                                        Database db, CancelSignal cancel) {
        Where where = conditions(query, search, db, cancel);
        boolean ascending = forward == query.ascending();
        if (anchor != null) where.and(query.sort().keysetCondition(ascending));
        String sql = "SELECT " + COLUMNS + " FROM cascade_users" + where.sql()
                + " ORDER BY " + query.sort().orderBy(ascending) + " LIMIT ?";
        return new PageStatement(sql, where, query.sort(), anchor, limit);
    }

    /** How many users match: exact up to ten thousand, else the planner's estimate (marked as one). */
    public RowCount count(UserQuery query, CancelSignal cancel) {
        SearchText search = query.search();
        if (search.kind() == SearchText.Kind.IMPOSSIBLE) return new RowCount(0, true);
        Database db = connections.database();
        return RowCount.of(db, "counting users", "cascade_users", conditions(query, search, db, cancel), cancel);
    }

    /** Writes every user matching {@code query}, in its order, to a CSV file; returns the row count. */
    public long export(UserQuery query, Path target, CancelSignal cancel, LongConsumer progress) {
        SearchText search = query.search();
        Database db = connections.database();
        Where where = search.kind() == SearchText.Kind.IMPOSSIBLE ? new Where().and("false") : conditions(query, search, db, cancel);
        String sql = "SELECT " + COLUMNS + " FROM cascade_users" + where.sql() + " ORDER BY " + query.sort().orderBy(query.ascending());
        return CsvExport.write(db, "exporting users", sql, where, target, cancel, progress);
    }

    /** The tiers users are on, configured or not (a leftover tier is worth seeing); bounded by a time limit. */
    public List<String> tiersInUse(CancelSignal cancel) {
        return connections.database().query("reading the tiers in use", 5, cancel, st -> {
            List<String> tiers = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT subscription_tier FROM cascade_users WHERE subscription_tier IS NOT NULL ORDER BY 1")) {
                while (rs.next()) tiers.add(rs.getString(1));
            }
            return tiers;
        });
    }

    /**
     * The {@code CREATE INDEX CONCURRENTLY} statements that would make this query use an index, for
     * the parts of it the backend's schema has no index for; empty when every part has one.
     */
    public List<String> indexAdvice(UserQuery query, CancelSignal cancel) {
        List<String> defs = indexDefinitions(cancel);
        List<String> advice = new ArrayList<>();
        if (query.search().kind() == SearchText.Kind.EMAIL && defs.stream().noneMatch(d -> d.contains("lower((email)::text)")))
            advice.add("CREATE INDEX CONCURRENTLY idx_cascade_users_email_lower ON cascade_users (lower(email));");
        boolean loginFilter = query.lastLoginFrom() != null || query.lastLoginTo() != null;
        if ((loginFilter || query.sort() == UserSort.LAST_LOGIN) && defs.stream().noneMatch(d -> d.contains("(last_login")))
            advice.add("CREATE INDEX CONCURRENTLY idx_cascade_users_last_login ON cascade_users (last_login);");
        if (query.sort() == UserSort.CREATED && defs.stream().noneMatch(d -> d.contains("(created_at")))
            advice.add("CREATE INDEX CONCURRENTLY idx_cascade_users_created_at ON cascade_users (created_at);");
        return advice;
    }

    private Where conditions(UserQuery query, SearchText search, Database db, CancelSignal cancel) {
        Where w = new Where();
        switch (search.kind()) {
            case EVERYONE, IMPOSSIBLE -> { }
            case USER_ID -> w.and("id = ?", Where.integer(Integer.parseInt(search.value())));
            case CUSTOMER_ID -> w.and("stripe_customer_id = ?", Where.text(search.value()));
            case SUBSCRIPTION_ID -> w.and("id IN (SELECT user_id FROM subscriptions WHERE stripe_subscription_id = ?)", Where.text(search.value()));
            // no index on email: a sequential scan, bounded by the page's time limit (indexAdvice says what helps)
            case EMAIL -> w.and("lower(email) = lower(?)", Where.text(search.value()));
            case USERNAME_PREFIX -> usernamePrefix(w, search.value(), db, cancel);
        }
        if (!query.tiers().isEmpty()) w.and("subscription_tier = ANY(?)", Where.textArray(query.tiers()));
        if (!query.statuses().isEmpty()) {
            List<String> named = query.statuses().stream().filter(s -> !s.equals(UserQuery.NO_STATUS)).toList();
            String any = "subscription_status = ANY(?)";
            if (query.statuses().contains(UserQuery.NO_STATUS))
                w.and("(" + any + " OR subscription_status IS NULL)", Where.textArray(named));
            else w.and(any, Where.textArray(named));
        }
        if (query.lastLoginFrom() != null) w.and("last_login >= ?", Where.object(query.lastLoginFrom()));
        if (query.lastLoginTo() != null) w.and("last_login < ?", Where.object(query.lastLoginTo()));
        return w;
    }

    /**
     * Conditions on {@code cascade_users} for the users whose Venice username starts with {@code prefix},
     * served by the username index (see {@link PrefixRange}); other searches join users through it.
     */
    public Where usernamePrefix(String prefix, CancelSignal cancel) {
        return usernamePrefix(new Where(), prefix, connections.database(), cancel);
    }

    private Where usernamePrefix(Where w, String prefix, Database db, CancelSignal cancel) {
        PrefixRange range = PrefixRange.of(prefix, usernameOrdering(db, cancel));
        if (range.indexed()) w.and("venice_username >= ?", Where.text(range.lower()));
        if (range.upper() != null) w.and("venice_username < ?", Where.text(range.upper()));
        return w.and("starts_with(venice_username, ?)", Where.text(prefix));
    }

    /** How the username column's collation orders strings, read once: it decides the prefix range. */
    PrefixRange.Ordering usernameOrdering(Database db, CancelSignal cancel) {
        PrefixRange.Ordering known = usernameOrdering;
        if (known == null) {
            known = db.query("reading the username column's collation", 5, cancel, st -> {
                // to_jsonb: the locale columns were renamed across versions (daticulocale, datlocale)
                try (ResultSet rs = st.executeQuery("SELECT CASE WHEN c.collprovider IS NULL OR c.collprovider = 'd' "
                        + "THEN coalesce(to_jsonb(d) ->> 'datlocprovider', 'c') ELSE c.collprovider::text END, "
                        + "CASE WHEN c.collprovider IS NULL OR c.collprovider = 'd' "
                        + "THEN coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale', d.datcollate) "
                        + "ELSE coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale', c.collcollate) END "
                        + "FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation, pg_database d "
                        + "WHERE a.attrelid = 'cascade_users'::regclass AND a.attname = 'venice_username' AND d.datname = current_database()")) {
                    rs.next();
                    return ordering(rs.getString(1), rs.getString(2));
                }
            });
            usernameOrdering = known;
        }
        return known;
    }

    static PrefixRange.Ordering ordering(String provider, String locale) {
        if ("b".equals(provider)) return PrefixRange.Ordering.BYTES;   // builtin C and C.UTF-8 compare code points
        if ("i".equals(provider)) return PrefixRange.Ordering.ICU;
        return java.util.Set.of("C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic").contains(locale)
                ? PrefixRange.Ordering.BYTES : PrefixRange.Ordering.LINGUISTIC;
    }

    private List<String> indexDefinitions(CancelSignal cancel) {
        List<String> known = indexDefinitions;
        if (known == null) {
            known = connections.database().query("reading the users table's indexes", 5, cancel, st -> {
                List<String> defs = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = 'cascade_users'")) {
                    while (rs.next()) defs.add(rs.getString(1));
                }
                return defs;
            });
            indexDefinitions = known;
        }
        return known;
    }

    private static List<UserRow> read(PreparedStatement st) throws SQLException {
        List<UserRow> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next())
                rows.add(new UserRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getObject(7, LocalDateTime.class), rs.getObject(8, LocalDateTime.class)));
        }
        return rows;
    }
}
