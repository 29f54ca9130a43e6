package ai.cascade.ops.backend;

import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Postgres health check against a real server, a closed port and a server that never answers. */
class PostgresProbeTest {
    private static final Duration HANG_BOUND = Duration.ofSeconds(10);
    private static Database database;

    @BeforeAll
    static void startDatabase() {
        database = TestServers.freshDatabase("postgres_probe");
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    /** The console's own check: one SELECT 1 on a pooled connection, limited to 3 s. */
    static Probe selectOne(Database db) {
        return () -> db.run("checking the connection", c -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(3);
                st.execute("SELECT 1");
            }
            return null;
        });
    }

    private static Database at(String url) throws InvalidSettingException {
        return new Database(PostgresAddress.parse(url), "cascade-ops-test", 2);
    }

    @Test
    void aRunningPostgresIsConnectedWithItsLatency() throws InterruptedException {
        ProbeRun.Result r = ProbeRun.once(Backend.POSTGRES, selectOne(database), HANG_BOUND);

        assertThat(r.health().state()).as(r.health().message()).isEqualTo(Health.State.CONNECTED);
        assertThat(r.health().latency()).isNotNull().isPositive();
        assertThat(r.health().checkedAt()).isNotNull();
    }

    @Test
    void aPortWhereNothingListensIsDownWithinSecondsAndSaysRefused() throws Exception {
        int port = SilentServer.portWhereNothingListens();
        try (Database nowhere = at("postgresql://postgres@127.0.0.1:" + port + "/cascade")) {
            ProbeRun.Result r = ProbeRun.once(Backend.POSTGRES, selectOne(nowhere), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).contains("refused").contains("127.0.0.1:" + port);
            assertThat(r.health().latency()).isNull();
            assertThat(r.took()).isLessThan(HANG_BOUND);
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsDownWithinSecondsNotAHang() throws Exception {
        try (SilentServer silent = new SilentServer();
             Database stuck = at("postgresql://postgres@127.0.0.1:" + silent.port() + "/cascade")) {
            ProbeRun.Result r = ProbeRun.once(Backend.POSTGRES, selectOne(stuck), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).contains("127.0.0.1:" + silent.port()).contains("did not answer in time");
            assertThat(silent.connectionsAccepted()).as("the driver did reach the silent server").isPositive();
        }
    }

    @Test
    void aDatabaseThatDoesNotExistIsDownAndSaysSo() throws Exception {
        String url = TestServers.servers().postgresUrl("no_such_database");
        try (Database missing = at(url)) {
            ProbeRun.Result r = ProbeRun.once(Backend.POSTGRES, selectOne(missing), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).contains("\"no_such_database\" does not exist");
        }
    }

    @Test
    void thePasswordOfTheUrlNeverAppearsInAFailure() throws Exception {
        int port = SilentServer.portWhereNothingListens();
        try (Database nowhere = at("postgresql://ops:pg-s3cr3t@127.0.0.1:" + port + "/cascade")) {
            ProbeRun.Result r = ProbeRun.once(Backend.POSTGRES, selectOne(nowhere), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).doesNotContain("pg-s3cr3t");
        }
    }

    @Test
    void anUnknownHostIsDownAndNamesTheHost() throws Exception {
        try (Database nowhere = at("postgresql://postgres@no-such-host.invalid:5432/cascade")) {
            ProbeRun.Result r = ProbeRun.once(Backend.POSTGRES, selectOne(nowhere), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).contains("no-such-host.invalid").contains("unknown");
        }
    }

    @Test
    void aMissingTableIsExplainedNotShownAsADriverError() {
        BackendException e = catchThrowableOfType(BackendException.class, () ->
                database.run("reading the nonexistent table", c -> {
                    try (Statement st = c.createStatement()) {
                        return st.executeQuery("SELECT * FROM no_such_table");
                    }
                }));

        assertThat(e.backend()).isEqualTo(Backend.POSTGRES);
        assertThat(e.getMessage()).contains("has no such table while reading the nonexistent table");
    }
}
