package ai.cascade.ops.database;

import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example operator logins shipped in resources/db/operators get exactly their group's privileges. */
class OperatorLoginsTest {
    static String url;

    @BeforeAll
    static void runTheExampleScript() throws Exception {
        url = TestServers.freshDatabaseUrl("operator_logins");
        String sql = Files.readString(Path.of("resources/db/operators/operator-logins.sql"))
                .replace(":'support_password'", "'s3cret-support'").replace(":'monitoring_password'", "'s3cret-monitoring'");
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
            st.execute("INSERT INTO cascade_users(id, venice_username) VALUES (1, 'marco')");
            st.execute("INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, status) VALUES (1, 'sub_x', 'citizen', 'active')");
        }
    }

    private static String as(String login, String password) {
        return url.replace("postgres@", login + ":" + password + "@");
    }

    @Test
    void theSupportLoginMayEditOnlyTheMirroredColumns() throws SQLException {
        try (Database db = TestServers.open(as("maria_rossi", "s3cret-support")); Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE subscriptions SET tier = 'merchant', status = 'active'")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE cascade_users SET subscription_tier = 'merchant'")).isEqualTo(1);
            assertThatThrownBy(() -> st.executeUpdate("UPDATE cascade_users SET email = 'x@y.z'")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.executeUpdate("DELETE FROM subscriptions")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.executeUpdate("UPDATE subscriptions SET stripe_subscription_id = 'sub_y'")).hasMessageContaining("permission denied");
            try (ResultSet rs = st.executeQuery("SELECT pg_has_role('pg_signal_backend', 'MEMBER')")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    void theMonitoringLoginMayReadAndNotEdit() throws SQLException {
        try (Database db = TestServers.open(as("luca_bianchi", "s3cret-monitoring")); Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM subscriptions")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            assertThatThrownBy(() -> st.executeUpdate("UPDATE subscriptions SET tier = 'doge'")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO ops.audit_log(action) VALUES ('x')")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO ops.subscription_edit(kind, target, reason, method, path, idempotency_key) "
                    + "VALUES ('cancel_now', 'sub_x', 'r', 'DELETE', '/v1/subscriptions/sub_x', 'k')")).hasMessageContaining("permission denied");
        }
    }
}
