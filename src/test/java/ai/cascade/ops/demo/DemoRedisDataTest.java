package ai.cascade.ops.demo;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.testing.TestServers;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's Redis keys, counted and read back with SCAN the way the console sees them. */
class DemoRedisDataTest {
    static final long SEED = 11;
    static DataSource ds;
    static RedisConnection redis;
    static RedisFill fill;
    static Instant before;

    @BeforeAll
    static void fill() throws SQLException {
        ds = TestServers.admin(TestServers.freshDatabaseUrl("demo_redis"));
        DemoDataset.generate(ds, 2_000, Settings.defaultTiers(), SEED, message -> { }, () -> false);
        // fresh patterns get four minutes left, so none expires while the tests look at them
        exec("UPDATE consciousness_patterns SET cached_at = (now() AT TIME ZONE 'UTC') - interval '60 seconds', "
                + "expires_at = (now() AT TIME ZONE 'UTC') + interval '240 seconds' WHERE expires_at > now() AT TIME ZONE 'UTC'");
        redis = TestServers.freshRedis();
        redis.run("writing keys that are not the demo's", c -> c.set("someone:else", "keep me") + c.set("cascade:stale:1", "old demo key"));
        before = Instant.now();
        fill = DemoRedisData.fill(redis, ds, SEED);
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Test
    void keyCountsPerFamilyAreWhatFillReports() {
        assertThat(keys("cascade:session:*")).hasSize(fill.sessions());
        assertThat(keys("cascade:blacklist:*")).hasSize(fill.blacklisted());
        assertThat(keys("cascade:ratelimit:*")).hasSize(fill.rateLimits());
        assertThat(keys("cascade:patterns:*")).hasSize(fill.patterns());
        assertThat(keys("cascade:venice:*")).hasSize(fill.veniceCache());
        assertThat(keys("backend:*")).hasSize(fill.other());
        assertThat(fill.sessions()).as("about one user in ten").isBetween(120, 280);
        assertThat(fill.blacklisted()).isEqualTo(fill.sessions() / 10);
        assertThat(fill.rateLimits()).isBetween(fill.sessions() / 3, fill.sessions() * 2 / 3);
        assertThat(fill.veniceCache()).isEqualTo(500);
        assertThat(fill.patterns()).isPositive();
    }

    @Test
    void onlyTheDemosOwnKeysAreReplaced() {
        assertThat(get("someone:else")).isEqualTo("keep me");
        assertThat(ttl("cascade:stale:1")).as("gone").isEqualTo(-2);
    }

    @Test
    void contractKeysExpireAndCachesLiveAtMostFiveMinutes() {
        assertTtls("cascade:session:*", 1, 24 * 3600);
        assertTtls("cascade:blacklist:*", 1, 24 * 3600);
        assertTtls("cascade:ratelimit:*", 1, SessionKeys.RATE_LIMIT_WINDOW);
        assertTtls("cascade:patterns:*", 1, 300);
        assertTtls("cascade:venice:*", 1, 300);
        for (String other : DemoRedisData.OTHER_KEYS) assertThat(ttl(other)).as(other).isEqualTo(-1);
    }

    @Test
    void sessionsAreMostlyContractJsonWithSomeBrokenOnesOnPurpose() throws SQLException {
        int notJson = 0, missingExp = 0, missingJti = 0, huge = 0, wellFormed = 0;
        Set<String> users = new HashSet<>(DemoDatasetTest.strings(ds, "SELECT id || ':' || venice_username FROM cascade_users"));
        for (String key : keys("cascade:session:*")) {
            String value = get(key);
            if (value.length() > 1_000_000) huge++;
            JsonObject s = objectOrNull(value);
            if (s == null) {
                notJson++;
                continue;
            }
            String userId = key.substring("cascade:session:".length());
            assertThat(s.get("user_id").getAsString()).isEqualTo(userId);
            assertThat(users).contains(userId + ":" + s.get("venice_username").getAsString());
            if (!s.has("exp")) missingExp++;
            if (!s.has("jti")) missingJti++;
            if (s.keySet().containsAll(List.of("jti", "exp", "created_at", "last_seen", "ip", "user_agent"))) {
                wellFormed++;
                long left = s.get("exp").getAsLong() - Instant.now().getEpochSecond();
                assertThat(left).isBetween(60L, 24 * 3600L);
                assertThat(Instant.parse(s.get("last_seen").getAsString())).isBefore(Instant.now().plusSeconds(1));
            }
        }
        assertThat(notJson).isEqualTo(3);
        assertThat(missingExp).isGreaterThanOrEqualTo(2);
        assertThat(missingJti).isGreaterThanOrEqualTo(2);
        assertThat(huge).isEqualTo(1);
        assertThat(fill.malformedSessions()).isEqualTo(7);
        assertThat(wellFormed).as("all but the broken ones; the very large one is complete").isEqualTo(fill.sessions() - fill.malformedSessions() + 1);
    }

    @Test
    void veniceKeysFollowTheCachingContract() {
        List<String> keys = keys("cascade:venice:*");
        assertThat(keys).contains("cascade:venice:get-ledger:citizenUsername=Zu%C3%A0ne_Bragadin&format=json");
        assertThat(keys).anyMatch(k -> k.matches("cascade:venice:citizens/[A-Z][a-z]+_[A-Z][a-z]+:"));
        assertThat(keys).anyMatch(k -> k.matches("cascade:venice:get-ledger:citizenUsername=[A-Z][a-z]+_[A-Z][a-z]+&format=json"));
        for (String key : keys) {
            String rest = key.substring("cascade:venice:".length());
            String params = rest.substring(rest.indexOf(':') + 1);
            List<String> names = new ArrayList<>();
            if (!params.isEmpty()) for (String pair : params.split("&")) names.add(pair.substring(0, pair.indexOf('=')));
            assertThat(names).as(key).isSorted();
            JsonObject body = objectOrNull(get(key));
            assertThat(body).as(key).isNotNull();
            assertThat(body.get("success").getAsBoolean()).isTrue();
        }
    }

    @Test
    void patternKeysHoldTheFreshPatterns() throws SQLException {
        List<String> fresh = DemoDatasetTest.strings(ds, "SELECT id FROM consciousness_patterns WHERE expires_at > now() AT TIME ZONE 'UTC'");
        List<String> cached = keys("cascade:patterns:*").stream().map(k -> k.substring("cascade:patterns:".length())).toList();
        assertThat(cached).containsExactlyInAnyOrderElementsOf(fresh);
        String one = get("cascade:patterns:" + fresh.get(0));
        JsonObject p = objectOrNull(one);
        assertThat(p.get("id").getAsString()).isEqualTo(fresh.get(0));
        assertThat(p.get("pattern_data").isJsonObject()).isTrue();
        assertThat(Instant.parse(p.get("expires_at").getAsString())).isAfter(before);
    }

    @Test
    void fillingAgainGivesTheSameKeysNotTwiceAsMany() {
        int keysBefore = keys("cascade:*").size();
        RedisFill again = DemoRedisData.fill(redis, ds, SEED);
        assertThat(again).isEqualTo(fill);
        assertThat(keys("cascade:*")).hasSize(keysBefore);
        assertThat(keys("cascade:session:*")).hasSize(again.sessions());
    }

    private static void assertTtls(String pattern, long min, long max) {
        List<String> keys = keys(pattern);
        assertThat(keys).as(pattern).isNotEmpty();
        for (String key : keys) assertThat(ttl(key)).as(key).isBetween(min, max);
    }

    private static long ttl(String key) {
        Long ttl = redis.run("reading a TTL", c -> c.ttl(key));
        return ttl;
    }

    private static String get(String key) {
        return redis.run("reading a key", c -> c.get(key));
    }

    private static JsonObject objectOrNull(String value) {
        try {
            JsonElement e = JsonParser.parseString(value);
            return e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (JsonSyntaxException e) {
            return null;
        }
    }

    static List<String> keys(String pattern) {
        return redis.run("scanning", c -> {
            List<String> found = new ArrayList<>();
            ScanArgs match = ScanArgs.Builder.matches(pattern).limit(1000);
            KeyScanCursor<String> cursor = c.scan(match);
            found.addAll(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = c.scan(cursor, match);
                found.addAll(cursor.getKeys());
            }
            return found;
        });
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
