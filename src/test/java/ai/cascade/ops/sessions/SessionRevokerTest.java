package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.sessions.SessionFixtures.TestConnections;
import ai.cascade.ops.sessions.SessionRevoker.Outcome;
import ai.cascade.ops.sessions.SessionRevoker.Result;
import ai.cascade.ops.testing.TestServers;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static ai.cascade.ops.sessions.SessionFixtures.JTI;
import static ai.cascade.ops.sessions.SessionFixtures.sessionJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Revoking sessions on a real Redis and Postgres: audit first, blacklist for the token's remaining lifetime, then delete. */
class SessionRevokerTest {
    static String url;
    static Database db;
    static RedisConnection redis;
    static int foscari;
    static final String KEY_PREFIX = "cascade:session:";
    String key;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("session_revoker");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        foscari = SessionFixtures.user(url, "Foscari_Banker", "maestro");
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    long auditsBefore;

    @BeforeEach
    void cleanRedis() {
        redis.run("flush", c -> c.flushall());
        key = KEY_PREFIX + foscari;
        auditsBefore = auditRows(key);
    }

    private static SessionRevoker revokerAs(Database login, RedisConnection r) {
        return new SessionRevoker(new TestConnections(login, r), "staging-eu");
    }

    private static long auditRows(String target) {
        return SessionFixtures.count(url, "SELECT count(*) FROM ops.audit_log WHERE action = 'revoke-session' AND target = '" + target + "'");
    }

    private static long ttl(String k) {
        return redis.run("ttl", c -> c.ttl(k));
    }

    private static long exists(String... k) {
        return redis.run("exists", c -> c.exists(k));
    }

    private static String get(String k) {
        return redis.run("get", c -> c.get(k));
    }

    private static String blacklistOf(String jti) {
        return redis.run("read", c -> c.get("cascade:blacklist:" + jti));
    }

    @Test
    void revokingASessionBlacklistsItsTokenForItsRemainingLifetimeThenDeletesIt() {
        long exp = Instant.now().getEpochSecond() + 5400;
        redis.run("fixture", c -> c.setex(key, 3600, sessionJson(foscari, "Foscari_Banker", JTI, exp)));

        Outcome o = revokerAs(db, redis).revoke(key, "  account takeover reported  ");

        assertThat(o.result()).isEqualTo(Result.REVOKED);
        assertThat(o.ttlSource()).isEqualTo("exp");
        long ttl = ttl("cascade:blacklist:" + JTI);
        assertThat(ttl).as("blacklist TTL within a second of exp - now").isBetween(exp - Instant.now().getEpochSecond() - 1, exp - Instant.now().getEpochSecond() + 1);
        assertThat(exists(key)).as("session gone").isZero();
        JsonObject value = JsonParser.parseString(blacklistOf(JTI)).getAsJsonObject();
        assertThat(value.get("reason").getAsString()).isEqualTo("account takeover reported");
        assertThat(value.get("by").getAsString()).isEqualTo("support:postgres");
        assertThat(Instant.parse(value.get("revoked_at").getAsString())).isBetween(Instant.now().minusSeconds(30), Instant.now());
        assertThat(auditRows(key)).isEqualTo(auditsBefore + 1);
        assertThat(SessionFixtures.column(url, "SELECT actor || ' ' || profile || ' ' || reason || ' ' || details::text FROM ops.audit_log WHERE target = '" + key + "' ORDER BY id DESC LIMIT 1"))
                .singleElement().satisfies(row -> assertThat(row).startsWith("postgres staging-eu account takeover reported")
                        .contains("\u2022\u2022\u2022\u20226b5a").doesNotContain(JTI));
    }

    @Test
    void withoutExpTheBlacklistLastsAsLongAsTheSessionKeyWould() {
        redis.run("fixture", c -> c.setex(key, 1234, sessionJson(foscari, "Foscari_Banker", JTI, null)));

        Outcome o = revokerAs(db, redis).revoke(key, "support request");

        assertThat(o.result()).isEqualTo(Result.REVOKED);
        assertThat(o.ttlSource()).isEqualTo("session TTL");
        assertThat(ttl("cascade:blacklist:" + JTI)).isBetween(1200L, 1234L);
        assertThat(exists(key)).isZero();
    }

    @Test
    void aSessionWithoutATokenIdIsNotRevokedAndSaysWhy() {
        String value = sessionJson(foscari, "Foscari_Banker", null, Instant.now().getEpochSecond() + 600);
        redis.run("fixture", c -> c.setex(key, 600, value));

        Outcome o = revokerAs(db, redis).revoke(key, "support request");

        assertThat(o.result()).isEqualTo(Result.REFUSED);
        assertThat(o.message()).contains("no token id (jti)");
        assertThat(get(key)).isEqualTo(value);
        assertThat(auditRows(key)).isEqualTo(auditsBefore);
    }

    @Test
    void aValueThatIsNotJsonCannotBeRevokedEither() {
        redis.run("fixture", c -> c.setex(key, 600, "garbage"));

        Outcome o = revokerAs(db, redis).revoke(key, "support request");

        assertThat(o.result()).isEqualTo(Result.REFUSED);
        assertThat(o.message()).contains("not JSON");
    }

    @Test
    void aSessionThatEndedMeanwhileIsReportedAsGone() {
        Outcome o = revokerAs(db, redis).revoke(key, "support request");
        assertThat(o.result()).isEqualTo(Result.ALREADY_GONE);
    }

    @Test
    void noAuditNoRevokeAMonitoringLoginLeavesRedisUntouched() {
        String value = sessionJson(foscari, "Foscari_Banker", JTI, Instant.now().getEpochSecond() + 600);
        redis.run("fixture", c -> c.setex(key, 600, value));
        try (Database monitor = SessionFixtures.login(url, "revoker_monitor", "cascade_ops_monitoring")) {
            SessionRevoker revoker = revokerAs(monitor, redis);
            assertThat(revoker.mayRevoke()).isFalse();

            assertThatThrownBy(() -> revoker.revoke(key, "support request")).isInstanceOf(BackendException.class)
                    .hasMessageContaining("revoker_monitor").hasMessageContaining("may not write").hasMessageContaining("Nothing was changed");
        }
        assertThat(get(key)).isEqualTo(value);
        assertThat(blacklistOf(JTI)).isNull();
        assertThat(auditRows(key)).isEqualTo(auditsBefore);
    }

    @Test
    void whenPostgresIsDownNothingIsRevoked() {
        String value = sessionJson(foscari, "Foscari_Banker", JTI, Instant.now().getEpochSecond() + 600);
        redis.run("fixture", c -> c.setex(key, 600, value));
        try (Database down = TestServers.open("postgresql://postgres@127.0.0.1:" + closedPort() + "/nowhere")) {
            assertThatThrownBy(() -> revokerAs(down, redis).revoke(key, "support request")).isInstanceOf(BackendException.class)
                    .hasMessageContaining("Nothing was changed");
        }
        assertThat(get(key)).isEqualTo(value);
        assertThat(blacklistOf(JTI)).isNull();
    }

    @Test
    void aMonitoringRedisUserIsRefusedByRedisAndTheResultSaysNothingChanged() {
        String value = sessionJson(foscari, "Foscari_Banker", JTI, Instant.now().getEpochSecond() + 600);
        redis.run("fixture", c -> c.setex(key, 600, value));
        try (RedisConnection monitoring = SessionFixtures.redisAs(redis, "monitoring", "revoke_test_monitoring")) {
            assertThatThrownBy(() -> revokerAs(db, monitoring).revoke(key, "support request")).isInstanceOf(BackendException.class)
                    .hasMessageContaining("NOPERM").hasMessageContaining("Nothing was changed in Redis")
                    .hasMessageContaining("No audit entry was written");
        } finally {
            SessionFixtures.dropRedisUser(redis, "revoke_test_monitoring");
        }
        assertThat(get(key)).isEqualTo(value);
        assertThat(blacklistOf(JTI)).isNull();
        assertThat(auditRows(key)).isEqualTo(auditsBefore);
    }

    @Test
    void aSupportRedisUserWithTheDocumentedAclMayRevokeSeveralSessions() {
        int other = SessionFixtures.user(url, "Contarini_Doge", "observer");
        long exp = Instant.now().getEpochSecond() + 600;
        redis.run("fixture", c -> {
            c.setex(key, 600, sessionJson(foscari, "Foscari_Banker", JTI, exp));
            return c.setex(KEY_PREFIX + other, 600, sessionJson(other, "Contarini_Doge", "jti-of-contarini-0001", exp));
        });
        try (RedisConnection support = SessionFixtures.redisAs(redis, "support", "revoke_test_support");
             Database erin = SessionFixtures.login(url, "revoker_support", "cascade_ops_support")) {
            assertThat(revokerAs(erin, support).mayRevoke()).isTrue();
            List<Outcome> done = revokerAs(erin, support).revokeAll(List.of(key, KEY_PREFIX + other), "support request");
            assertThat(done).extracting(Outcome::result).containsExactly(Result.REVOKED, Result.REVOKED);
        } finally {
            SessionFixtures.dropRedisUser(redis, "revoke_test_support");
        }
        assertThat(exists(key, KEY_PREFIX + other)).isZero();
        assertThat(JsonParser.parseString(blacklistOf("jti-of-contarini-0001")).getAsJsonObject().get("by").getAsString())
                .isEqualTo("support:revoker_support");
        assertThat(SessionFixtures.count(url, "SELECT count(*) FROM ops.audit_log WHERE actor = 'revoker_support'")).isEqualTo(2);
    }

    private static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
