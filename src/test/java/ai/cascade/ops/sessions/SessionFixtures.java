package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Users, sessions, logins and Redis ACL users for the sessions tests. */
final class SessionFixtures {
    static final String JTI = "5b0c6a8e-2f1d-4c3b-9a7e-0d9f8e7c6b5a";

    private SessionFixtures() {}

    /** The clients of a profile, as the app's Workspace hands them out. */
    record TestConnections(Database database, RedisConnection redis) implements Connections {}

    static int user(String databaseUrl, String name, String tier) {
        try (Connection c = TestServers.admin(databaseUrl).getConnection();
             PreparedStatement st = c.prepareStatement("INSERT INTO cascade_users(venice_username, subscription_tier) VALUES (?, ?) RETURNING id")) {
            st.setString(1, name);
            st.setString(2, tier);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void exec(String databaseUrl, String... sql) {
        try (Connection c = TestServers.admin(databaseUrl).getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
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

    static List<String> column(String databaseUrl, String sql) {
        try (Connection c = TestServers.admin(databaseUrl).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Postgres login role in a group; roles belong to the whole test cluster, so each test class uses its own names. */
    static Database login(String databaseUrl, String role, String group) {
        exec(databaseUrl, "DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN" + (group == null ? "" : " IN ROLE " + group));
        return TestServers.open(databaseUrl.replace("postgres@", role + "@"));
    }

    /** A session value as the backend writes it; {@code exp} in Unix seconds, or null to leave it out. */
    static String sessionJson(int userId, String username, String jti, Long exp) {
        return "{\"user_id\": " + userId + ", \"venice_username\": \"" + username + "\""
                + (jti == null ? "" : ", \"jti\": \"" + jti + "\"") + (exp == null ? "" : ", \"exp\": " + exp)
                + ", \"created_at\": \"2026-01-15T09:00:00Z\", \"last_seen\": \"2026-01-15T09:41:07Z\", "
                + "\"ip\": \"93.41.12.7\", \"user_agent\": \"CascadeApp/2.3.1 (iPhone; iOS 17.5; Scale/3.00)\"}";
    }

    /** The ACL line of {@code role} ("monitoring" or "support") in resources/redis/cascade-ops-acl.txt, as command words. */
    static String[] aclLine(String role, String user, String password) {
        try (InputStream in = SessionFixtures.class.getResourceAsStream("/redis/cascade-ops-acl.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            boolean inRole = false;
            for (String line : text.split("\n")) {
                if (line.startsWith("# role: ")) inRole = line.startsWith("# role: " + role + ":");
                else if (inRole && line.startsWith("ACL SETUSER "))
                    return line.substring("ACL ".length()).replace("{user}", user).replace("{password}", password).split(" ");
            }
            throw new IllegalStateException("no ACL line for role " + role);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the ACL user of {@code role} on the test Redis (with the file's own rules) and connects as it. */
    static RedisConnection redisAs(RedisConnection admin, String role, String user) {
        String[] words = aclLine(role, user, "pw-" + user);
        admin.run("creating ACL user " + user, c -> c.dispatch(io.lettuce.core.protocol.CommandType.ACL,
                new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).addValues(words)));
        String url = TestServers.redisUrl().replace("redis://", "redis://" + user + ":pw-" + user + "@");
        try {
            return new RedisConnection(RedisAddress.parse(url));
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Removes an ACL user: the test Redis serves the whole run, and FLUSHALL keeps users. */
    static void dropRedisUser(RedisConnection admin, String user) {
        admin.run("removing ACL user " + user, c -> c.aclDeluser(user));
    }
}
