package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.sessions.LiveSessions;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.RedisFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's tally of its own lookups: a reading waits for batches in flight, gives up after its patience, and is exact. */
class OwnLookupsTest {
    static RedisConnection redis;
    static RedisNode node;

    @BeforeAll
    static void connect() {
        redis = TestServers.freshRedis();
        node = RedisNode.standalone(redis.address().host(), redis.address().port());
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Test
    void aReadingWaitsForTheBatchInFlightAndSeesAllOfItsLookups() throws Exception {
        OwnLookups lookups = new OwnLookups();
        CountDownLatch opened = new CountDownLatch(1), release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> batchRun = pool.submit(() -> {
                try (OwnLookups.Batch b = lookups.begin("n:1")) {
                    b.hits(3);
                    opened.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    b.miss();
                }
                return null;
            });
            assertThat(opened.await(30, TimeUnit.SECONDS)).isTrue();
            Future<OwnLookups.Reading<String>> reading = pool.submit(() -> lookups.read(() -> "info", Duration.ofSeconds(30)));
            Thread.sleep(300);
            assertThat(reading).as("no reading while a batch is in flight").isNotDone();
            release.countDown();
            OwnLookups.Reading<String> r = reading.get(30, TimeUnit.SECONDS);
            batchRun.get(30, TimeUnit.SECONDS);
            assertThat(r.value()).isEqualTo("info");
            assertThat(r.ownOn("n:1")).isEqualTo(new OwnLookups.Tally(3, 1));
            assertThat(r.ownOn("elsewhere:1")).isEqualTo(OwnLookups.Tally.ZERO);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aReadingWhosePatienceRunsOutReturnsNullWithoutRunning() throws Exception {
        OwnLookups lookups = new OwnLookups();
        AtomicBoolean ran = new AtomicBoolean();
        OwnLookups.Reading<String> r;
        try (OwnLookups.Batch b = lookups.begin("n:1")) {
            // another thread: the lock is reentrant for its holder, and a batch's own thread never reads INFO mid-batch
            r = CompletableFuture.supplyAsync(() -> lookups.read(() -> {
                ran.set(true);
                return "info";
            }, Duration.ofMillis(100))).get(30, TimeUnit.SECONDS);
        }
        assertThat(r).isNull();
        assertThat(ran).isFalse();
        assertThat(lookups.read(() -> "info", Duration.ofMillis(100))).as("free again once the batch closed").isNotNull();
    }

    @Test
    void unknownOutcomesAreCountedApartAndClosingTwiceReleasesOnce() {
        OwnLookups lookups = new OwnLookups();
        OwnLookups.Batch b = lookups.begin("n:1");
        b.unknown(7);
        b.close();
        b.close();
        assertThat(lookups.uncertain()).isEqualTo(7);
        assertThat(lookups.read(() -> 1, Duration.ofMillis(100))).isNotNull();
    }

    /**
     * Exactness against a real Redis: while three threads pipeline GETs in tallied batches, every reading of INFO
     * finds Redis' hits and misses (since the start) equal to the tally at that moment, to the lookup.
     */
    @Test
    void everyReadingMatchesRedisCountersExactlyWhileBatchesRun() throws Exception {
        redis.run("flush", c -> {
            c.flushall();
            for (int i = 0; i < 500; i++) c.set("own:" + i, "v");
            return c.configResetstat();
        });
        OwnLookups lookups = redis.lookups();
        Map<String, OwnLookups.Tally> start = lookups.snapshot();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++) runs.add(pool.submit(() -> batches(stop)));
            int readings = 0;
            long lastLookups = -1;
            for (int i = 0; i < 40; i++) {
                OwnLookups.Reading<Map<String, String>> r = lookups.read(
                        () -> CacheChecks.parseInfo(redis.run("info", c -> c.info("stats"))), Duration.ofSeconds(10));
                assertThat(r).isNotNull();
                OwnLookups.Tally own = r.ownOn(node.id()).minus(start.getOrDefault(node.id(), OwnLookups.Tally.ZERO));
                assertThat(CacheChecks.number(r.value(), "keyspace_hits")).as("hits at reading " + i).isEqualTo(own.hits());
                assertThat(CacheChecks.number(r.value(), "keyspace_misses")).as("misses at reading " + i).isEqualTo(own.misses());
                if (own.lookups() > lastLookups) readings++;
                lastLookups = own.lookups();
                Thread.sleep(10);
            }
            stop.set(true);
            for (Future<?> f : runs) f.get(60, TimeUnit.SECONDS);
            assertThat(readings).as("readings that saw lookups go on: the batches ran between them").isGreaterThan(5);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    record Both(Database database, RedisConnection redis) implements Connections {}

    /**
     * Redis' hits and misses since CONFIG RESETSTAT, read while no batch is in flight, against the tally's growth
     * plus the application's known lookups.
     */
    private static void assertTallied(Map<String, OwnLookups.Tally> before, String what, long appHits, long appMisses) {
        OwnLookups.Reading<Map<String, String>> r = redis.lookups().read(
                () -> CacheChecks.parseInfo(redis.run("info", c -> c.info("stats"))), Duration.ofSeconds(10));
        OwnLookups.Tally own = r.ownOn(node.id()).minus(before.getOrDefault(node.id(), OwnLookups.Tally.ZERO));
        assertThat(own.lookups()).as(what + " looked up keys").isPositive();
        assertThat(CacheChecks.number(r.value(), "keyspace_hits")).as(what + ": hits").isEqualTo(own.hits() + appHits);
        assertThat(CacheChecks.number(r.value(), "keyspace_misses")).as(what + ": misses").isEqualTo(own.misses() + appMisses);
    }

    @Test
    void theHealthChecksWalkOverTheFamiliesIsTalliedAndLeftOutOfTheHitRate() {
        redis.run("fixture", c -> {
            c.flushall();
            for (int i = 0; i < 3_000; i++) c.setex("cascade:venice:get-citizens:" + i, 600, "{}");
            c.set("cascade:patterns:leak", "{}");
            return c.configResetstat();
        });
        Map<String, OwnLookups.Tally> before = redis.lookups().snapshot();
        CacheChecks checks = new CacheChecks(new CacheChecksTest.RedisOnly(redis), CheckThresholds.defaults());
        CacheChecks.KeyspaceReading since = checks.reading();
        redis.run("the application", c -> {
            for (int i = 0; i < 3; i++) c.get("cascade:venice:get-citizens:" + i);
            return c.get("cascade:venice:get-citizens:absent");
        });
        checks.run(CancelSignal.NONE, since);   // its walk PTTLs 3,001 keys after the interval ended
        assertTallied(before, "the walk", 3, 1);

        // A later check over an interval that holds the first one's walk still reports the application's 3 of 4.
        Check rate = checks.run(CancelSignal.NONE, since).stream().filter(c -> c.id().equals("redis.hit_rate")).findFirst().orElseThrow();
        assertThat(rate.figure()).startsWith(ai.cascade.ops.ui.Figures.percent(3, 4)).contains("3 hits, 1 miss")
                .contains("the console's own 3,001 lookups left out").doesNotContain("approximately");
    }

    @Test
    void listingTheLoginSessionsIsTalliedExactlyWhateverTheValues() {
        redis.run("fixture", c -> {
            c.flushall();
            for (int i = 1; i <= 2_500; i++) c.setex("cascade:session:" + i, 600, "{\"user_id\":" + i + "}");
            c.hset("cascade:session:900001", "jti", "x");   // WRONGTYPE for STRLEN and GETRANGE, still a hit
            c.set("cascade:session:900002", "");   // an empty string: STRLEN 0, yet the key is there
            c.set("cascade:session:900003", "no json, no ttl");
            return c.configResetstat();
        });
        Map<String, OwnLookups.Tally> before = redis.lookups().snapshot();
        try (Database db = TestServers.freshDatabase("own_lookups")) {
            LiveSessions.Snapshot s = new LiveSessions(new Both(db, redis)).read(CancelSignal.NONE);
            assertThat(s.count()).isEqualTo(2_503);
        }
        assertTallied(before, "the session list", 0, 0);
        assertThat(redis.lookups().snapshot().get(node.id()).minus(before.getOrDefault(node.id(), OwnLookups.Tally.ZERO)))
                .as("three lookups per session, all hits").isEqualTo(new OwnLookups.Tally(3L * 2_503, 0));
    }

    private static Void batches(AtomicBoolean stop) {
        return redis.runBytesDedicated(node, "lookups", conn -> {
            conn.setAutoFlushCommands(false);
            var a = conn.async();
            for (int round = 0; !stop.get(); round++) {
                try (OwnLookups.Batch batch = redis.lookups().begin(node.id())) {
                    List<RedisFuture<byte[]>> gets = new ArrayList<>();
                    for (int i = 0; i < 200; i++) gets.add(a.get(("own:" + ((round * 7 + i * 3) % 700)).getBytes(StandardCharsets.UTF_8)));
                    conn.flushCommands();
                    for (RedisFuture<byte[]> f : gets) {
                        byte[] v;
                        try {
                            v = f.get(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        if (v == null) batch.miss(); else batch.hit();
                    }
                }
            }
            return null;
        });
    }
}
