package ai.cascade.ops.audit;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * An audit log with a history: entries an hour apart from 2026-01-01 (UTC), by three people, of five actions,
 * with a few awkward texts. The server stamps who and when on every insert; to write a past with several
 * people, the fixture (as the superuser) pauses that trigger while it writes, then restores it.
 */
final class AuditFixture {
    static final LocalDateTime START = LocalDateTime.of(2026, 1, 1, 0, 0);
    static final List<String> ACTORS = List.of("alice_support", "bob_support", "carol_support");
    static final List<String> ACTIONS = List.of("revoke-session", "reset-rate-limit", "subscription.change_tier",
            "subscription.cancel_now", "invoice.refund");
    static final String FORMULA_REASON = "=HYPERLINK(\"http://evil.example\",\"click\")";

    /** One entry as written; {@code id} as the server gave it. */
    record Written(long id, LocalDateTime at, String actor, String action, String target, String reason, String details) {
        boolean contains(String text) {
            String t = text.toLowerCase(Locale.ROOT);
            return lower(target).contains(t) || lower(reason).contains(t) || lower(action).contains(t);
        }

        private static String lower(String s) { return s == null ? "" : s.toLowerCase(Locale.ROOT); }
    }

    final List<Written> entries = new ArrayList<>();

    /** Writes {@code n} entries (the last few with the awkward texts) to the database behind {@code admin}. */
    static AuditFixture write(DataSource admin, int n) throws SQLException {
        AuditFixture f = new AuditFixture();
        try (Connection c = admin.getConnection()) {
            exec(c, "ALTER TABLE ops.audit_log DISABLE TRIGGER audit_log_stamp");
            try (PreparedStatement st = c.prepareStatement("INSERT INTO ops.audit_log(at, actor, profile, action, target, reason, details) "
                    + "VALUES (?, ?, 'production', ?, ?, ?, ?::jsonb) RETURNING id")) {
                for (int i = 0; i < n; i++) f.entries.add(insert(st, i, n));
            } finally {
                exec(c, "ALTER TABLE ops.audit_log ENABLE TRIGGER audit_log_stamp");
            }
        }
        return f;
    }

    private static Written insert(PreparedStatement st, int i, int n) throws SQLException {
        LocalDateTime at = START.plusHours(i);
        String actor = ACTORS.get(i % ACTORS.size());
        String action = ACTIONS.get(i % ACTIONS.size());
        String target = switch (n - i) {
            case 1 -> "coupon 100% off";
            case 2 -> "coupon 100X off";
            case 3 -> "plan 50_50";
            case 4 -> "plan 50X50";
            default -> action.startsWith("subscription.") ? "sub_" + i : "cascade:session:" + i;
        };
        String reason = n - i == 5 ? FORMULA_REASON : "Ticket " + (1000 + i) + ": customer asked";
        String details = action.startsWith("subscription.")
                ? "{\"before\": {\"tier\": \"citizen\", \"amount\": 900}, \"after\": {\"tier\": \"merchant\", \"amount\": 2900}, \"journal\": " + i + "}"
                : "{\"user_id\": " + i + ", \"previous\": 17}";
        st.setObject(1, at);
        st.setString(2, actor);
        st.setString(3, action);
        st.setString(4, target);
        st.setString(5, reason);
        st.setString(6, details);
        try (var rs = st.executeQuery()) {
            rs.next();
            return new Written(rs.getLong(1), at, actor, action, target, reason, details);
        }
    }

    /** The ids of the entries {@code keep} lets through, newest first. */
    List<Long> idsNewestFirst(Predicate<Written> keep) {
        return entries.stream().filter(keep).sorted(Comparator.comparingLong(Written::id).reversed()).map(Written::id).toList();
    }

    Written byReason(String reason) {
        return entries.stream().filter(e -> reason.equals(e.reason())).findFirst().orElseThrow();
    }

    static Connections connections(Database database) {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis here"); }
        };
    }

    /** A login of {@code group} with a password, and a pool connected as it; roles belong to the whole test cluster. */
    static Database login(String databaseUrl, String roleStem, String group) throws SQLException {
        String role = roleStem + "_" + databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);   // unique per fresh database
        try (Connection c = TestServers.admin(databaseUrl).getConnection()) {
            exec(c, "CREATE ROLE " + role + " LOGIN PASSWORD 'audit-reader-pw' IN ROLE " + group);
        }
        return TestServers.open(databaseUrl.replace("postgres@", role + ":audit-reader-pw@"));
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
