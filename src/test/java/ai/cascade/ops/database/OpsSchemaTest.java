package ai.cascade.ops.database;

import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsSchemaTest {
    static String url;
    static Database superuser;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("ops_schema");
        superuser = TestServers.open(url);
    }

    @AfterAll
    static void tearDown() {
        superuser.close();
    }

    @Test
    void theExpectedVersionIsTheNewestMigrationShipped() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("resources/db/ops"))) {
            int newest = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElse(0);
            assertThat(OpsSchema.EXPECTED_VERSION).isEqualTo(newest);
        }
    }

    @Test
    void aSupportLoginMayEditAndAMonitoringLoginMayOnlyRead() throws SQLException {
        exec("CREATE ROLE alice_support LOGIN IN ROLE cascade_ops_support",
                "CREATE ROLE bob_monitor LOGIN IN ROLE cascade_ops_monitoring");
        try (Database alice = TestServers.open(url.replace("postgres@", "alice_support@"));
             Database bob = TestServers.open(url.replace("postgres@", "bob_monitor@"))) {
            OpsSchema.Status a = OpsSchema.check(alice);
            OpsSchema.Status b = OpsSchema.check(bob);
            assertThat(a.writable()).isTrue();
            assertThat(a.canSignalBackends()).isTrue();
            assertThat(a.login()).isEqualTo("alice_support");
            assertThat(b.writable()).isFalse();
            assertThat(b.readOnlyReason()).contains("monitoring login");
        }
    }

    @Test
    void aDatabaseWithoutOpsSchemaWorksReadOnlyAndSaysWhy() throws SQLException {
        String bare = TestServers.servers().postgresUrl("postgres");
        try (Database db = TestServers.open(bare)) {
            OpsSchema.Status s = OpsSchema.check(db);
            assertThat(s.writable()).isFalse();
            assertThat(s.readOnlyReason()).contains("no CASCADE tables");
        }
    }

    @Test
    void theAuditLogIsAppendOnlyAndStampsTheRealLogin() throws SQLException {
        exec("CREATE ROLE carol_support LOGIN IN ROLE cascade_ops_support");
        try (Database carol = TestServers.open(url.replace("postgres@", "carol_support@"))) {
            carol.run("writing an audit entry", c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("INSERT INTO ops.audit_log(actor, action) VALUES ('someone_else', 'test')");
                }
            });
            String actor = superuser.run("reading", c -> {
                try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT actor FROM ops.audit_log WHERE action = 'test'")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(actor).isEqualTo("carol_support");
            assertThatThrownBy(() -> superuser.run("deleting audit", c -> c.createStatement().executeUpdate("DELETE FROM ops.audit_log")))
                    .hasMessageContaining("append-only");
        }
    }

    private static void exec(String... sql) throws SQLException {
        DataSource ds = TestServers.admin(url);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        }
    }
}
