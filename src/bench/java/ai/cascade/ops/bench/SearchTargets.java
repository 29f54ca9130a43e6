package ai.cascade.ops.bench;

import ai.cascade.ops.database.Database;
import ai.cascade.ops.users.SearchText;
import ai.cascade.ops.users.UserQuery;
import ai.cascade.ops.users.UserRow;
import ai.cascade.ops.users.UserSort;

import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the search benchmark looks for, taken from the data itself with a seeded sample: existing
 * usernames (cut to prefixes of 3 to 6 characters), emails, Stripe customer and subscription ids,
 * user ids, and anchors deep in the table for the next page. Every call gets its own target, so the
 * timings are not of one cached row.
 */
final class SearchTargets {
    /** One call of {@code UserDirectory.page(query, anchor, true, 200, …)}. */
    record Call(UserQuery query, UserRow anchor) {}

    /** A measured figure: its name in the BENCH lines, what it is, and its calls (warm-up first). */
    record Figure(String key, String label, boolean goal50ms, List<Call> calls) {}

    private SearchTargets() {}

    static List<Figure> sample(Database db, long seed, int calls) {
        double percent = Math.min(100, 0.3 * Math.max(1, calls / 70.0));   // ~3,000 users for 70 calls
        List<UserRow> users = db.run("sampling users for the benchmark", c -> {
            List<UserRow> rows = new ArrayList<>();
            try (var st = c.prepareStatement("SELECT id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status, "
                    + "last_login, created_at FROM cascade_users TABLESAMPLE BERNOULLI (?) REPEATABLE (?)")) {
                st.setDouble(1, percent);
                st.setDouble(2, seed);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next())
                        rows.add(new UserRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getObject(7, LocalDateTime.class), rs.getObject(8, LocalDateTime.class)));
                }
            }
            return rows;
        });
        List<String> subscriptionIds = db.run("sampling subscriptions for the benchmark", c -> {
            List<String> ids = new ArrayList<>();
            try (var st = c.prepareStatement("SELECT stripe_subscription_id FROM subscriptions TABLESAMPLE BERNOULLI (?) REPEATABLE (?) "
                    + "WHERE stripe_subscription_id IS NOT NULL")) {
                st.setDouble(1, percent);
                st.setDouble(2, seed);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
            }
            return ids;
        });
        Random rnd = new Random(seed);
        Collections.shuffle(users, rnd);
        Collections.shuffle(subscriptionIds, rnd);

        List<String> prefixes = new ArrayList<>();
        for (UserRow u : users) {
            int n = 3 + rnd.nextInt(4);
            if (u.username().length() >= n) prefixes.add(u.username().substring(0, n));
        }
        UserQuery everyone = UserQuery.of("");
        return List.of(
                searches("username-prefix", "username prefix", true, prefixes, SearchText.Kind.USERNAME_PREFIX, calls),
                searches("email", "email", false, users.stream().map(UserRow::email).toList(), SearchText.Kind.EMAIL, calls),
                searches("customer-id", "customer id", true, users.stream().map(UserRow::customerId).toList(), SearchText.Kind.CUSTOMER_ID, calls),
                searches("subscription-id", "subscription id", true, subscriptionIds, SearchText.Kind.SUBSCRIPTION_ID, calls),
                searches("user-id", "user id", false, users.stream().map(u -> Integer.toString(u.id())).toList(), SearchText.Kind.USER_ID, calls),
                new Figure("next-page-id", "next page, id order", true,
                        take(users, u -> u.id() > BenchDemo.USERS / 10, u -> new Call(everyone, u), calls, "deep anchors")),
                new Figure("next-page-username", "next page, username order", true,
                        take(users, u -> true, u -> new Call(everyone.withSort(UserSort.USERNAME, true), u), calls, "username anchors")));
    }

    /** Searches for texts the app understands as {@code kind} (messy records that read as another kind are skipped). */
    private static Figure searches(String key, String label, boolean goal, List<String> texts, SearchText.Kind kind, int calls) {
        Predicate<String> fits = t -> t != null && SearchText.parse(t).kind() == kind && SearchText.parse(t).value().equals(t);
        return new Figure(key, label, goal, take(texts, fits, t -> new Call(UserQuery.of(t), null), calls, label + " targets"));
    }

    /** {@code n} calls from the items that fit, each item once; cycles (and says so) when the sample holds too few. */
    private static <T> List<Call> take(List<T> items, Predicate<T> fits, Function<T, Call> call, int n, String what) {
        List<Call> calls = new ArrayList<>(n);
        List<T> fitting = items.stream().filter(fits).distinct().toList();
        if (fitting.isEmpty()) throw new IllegalStateException("the sample holds no " + what);
        if (fitting.size() < n) System.err.printf("note: only %d distinct %s for %d calls; some repeat%n", fitting.size(), what, n);
        for (int i = 0; i < n; i++) calls.add(call.apply(fitting.get(i % fitting.size())));
        return calls;
    }
}
