package ai.cascade.ops.users;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.users.UserDetailFixtures.TestConnections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening a user's detail leaves a record of who viewed whom and when, which nobody can change afterwards. */
class UserDetailAccessTest {
    static String url;
    static RedisConnection redis;
    static UserDetailFixtures.Users users;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("user_detail_access");
        redis = TestServers.freshRedis();
        users = UserDetailFixtures.insertUsers(url);
    }

    @AfterAll
    static void tearDown() {
        redis.close();
    }

    private static UserDetails detailsAs(Database login) {
        return new UserDetails(new TestConnections(login, redis, null, null), "production-eu");
    }

    @Test
    void theRecordNamesTheRealLoginTheProfileTheUserAndTheTimeInUtc() throws Exception {
        try (Database erin = UserDetailFixtures.login(url, "erin_support", "cascade_ops_support")) {
            LocalDateTime before = LocalDateTime.now(ZoneOffset.UTC).minusSeconds(5);

            UserDetails.Access a = detailsAs(erin).recordAccess(users.foscari(), CancelSignal.NONE);

            assertThat(a.viewer()).isEqualTo("erin_support");
            assertThat(a.at()).isBetween(before, LocalDateTime.now(ZoneOffset.UTC).plusSeconds(5));
            try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT viewer, profile, user_id, what, at FROM ops.personal_data_access WHERE id = " + a.id())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("viewer")).isEqualTo("erin_support");
                assertThat(rs.getString("profile")).isEqualTo("production-eu");
                assertThat(rs.getInt("user_id")).isEqualTo(users.foscari());
                assertThat(rs.getString("what")).isEqualTo("user detail");
                assertThat(rs.getObject("at", LocalDateTime.class)).isEqualTo(a.at());
            }
        }
    }

    @Test
    void aClientCannotWriteSomeoneElsesNameOrAnotherTimeIntoTheRecord() {
        try (Database frank = UserDetailFixtures.login(url, "frank_support", "cascade_ops_support")) {
            frank.run("forging a record", c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("INSERT INTO ops.personal_data_access(viewer, at, user_id, what) "
                            + "VALUES ('someone_else', '2001-01-01', " + users.contarini() + ", 'forged')");
                }
            });
        }
        assertThat(UserDetailFixtures.count(url, "SELECT count(*) FROM ops.personal_data_access WHERE what = 'forged' "
                + "AND viewer = 'frank_support' AND at > now() AT TIME ZONE 'UTC' - interval '1 minute'")).isEqualTo(1);
    }

    @Test
    void theRecordCannotBeChangedDeletedOrTruncatedEvenByTheOwner() {
        try (Database owner = TestServers.open(url)) {
            detailsAs(owner).recordAccess(users.contarini(), CancelSignal.NONE);
            for (String sql : new String[]{"UPDATE ops.personal_data_access SET viewer = 'nobody'",
                    "DELETE FROM ops.personal_data_access", "TRUNCATE ops.personal_data_access"}) {
                assertThatThrownBy(() -> owner.run("tampering", c -> c.createStatement().executeUpdate(sql)))
                        .as(sql).hasMessageContaining("ops.personal_data_access is append-only");
            }
        }
        assertThat(UserDetailFixtures.count(url, "SELECT count(*) FROM ops.personal_data_access WHERE viewer = 'nobody'")).isZero();
    }

    @Test
    void aMonitoringLoginMayRecordItsViewAndThenReadTheUser() {
        try (Database gina = UserDetailFixtures.login(url, "gina_monitor", "cascade_ops_monitoring")) {
            UserDetails asGina = detailsAs(gina);

            assertThat(asGina.recordAccess(users.foscari(), CancelSignal.NONE).viewer()).isEqualTo("gina_monitor");
            assertThat(asGina.account(users.foscari(), CancelSignal.NONE).username()).isEqualTo(UserDetailFixtures.FOSCARI);
            assertThat(asGina.collaborations(users.foscari(), UserDetailFixtures.FOSCARI, CancelSignal.NONE)).hasSize(2);
        }
    }

    @Test
    void aMonitoringLoginCannotTamperWithTheRecordEither() {
        try (Database hugo = UserDetailFixtures.login(url, "hugo_monitor", "cascade_ops_monitoring")) {
            detailsAs(hugo).recordAccess(users.foscari(), CancelSignal.NONE);
            assertThatThrownBy(() -> hugo.run("tampering", c -> c.createStatement().executeUpdate("DELETE FROM ops.personal_data_access")))
                    .isInstanceOf(BackendException.class).hasMessageContaining("lacks the privilege");
        }
    }

    @Test
    void aLoginOutsideTheOpsRolesCannotRecordAndIsToldWhyNothingIsShown() {
        try (Database ivan = UserDetailFixtures.login(url, "ivan_nobody", null)) {
            assertThatThrownBy(() -> detailsAs(ivan).recordAccess(users.foscari(), CancelSignal.NONE))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("ivan_nobody").hasMessageContaining("Nothing about this user is shown");
        }
    }

    @Test
    void aServerWithoutTheVersion2SchemaIsExplainedAsAMigrationToRun() {
        try (Database bare = TestServers.open(TestServers.servers().postgresUrl("postgres"))) {
            assertThatThrownBy(() -> detailsAs(bare).recordAccess(1, CancelSignal.NONE))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("older than version 2").hasMessageContaining("migration command");
        }
    }
}
