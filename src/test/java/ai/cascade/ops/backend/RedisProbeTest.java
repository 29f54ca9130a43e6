package ai.cascade.ops.backend;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Redis health check against the real test Redis, a closed port, a server that never answers, and an ACL user. */
class RedisProbeTest {
    private static final Duration HANG_BOUND = Duration.ofSeconds(10);
    private static final String ACL_USER = "monitor";
    private static final String ACL_PASSWORD = "secretpw";

    private static RedisConnection admin;

    @BeforeAll
    static void connectAsAdmin() throws InvalidSettingException {
        admin = new RedisConnection(RedisAddress.parse(TestServers.redisUrl()));
    }

    @AfterEach
    void removeAclUser() {
        admin.run("removing the test ACL user", c -> c.aclDeluser(ACL_USER));
    }

    @AfterAll
    static void closeAdmin() {
        admin.close();
    }

    /** The console's own check: one PING on the shared connection. */
    static Probe ping(RedisConnection redis) {
        return () -> {
            redis.run("PING", c -> c.ping());
            return null;
        };
    }

    private static RedisConnection at(String url) throws InvalidSettingException {
        return new RedisConnection(RedisAddress.parse(url));
    }

    /** A monitoring user as an administrator would create it: read commands, PING and INFO on all keys. */
    private static void createMonitorUser() {
        admin.run("creating the test ACL user", c -> c.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(ACL_USER).add("on").add(">" + ACL_PASSWORD)
                        .add("+@read").add("+ping").add("+info").add("~*")));
    }

    private static String urlFor(String user, String password) {
        return TestServers.redisUrl().replace("redis://", "redis://" + user + ":" + password + "@");
    }

    @Test
    void theRunningTestRedisIsConnected() throws Exception {
        try (RedisConnection redis = at(TestServers.redisUrl())) {
            ProbeRun.Result r = ProbeRun.once(Backend.REDIS, ping(redis), HANG_BOUND);

            assertThat(r.health().state()).as(r.health().message()).isEqualTo(Health.State.CONNECTED);
            assertThat(r.health().latency()).isNotNull().isPositive();
        }
    }

    @Test
    void aPortWhereNothingListensIsDownWithinSecondsWithAClearMessage() throws Exception {
        int port = SilentServer.portWhereNothingListens();
        try (RedisConnection redis = at("redis://127.0.0.1:" + port)) {
            ProbeRun.Result r = ProbeRun.once(Backend.REDIS, ping(redis), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).startsWith("Redis at 127.0.0.1:" + port).contains("unreachable")
                    .contains("Is the server running");
            assertThat(r.took()).isLessThan(HANG_BOUND);
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsDownWithinSecondsNotAHang() throws Exception {
        try (SilentServer silent = new SilentServer(); RedisConnection redis = at("redis://127.0.0.1:" + silent.port())) {
            ProbeRun.Result r = ProbeRun.once(Backend.REDIS, ping(redis), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).startsWith("Redis at 127.0.0.1:" + silent.port()).contains("did not answer in time")
                    .doesNotContain("is the port right");
            assertThat(silent.connectionsAccepted()).as("the client did reach the silent server").isPositive();
        }
    }

    @Test
    void anAclUserWithTheRightPasswordIsConnected() throws Exception {
        createMonitorUser();
        try (RedisConnection redis = at(urlFor(ACL_USER, ACL_PASSWORD))) {
            ProbeRun.Result r = ProbeRun.once(Backend.REDIS, ping(redis), HANG_BOUND);

            assertThat(r.health().state()).as(r.health().message()).isEqualTo(Health.State.CONNECTED);
        }
    }

    @Test
    void aWrongAclPasswordIsDownWithAMessageAboutCredentialsThatHidesThePassword() throws Exception {
        createMonitorUser();
        try (RedisConnection redis = at(urlFor(ACL_USER, "wrong-pw-123"))) {
            ProbeRun.Result r = ProbeRun.once(Backend.REDIS, ping(redis), HANG_BOUND);

            assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
            assertThat(r.health().message()).contains("rejected the credentials")
                    .doesNotContain("wrong-pw-123").doesNotContain(ACL_PASSWORD);
        }
    }

    @Test
    void anAclUserWithoutAPermissionGetsAMessageNamingTheRefusal() throws Exception {
        createMonitorUser();
        try (RedisConnection redis = at(urlFor(ACL_USER, ACL_PASSWORD))) {
            BackendException e = catchThrowableOfType(BackendException.class,
                    () -> redis.run("deleting a session", c -> c.del("session:1")));

            assertThat(e.getMessage()).contains("refused deleting a session").contains("lacks the permission")
                    .doesNotContain(ACL_PASSWORD);
        }
    }
}
