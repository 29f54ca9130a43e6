package ai.cascade.ops.users;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A small, deliberately awkward set of users (quotes, %, _, backslashes, accents, emoji, mixed case)
 * written to a real database and kept in memory, so a test can compute the right answer in plain Java.
 */
final class UserFixture {
    record User(int id, String username, String email, String customerId, String tier, String status,
                LocalDateTime lastLogin, LocalDateTime createdAt, List<String> subscriptionIds) {}

    static final List<String> AWKWARD = List.of("Foscari_Banker", "foscari_lowercase", "Foscari", "Fos%ter", "Fos_ter", "O'Brien",
            "back\\slash", "_under", "__double", "%percent", "Zz_top", "zzz", "ZZZ", "9lives", "99", "Élise_Doge", "élise", "😀_emoji",
            "a", "A", "Ab", "ab_", "ab-c", "abc", "ab.c", "ab c", "ab'c", "x;DROP", "Venier_Marco", "Venier_Élise", "z", "Z9", "z9z");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789___%%''\\\\.-éÉüß😀";
    private static final String[] TIERS = {"observer", "citizen", "merchant", "doge", "legacy_gold"};
    private static final String[] STATUSES = {"active", "trialing", "past_due", "canceled", "unpaid", "paused", "incomplete", "incomplete_expired"};

    final List<User> users = new ArrayList<>();

    static UserFixture generate(int size, long seed) {
        Random rnd = new Random(seed);
        UserFixture f = new UserFixture();
        Set<String> names = new HashSet<>(AWKWARD);
        List<String> ordered = new ArrayList<>(AWKWARD);
        while (ordered.size() < size) {
            StringBuilder b = new StringBuilder();
            int len = 1 + rnd.nextInt(12);
            for (int i = 0; i < len; i++) b.appendCodePoint(ALPHABET.codePoints().toArray()[rnd.nextInt((int) ALPHABET.codePoints().count())]);
            if (names.add(b.toString())) ordered.add(b.toString());
        }
        LocalDateTime base = LocalDateTime.of(2026, 1, 1, 0, 0);
        for (int i = 0; i < ordered.size(); i++) {
            int id = i + 1;
            String name = ordered.get(i);
            String email = rnd.nextInt(10) == 0 ? null : (rnd.nextBoolean() ? name.toUpperCase() : name) + "@example.org";
            if (i % 97 == 0) email = "=HYPERLINK(\"x\")" + id + "@evil.example";
            boolean paid = rnd.nextInt(3) == 0;
            String customer = paid ? "cus_T" + Integer.toString(id * 7919, 36) : null;
            List<String> subs = new ArrayList<>();
            if (paid) for (int s = 0; s <= rnd.nextInt(2); s++) subs.add("sub_" + id + "x" + s);
            String tier = paid ? TIERS[1 + rnd.nextInt(TIERS.length - 1)] : "observer";
            String status = paid ? STATUSES[rnd.nextInt(STATUSES.length)] : null;
            LocalDateTime login = rnd.nextInt(5) == 0 ? null : base.plusMinutes(rnd.nextInt(500_000));
            LocalDateTime created = rnd.nextInt(50) == 0 ? null : base.minusMinutes(rnd.nextInt(500_000));
            f.users.add(new User(id, name, email, customer, tier, status, login, created, subs));
        }
        return f;
    }

    void writeTo(DataSource admin) throws SQLException {
        try (Connection c = admin.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement u = c.prepareStatement("INSERT INTO cascade_users (id, venice_username, email, stripe_customer_id, "
                    + "subscription_tier, subscription_status, last_login, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement s = c.prepareStatement("INSERT INTO subscriptions (user_id, stripe_subscription_id, tier, amount, status) VALUES (?, ?, ?, 900, ?)")) {
                for (User x : users) {
                    u.setInt(1, x.id());
                    u.setString(2, x.username());
                    u.setString(3, x.email());
                    u.setString(4, x.customerId());
                    u.setString(5, x.tier());
                    u.setString(6, x.status());
                    u.setObject(7, x.lastLogin(), java.sql.Types.TIMESTAMP);
                    u.setObject(8, x.createdAt(), java.sql.Types.TIMESTAMP);
                    u.addBatch();
                    for (String sub : x.subscriptionIds()) {
                        s.setInt(1, x.id());
                        s.setString(2, sub);
                        s.setString(3, x.tier());
                        s.setString(4, x.status());
                        s.addBatch();
                    }
                }
                u.executeBatch();
                s.executeBatch();
            }
            try (var st = c.createStatement()) {
                st.execute("SELECT setval('cascade_users_id_seq', (SELECT max(id) FROM cascade_users))");
                st.execute("ANALYZE cascade_users");
                st.execute("ANALYZE subscriptions");
            }
            c.commit();
        }
    }
}
