package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.sessions.SessionFixtures.TestConnections;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audited support actions on a user's Redis state, on a real Redis and Postgres. */
class RedisSupportActionsTest {
    static String url;
    static Database db;
    static RedisConnection redis;
    static RedisSupportActions actions;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("support_actions");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        actions = new RedisSupportActions(new TestConnections(db, redis), "staging-eu");
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @BeforeEach
    void cleanRedis() {
        redis.run("flush", c -> c.flushall());
    }

    private static List<String> keys() {
        return redis.run("keys", c -> c.keys("*")).stream().sorted().toList();
    }

    private static List<String> audits(String action) {
        return SessionFixtures.column(url, "SELECT target || ' | ' || reason || ' | ' || details::text FROM ops.audit_log WHERE action = '" + action + "' ORDER BY id");
    }

    @Test
    void resettingTheRateLimitDeletesOnlyThatUsersCounterAndRecordsWhatItHeld() {
        redis.run("fixture", c -> {
            c.setex("cascade:ratelimit:42", 60, "97");
            return c.setex("cascade:ratelimit:421", 60, "5");
        });

        RedisSupportActions.RateLimitReset r = actions.resetRateLimit(42, "locked out by a retry loop");

        assertThat(r.existed()).isTrue();
        assertThat(r.previous()).isEqualTo("97");
        assertThat(keys()).containsExactly("cascade:ratelimit:421");
        assertThat(audits("reset-rate-limit")).singleElement().satisfies(a -> assertThat(a)
                .startsWith("cascade:ratelimit:42 | locked out by a retry loop | ").contains("\"previous\": \"97\""));
    }

    @Test
    void aMonitoringLoginCannotResetAndTheCounterStays() {
        redis.run("fixture", c -> c.setex("cascade:ratelimit:7", 60, "3"));
        try (Database monitor = SessionFixtures.login(url, "actions_monitor", "cascade_ops_monitoring")) {
            RedisSupportActions asMonitor = new RedisSupportActions(new TestConnections(monitor, redis), "staging-eu");
            assertThatThrownBy(() -> asMonitor.resetRateLimit(7, "why not")).isInstanceOf(BackendException.class)
                    .hasMessageContaining("Nothing was changed");
        }
        assertThat(keys()).containsExactly("cascade:ratelimit:7");
    }

    @Test
    void purgingTheVeniceCacheRemovesExactlyThatCitizensEntries() {
        List<String> theirs = List.of(
                "cascade:venice:citizens/Foscari_Banker:",
                "cascade:venice:get-ledger:citizenUsername=Foscari_Banker&format=json",
                "cascade:venice:activities:citizenId=Foscari_Banker&limit=20",
                "cascade:venice:relevancies:relevantToCitizen=Foscari_Banker&targetCitizen=Contarini_Doge");
        List<String> others = List.of(
                "cascade:venice:citizens/Foscari_Banker_2:",
                "cascade:venice:citizens/Foscari_Bank:",
                "cascade:venice:get-ledger:citizenUsername=Foscari_Banker_2&format=json",
                "cascade:venice:get-ledger:citizenUsername=XFoscari_Banker&format=json",
                "cascade:venice:relevancies:relevantToCitizen=Contarini_Doge&targetCitizen=Foscari_Banker",
                "cascade:venice:citizens:SocialClass=Nobili",
                "cascade:patterns:Foscari_Banker",
                "cascade:session:1");
        redis.run("fixture", c -> {
            for (String k : theirs) c.setex(k, 300, "{}");
            for (String k : others) c.setex(k, 300, "{}");
            return null;
        });

        RedisSupportActions.VenicePurge p = actions.purgeVeniceCache(1, "Foscari_Banker", "stale ledger");

        assertThat(p.keys()).containsExactlyInAnyOrderElementsOf(theirs);
        assertThat(p.deleted()).isEqualTo(theirs.size());
        assertThat(keys()).containsExactlyInAnyOrderElementsOf(others);
        assertThat(audits("purge-venice-cache")).singleElement().satisfies(a -> assertThat(a)
                .startsWith("citizen Foscari_Banker | stale ledger | ").contains("\"keys\": 4"));
    }

    @Test
    void aNameWithGlobCharactersAndAccentsMatchesOnlyItself() {
        List<String> theirs = List.of(
                "cascade:venice:citizens/Zu*ne_[B]ragadin:",
                "cascade:venice:get-ledger:citizenUsername=Zu*ne_%5BB%5Dragadin&format=json",
                "cascade:venice:get-ledger:citizenUsername=Nicol%C3%B2_Tron&format=json");
        List<String> others = List.of(
                "cascade:venice:citizens/Zuane_Bragadin:",
                "cascade:venice:citizens/Zu*ne_[B]ragadin_2:",
                "cascade:venice:get-ledger:citizenUsername=ZuXne_Bragadin&format=json");
        redis.run("fixture", c -> {
            for (String k : theirs) c.setex(k, 300, "{}");
            for (String k : others) c.setex(k, 300, "{}");
            return null;
        });

        assertThat(actions.veniceKeysOf("Zu*ne_[B]ragadin")).containsExactlyInAnyOrder(theirs.get(0), theirs.get(1));
        assertThat(actions.veniceKeysOf("Nicolò_Tron")).containsExactly(theirs.get(2));
    }

    @Test
    void theKeyContractIsReadExactly() {
        assertThat(RedisSupportActions.concerns("cascade:venice:citizens/A:b:", "A:b")).isTrue();
        assertThat(RedisSupportActions.concerns("cascade:venice:citizens/A:b:", "A")).isFalse();
        assertThat(RedisSupportActions.concerns("cascade:venice:relevancies:relevantToCitizen=B%2CA", "A")).isTrue();
        assertThat(RedisSupportActions.concerns("cascade:venice:get-ledger:citizenUsername=%ZZ", "A")).isFalse();
        assertThat(RedisSupportActions.globEscaped("a*b?[c]\\")).isEqualTo("a\\*b\\?\\[c\\]\\\\");
    }
}
