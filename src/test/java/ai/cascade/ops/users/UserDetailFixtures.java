package ai.cascade.ops.users;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.venice.VeniceHttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** The users, subscriptions and collaboration sessions the user detail tests look at, and their connections. */
public final class UserDetailFixtures {
    public static final String FOSCARI = "Foscari_Banker";
    public static final String CUSTOMER = "cus_QXg1o8vcGmoR32";
    static final String EMAIL = "marco.foscari@example.com";
    static final String JTI = "5b0c6a8e-2f1d-4c3b-9a7e-0d9f8e7c6b5a";

    private UserDetailFixtures() {}

    /** The clients of a profile, as the app's Workspace hands them out; Stripe and Venice may be absent. */
    record TestConnections(Database database, RedisConnection redis, StripeAccess stripeAccess, VeniceHttp veniceHttp)
            implements Connections {
        @Override public Optional<StripeAccess> stripe() { return Optional.ofNullable(stripeAccess); }
        @Override public Optional<VeniceHttp> venice() { return Optional.ofNullable(veniceHttp); }
    }

    /** The ids of the users inserted by {@link #insertUsers}. */
    public record Users(int foscari, int contarini, int darco, int nobody) {}

    public static Users insertUsers(String databaseUrl) {
        try (Connection c = TestServers.admin(databaseUrl).getConnection()) {
            int foscari = user(c, FOSCARI, EMAIL, CUSTOMER, "maestro", "active", "2026-01-15 09:00:00", "2025-03-01 12:00:00",
                    "{\"locale\": \"it\", \"beta\": true}");
            int contarini = user(c, "Contarini_Doge", "doge@example.com", null, "observer", null, null, "2025-04-01 08:00:00", null);
            int darco = user(c, "D'Arco_Glass", null, null, "observer", null, null, "2025-05-01 08:00:00", null);
            int nobody = user(c, "Nobody_Here", null, null, "observer", null, null, "2025-06-01 08:00:00", null);
            exec(c, "INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status, current_period_start, current_period_end, created_at) VALUES "
                    + "(" + foscari + ", 'sub_old', 'patrono', 900, 'canceled', '2024-11-01', '2024-12-01', '2024-11-01 10:00:00'),"
                    + "(" + foscari + ", 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw', 'maestro', 3000, 'active', '2026-01-01', '2026-02-01', '2025-12-01 10:00:00'),"
                    + "(" + foscari + ", 'sub_mid', 'patrono', 900, 'past_due', '2025-05-01', '2025-06-01', '2025-05-01 10:00:00'),"
                    + "(" + contarini + ", 'sub_other', 'patrono', 900, 'active', '2026-01-01', '2026-02-01', '2026-01-01 10:00:00')");
            exec(c, "INSERT INTO collaboration_sessions(owner_id, participants, created_at, ended_at) VALUES "
                    + "(" + foscari + ", '[\"Foscari_Banker\", \"Contarini_Doge\"]', '2026-01-15 10:00:00', NULL),"      // owns, open
                    + "(" + contarini + ", '[\"Contarini_Doge\", \"Foscari_Banker\"]', '2026-01-15 11:00:00', NULL),"    // joins, open
                    + "(" + foscari + ", '[\"Foscari_Banker\"]', '2026-01-10 10:00:00', '2026-01-10 11:00:00'),"         // owned, ended
                    + "(" + contarini + ", '[\"Foscari_Banker_2\"]', '2026-01-15 12:00:00', NULL),"                      // a similar name
                    + "(" + contarini + ", '{\"Foscari_Banker\": true}', '2026-01-15 13:00:00', NULL),"                  // not an array
                    + "(" + contarini + ", '[\"D''Arco_Glass\"]', '2026-01-15 14:00:00', NULL)");                         // a quote in the name
            return new Users(foscari, contarini, darco, nobody);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int user(Connection c, String name, String email, String customer, String tier, String status,
                            String lastLogin, String created, String metadata) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO cascade_users(venice_username, email, stripe_customer_id, "
                + "subscription_tier, subscription_status, last_login, created_at, metadata) "
                + "VALUES (?, ?, ?, ?, ?, ?::timestamp, ?::timestamp, ?::jsonb) RETURNING id")) {
            st.setString(1, name);
            st.setString(2, email);
            st.setString(3, customer);
            st.setString(4, tier);
            st.setString(5, status);
            st.setString(6, lastLogin);
            st.setString(7, created);
            st.setString(8, metadata);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Runs statements as the database's superuser (set-up, and checking what the app wrote). */
    static void exec(String databaseUrl, String... sql) {
        try (Connection c = TestServers.admin(databaseUrl).getConnection()) {
            exec(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        }
    }

    static long count(String databaseUrl, String sql) {
        try (Connection c = TestServers.admin(databaseUrl).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A login role; roles belong to the whole test cluster, so each test class uses its own names. */
    static Database login(String databaseUrl, String role, String group) {
        String grant = group == null ? "" : " IN ROLE " + group;
        exec(databaseUrl, "CREATE ROLE " + role + " LOGIN" + grant);
        return TestServers.open(databaseUrl.replace("postgres@", role + "@"));
    }

    /** A Redis client whose server is gone: nothing listens on its port. */
    static RedisConnection redisNowhere() {
        try {
            return new RedisConnection(RedisAddress.parse("redis://127.0.0.1:" + closedPort()));
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A session value as the backend writes it. */
    static String sessionJson(int userId) {
        return "{\"user_id\": " + userId + ", \"venice_username\": \"" + FOSCARI + "\", \"jti\": \"" + JTI + "\", "
                + "\"exp\": 1768500000, \"created_at\": \"2026-01-15T09:00:00Z\", \"last_seen\": \"2026-01-15T09:41:07Z\", "
                + "\"ip\": \"93.41.12.7\", \"user_agent\": \"CascadeApp/2.3.1 (iPhone; iOS 17.5; Scale/3.00)\"}";
    }

    /** A wire fixture under src/test/resources (stripe/, venice/). */
    static String fixture(String path) {
        try (InputStream in = UserDetailFixtures.class.getResourceAsStream("/" + path)) {
            if (in == null) throw new IllegalArgumentException("no test fixture " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
