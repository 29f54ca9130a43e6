package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Subscriptions across configured tiers (monthly, yearly and weekly; EUR, USD and JPY), an unconfigured
 * tier and a missing one, every Stripe status and none, missing amounts, periods and dates, and users whose
 * names a spreadsheet would run as formulas. Written to a real database and kept in memory, so a test
 * computes the right answer in plain Java. Periods end a whole number of days plus 12 hours from the
 * database's "now", so "ends within N days" has one answer for half a day after the fixture is written.
 */
final class SubscriptionFixture {
    record User(int id, String username, String email, String customerId) {}

    record Sub(int id, Integer userId, String username, String subscriptionId, String tier, Integer amount, String status,
               LocalDateTime periodStart, LocalDateTime periodEnd, LocalDateTime createdAt) {}

    static final List<Tier> TIERS = List.of(
            new Tier("observer", "", "month", "eur", 0),
            new Tier("citizen", "price_citizen_monthly", "month", "eur", 900),
            new Tier("merchant", "price_merchant_monthly", "month", "eur", 2900),
            new Tier("patrician", "price_patrician_yearly", "year", "eur", 29900),
            new Tier("doge", "price_doge_monthly", "month", "usd", 9900),
            new Tier("doge_annual", "price_doge_yearly", "year", "usd", 99900),
            new Tier("gondolier", "price_gondolier_weekly", "week", "jpy", 700));
    /** Tiers in the table: the configured paid ones, one the configuration lacks, and none at all (null). */
    static final String[] TABLE_TIERS = {"citizen", "citizen", "merchant", "patrician", "doge", "doge_annual", "gondolier", "legacy_gold", null};
    static final Map<String, Integer> PRICES = Map.of("citizen", 900, "merchant", 2900, "patrician", 29900, "doge", 9900,
            "doge_annual", 99900, "gondolier", 700, "legacy_gold", 4900);
    static final List<String> SPREADSHEET_NAMES = List.of("=HYPERLINK(\"http://evil\")", "+39 Bragadin", "-Morosini", "@Dandolo",
            "Foscari, \"il Doge\"");

    final List<User> users = new ArrayList<>();
    final List<Sub> subs = new ArrayList<>();
    LocalDateTime now;

    /** {@code size} subscriptions over 300 users, the same for the same seed. */
    static SubscriptionFixture write(DataSource admin, int size, long seed) throws SQLException {
        SubscriptionFixture f = new SubscriptionFixture();
        try (Connection c = admin.getConnection()) {
            f.now = databaseNow(c);
            f.writeUsers(c);
            f.writeSubscriptions(c, size, new SplittableRandom(seed));
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE cascade_users");
                st.execute("ANALYZE subscriptions");
            }
        }
        return f;
    }

    private static LocalDateTime databaseNow(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT date_trunc('second', now() AT TIME ZONE 'UTC')")) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class);
        }
    }

    private void writeUsers(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO cascade_users(id, venice_username, email, stripe_customer_id) VALUES (?, ?, ?, ?)")) {
            for (int id = 1; id <= 300; id++) {
                String name = id <= SPREADSHEET_NAMES.size() ? SPREADSHEET_NAMES.get(id - 1) : "Citizen_" + id;
                User u = new User(id, name, "citizen" + id + "@example.org", id % 10 == 0 ? null : "cus_F" + id);
                users.add(u);
                st.setInt(1, id);
                st.setString(2, u.username());
                st.setString(3, u.email());
                st.setString(4, u.customerId());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private void writeSubscriptions(Connection c, int size, SplittableRandom rnd) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO subscriptions(id, user_id, stripe_subscription_id, tier, amount, status, "
                + "current_period_start, current_period_end, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int id = 1; id <= size; id++) {
                Sub s = next(id, rnd);
                subs.add(s);
                st.setInt(1, s.id());
                st.setObject(2, s.userId(), Types.INTEGER);
                st.setString(3, s.subscriptionId());
                st.setString(4, s.tier());
                st.setObject(5, s.amount(), Types.INTEGER);
                st.setString(6, s.status());
                st.setObject(7, s.periodStart(), Types.TIMESTAMP);
                st.setObject(8, s.periodEnd(), Types.TIMESTAMP);
                st.setObject(9, s.createdAt(), Types.TIMESTAMP);
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private Sub next(int id, SplittableRandom rnd) {
        Integer userId = rnd.nextInt(100) == 0 ? null : 1 + rnd.nextInt(users.size());
        String tier = TABLE_TIERS[rnd.nextInt(TABLE_TIERS.length)];
        Integer amount = tier == null || rnd.nextInt(30) == 0 ? null : PRICES.get(tier) * (1 + rnd.nextInt(3));
        List<String> statuses = SubscriptionQuery.STATUSES;
        String status = rnd.nextInt(20) == 0 ? null : statuses.get(rnd.nextInt(statuses.size()));
        if (id <= SPREADSHEET_NAMES.size()) {   // the formula-like names hold an active citizen subscription each
            userId = id;
            tier = "citizen";
            amount = PRICES.get(tier);
            status = "active";
        }
        String username = userId == null ? null : users.get(userId - 1).username();
        LocalDateTime end = rnd.nextInt(20) == 0 ? null : now.plusDays(rnd.nextInt(-60, 120)).plusHours(12);
        LocalDateTime start = end == null ? null : end.minusMonths(1);
        // whole days make ties, so the keyset's id tiebreak is exercised
        LocalDateTime created = rnd.nextInt(30) == 0 ? null : now.minusDays(rnd.nextInt(1, 800));
        String subscriptionId = rnd.nextInt(50) == 0 ? null : "sub_F" + Integer.toString(id * 7919, 36);
        return new Sub(id, userId, username, subscriptionId, tier, amount, status, start, end, created);
    }

    /** The subscriptions that satisfy {@code filter}, in the order the query's sort gives them. */
    List<Sub> matching(Predicate<Sub> filter, SubscriptionSort sort, boolean ascending) {
        Comparator<Sub> order = order(sort);
        return subs.stream().filter(filter).sorted(ascending ? order : order.reversed()).toList();
    }

    List<Integer> ids(Predicate<Sub> filter, SubscriptionSort sort, boolean ascending) {
        return matching(filter, sort, ascending).stream().map(Sub::id).toList();
    }

    /** Missing values sort lowest, as the directory's coalesce does. */
    static Comparator<Sub> order(SubscriptionSort sort) {
        Comparator<Sub> byId = Comparator.comparingInt(Sub::id);
        return switch (sort) {
            case ID -> byId;
            case AMOUNT -> Comparator.comparingLong((Sub s) -> s.amount() == null ? Long.MIN_VALUE : s.amount()).thenComparing(byId);
            case PERIOD_END -> Comparator.comparing((Sub s) -> s.periodEnd() == null ? LocalDateTime.MIN : s.periodEnd()).thenComparing(byId);
            case CREATED -> Comparator.comparing((Sub s) -> s.createdAt() == null ? LocalDateTime.MIN : s.createdAt()).thenComparing(byId);
        };
    }

    /** Whether the subscription's period ends between now and now + {@code days}. */
    boolean endsWithin(Sub s, int days) {
        return s.periodEnd() != null && !s.periodEnd().isBefore(now) && !s.periodEnd().isAfter(now.plusDays(days));
    }

    static Connections connections(Database database) {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis here"); }
        };
    }
}
