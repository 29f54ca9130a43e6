package ai.cascade.ops.cache;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestRedis;
import ai.cascade.ops.ui.Figures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Redis' checks against a real Redis: the hit rate over an interval, memory, evictions, and keys that never expire. */
class CacheChecksTest {
    @RegisterExtension static final TestRedis server = new TestRedis("maxmemory", "maxmemory-policy");
    static RedisConnection redis;
    static Connections connections;
    final CheckThresholds thresholds = CheckThresholds.defaults();

    /** Redis alone: these checks never touch Postgres. */
    record RedisOnly(RedisConnection redis) implements Connections {
        @Override public Database database() { throw new UnsupportedOperationException("no Postgres in these tests"); }
    }

    @BeforeAll
    static void connect() {
        redis = server.connection();
        connections = new RedisOnly(redis);
    }

    @BeforeEach
    void countFromHere() {
        redis.run("CONFIG RESETSTAT", c -> c.configResetstat());   // "since start" figures count from here
    }

    private CacheChecks checks() {
        return new CacheChecks(connections, thresholds);
    }

    private static Check find(List<Check> checks, String id) {
        return checks.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no check " + id + " in " + checks));
    }

    /** {@code n} keys {@code prefix0..}, written in pipelined batches; {@code ttlSeconds} 0 leaves them without a TTL. */
    private static void fill(String prefix, int n, long ttlSeconds) {
        redis.runDedicated("fixture", conn -> {
            conn.setAutoFlushCommands(false);
            RedisAsyncCommands<String, String> a = conn.async();
            for (int from = 0; from < n; from += 5_000) {
                List<RedisFuture<String>> batch = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + 5_000); i++)
                    batch.add(ttlSeconds > 0 ? a.set(prefix + i, "{\"v\":" + i + "}", SetArgs.Builder.ex(ttlSeconds)) : a.set(prefix + i, "x"));
                conn.flushCommands();
                for (RedisFuture<String> f : batch) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return null;
        });
    }

    private static void lookups(int hits, int misses) {
        redis.run("traffic", c -> {
            for (int i = 0; i < hits; i++) c.get("cascade:patterns:" + (i % 100));
            for (int i = 0; i < misses; i++) c.get("cascade:patterns:missing-" + i);
            return null;
        });
    }

    private static long hitsSoFar() {
        return CacheChecks.parseInfo(redis.run("info", c -> c.info("stats"))).entrySet().stream()
                .filter(e -> e.getKey().equals("keyspace_hits")).mapToLong(e -> Long.parseLong(e.getValue())).findFirst().orElseThrow();
    }

    @Test
    void theHitRateIsTheIntervalsHitsOverItsLookupsThoughTheTtlWalkLooksUpThousandsOfKeys() {
        fill("cascade:patterns:", 5_000, 300);
        lookups(0, 500);   // lifetime misses before the interval: the lifetime ratio would say 0 % hits, then something else
        CacheChecks.KeyspaceReading since = checks().reading();
        lookups(30, 10);
        long before = hitsSoFar();

        List<Check> result = checks().run(CancelSignal.NONE, since);

        Check rate = find(result, "redis.hit_rate");
        assertThat(rate.figure()).startsWith(Figures.percent(30, 40) + " over ").contains("(30 hits, 10 misses)")
                .contains("since start " + Figures.percent(30, 540));
        assertThat(rate.verdict()).as("75 %% is below the 80 %% threshold").isEqualTo(Verdict.WARNING);
        assertThat(hitsSoFar() - before).as("the TTL walk itself looked up every family key (PTTL counts as a hit)").isGreaterThanOrEqualTo(5_000);
        assertThat(find(result, "redis.keys_without_ttl").verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aHealthyRateIsOkAndAQuietIntervalSaysThereWereNoLookups() {
        fill("cascade:patterns:", 100, 300);
        CacheChecks.KeyspaceReading since = checks().reading();
        lookups(99, 1);
        Check healthy = find(checks().run(CancelSignal.NONE, since), "redis.hit_rate");
        assertThat(healthy.verdict()).isEqualTo(Verdict.OK);
        assertThat(healthy.figure()).startsWith(Figures.percent(99, 100));

        Check quiet = find(checks().run(CancelSignal.NONE, checks().reading()), "redis.hit_rate");
        assertThat(quiet.verdict()).isEqualTo(Verdict.OK);
        assertThat(quiet.figure()).startsWith("no lookups in the interval")
                .as("the first run's walk looked up the 100 keys: lifetime hits include them")
                .contains("since start " + Figures.percent(99 + 100, 99 + 100 + 1));
    }

    @Test
    void statisticsResetWithinTheIntervalCountFromTheReset() {
        fill("cascade:patterns:", 100, 300);
        lookups(200, 0);
        CacheChecks.KeyspaceReading since = checks().reading();
        redis.run("reset", c -> c.configResetstat());
        lookups(3, 1);
        Check rate = find(checks().run(CancelSignal.NONE, since), "redis.hit_rate");
        assertThat(rate.figure()).startsWith(Figures.percent(3, 4)).contains("3 hits, 1 miss, counted since a statistics reset");
    }

    @Test
    void theSampledRunWaitsItsIntervalAndGivesEveryCheck() {
        List<Check> result = new CacheChecks(connections, thresholds, Duration.ofMillis(300), Duration.ofSeconds(10)).run(CancelSignal.NONE);
        assertThat(result).extracting(Check::id).containsExactly("redis.reachable", "redis.hit_rate", "redis.memory", "redis.evictions",
                "redis.keys_without_ttl");
        assertThat(find(result, "redis.reachable").verdict()).isEqualTo(Verdict.OK);
        assertThat(find(result, "redis.hit_rate").figure()).matches("no lookups in the interval \\((0\\.[3-9]|[1-9]\\.\\d) s\\).*");
    }

    @Test
    void memoryAtTheLimitIsCriticalAndNoLimitIsOkWithThePolicyNamed() {
        redis.run("no limit", c -> c.configSet("maxmemory", "0"));   // the test server starts with 512 MB
        Check unlimited = find(checks().run(CancelSignal.NONE, checks().reading()), "redis.memory");
        assertThat(unlimited.verdict()).isEqualTo(Verdict.OK);
        assertThat(unlimited.figure()).contains("no limit set").contains("eviction policy " + server.before("maxmemory-policy"));

        long used = Long.parseLong(CacheChecks.parseInfo(redis.run("info", c -> c.info("memory"))).get("used_memory"));
        redis.run("limit", c -> {
            c.configSet("maxmemory-policy", "noeviction");
            // a little below what is used, so memory freed meanwhile (a closed client's buffers) still leaves it full
            return c.configSet("maxmemory", String.valueOf(used - used / 50));
        });
        Check full = find(checks().run(CancelSignal.NONE, checks().reading()), "redis.memory");
        assertThat(full.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(full.figure()).contains("eviction policy noeviction");
        assertThat(full.advice()).contains("refuses writes");
    }

    @Test
    void keysEvictedWithinTheIntervalAreAWarning() {
        CacheChecks.KeyspaceReading since = checks().reading();
        long used = Long.parseLong(CacheChecks.parseInfo(redis.run("info", c -> c.info("memory"))).get("used_memory"));
        redis.run("limit", c -> {
            c.configSet("maxmemory-policy", "allkeys-random");
            return c.configSet("maxmemory", String.valueOf(used + 200_000));
        });
        String value = "v".repeat(1_000);
        redis.run("fill past the limit", c -> {
            for (int i = 0; i < 1_000; i++) c.set("cascade:venice:get-citizens:" + i, value);
            return null;
        });
        redis.run("unlimit", c -> c.configSet("maxmemory", "0"));

        Check evictions = find(checks().run(CancelSignal.NONE, since), "redis.evictions");
        assertThat(evictions.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(evictions.advice()).contains("Caches are being evicted");
        assertThat(evictions.figure()).matches("[1-9][\\d,.]* keys? evicted over .*");
    }

    @Test
    void keysOfTheCacheFamiliesWithoutATtlAreNamedWithSessionAndTokenIdsMasked() {
        fill("cascade:venice:get-citizens:", 50, 300);
        redis.run("fixture", c -> {
            c.set("cascade:patterns:x", "{}");
            c.set("cascade:session:123456", "{\"user_id\":123456}");
            c.set("cascade:blacklist:5b0c6a8e-2f1d-4c3b-9a7e-0d9f8e7c6b5a", "{}");
            c.setex("cascade:ratelimit:7", 60, "3");
            return c.set("unrelated:forever", "not a cache family");
        });

        Check c = find(checks().run(CancelSignal.NONE, checks().reading()), "redis.keys_without_ttl");

        assertThat(c.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(c.figure()).startsWith("3 of 54 never expire").contains("patterns 1").contains("session 1").contains("blacklist 1");
        assertThat(c.details()).containsExactlyInAnyOrder("cascade:patterns:x", "cascade:session:1234…", "cascade:blacklist:5b0c…");
        assertThat(String.join(" ", c.details())).doesNotContain("123456").doesNotContain("5b0c6a8e").doesNotContain("unrelated");
    }

    @Test
    void fiftyThousandKeysAreWalkedAndTheOneWithoutTtlFound() {
        fill("cascade:venice:get-ledger:", 50_000, 300);
        fill("cascade:patterns:forever-", 1, 0);
        fill("other:", 10_000, 0);

        Check c = find(checks().run(CancelSignal.NONE, checks().reading()), "redis.keys_without_ttl");

        assertThat(c.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(c.figure()).startsWith("1 of " + Figures.count(50_001) + " never expire").doesNotContain("partial");
        assertThat(c.details()).containsExactly("cascade:patterns:forever-0");
    }

    @Test
    void aWalkOverItsTimeBudgetSaysItIsPartial() {
        fill("cascade:venice:get-ledger:", 20_000, 300);
        CacheChecks hurried = new CacheChecks(connections, thresholds, Duration.ZERO, Duration.ZERO);
        Check c = find(hurried.run(CancelSignal.NONE, hurried.reading()), "redis.keys_without_ttl");
        assertThat(c.figure()).contains("partial: scanned ");
    }

    @Test
    void anUnreachableRedisIsABackendException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RedisConnection nowhere = new RedisConnection(RedisAddress.parse("redis://127.0.0.1:" + port))) {
            assertThatThrownBy(() -> new CacheChecks(new RedisOnly(nowhere), thresholds).run(CancelSignal.NONE))
                    .isInstanceOf(BackendException.class).hasMessageContaining("unreachable");
        }
    }

    @Test
    void aWatchReusesItsWalkOverTheFamiliesForAWhileAndAOneOffCheckAlwaysWalks() {
        redis.run("fixture", c -> c.setex("cascade:patterns:fresh", 300, "{}"));
        CacheChecks watch = new CacheChecks(connections, CheckThresholds.defaults(), Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(10));
        assertThat(find(watch.run(CancelSignal.NONE), "redis.keys_without_ttl").verdict()).isEqualTo(Verdict.OK);

        redis.run("fixture", c -> c.set("cascade:patterns:leak", "{}"));   // no TTL, written after the first walk
        Check reused = find(watch.run(CancelSignal.NONE), "redis.keys_without_ttl");
        assertThat(reused.verdict()).isEqualTo(Verdict.OK);
        assertThat(reused.figure()).contains("walked");

        CacheChecks once = new CacheChecks(connections, CheckThresholds.defaults(), Duration.ZERO, Duration.ofSeconds(10));
        Check fresh = find(once.run(CancelSignal.NONE), "redis.keys_without_ttl");
        assertThat(fresh.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(fresh.details()).anyMatch(d -> d.contains("cascade:patterns:leak"));
    }
}
