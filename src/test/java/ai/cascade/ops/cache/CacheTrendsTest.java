package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.CacheSample.NodeCounters;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.testing.TestCluster;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis' trends against a real Redis: the application's hit rate stays exact while the console looks up thousands of
 * keys, restarts and resets drop their interval, a stopped server is a gap, and a cluster's masters are summed.
 */
class CacheTrendsTest {
    static RedisConnection redis;
    static RedisClient appClient;
    static StatefulRedisConnection<String, String> app;
    CacheTrends trends;

    @BeforeAll
    static void connect() {
        redis = TestServers.freshRedis();
        appClient = RedisClient.create(RedisURI.create(TestServers.redisUrl()));
        app = appClient.connect();   // the application: a client of its own, not the console's
    }

    @AfterAll
    static void close() {
        app.close();
        appClient.shutdown();
        redis.close();
    }

    @BeforeEach
    void sampler() {
        redis.run("flush", c -> c.flushall());
        trends = new CacheTrends(new RedisKeyspace(redis));
    }

    @AfterEach
    void stop() {
        trends.close();
    }

    /** The application's traffic: {@code hits} GETs of existing keys and {@code misses} of missing ones, interleaved. */
    private static void appTraffic(RedisCommands<String, String> c, int hits, int misses, Runnable every500) {
        int h = 0, m = 0;
        for (int i = 0; h < hits || m < misses; i++) {
            if (m < misses && (h >= hits || i % 4 == 3)) c.get("cascade:patterns:absent-" + m++);
            else c.get("cascade:patterns:" + (h++ % 1_000));
            if (i % 500 == 499) every500.run();
        }
    }

    private static void fill(String prefix, int n) {
        redis.runDedicated("fixture", conn -> {
            conn.setAutoFlushCommands(false);
            RedisAsyncCommands<String, String> a = conn.async();
            List<RedisFuture<String>> sets = new ArrayList<>();
            for (int i = 0; i < n; i++) sets.add(a.set(prefix + i, "{\"v\":" + i + "}", SetArgs.Builder.ex(600)));
            conn.flushCommands();
            for (RedisFuture<String> f : sets) await(f);
            return null;
        });
    }

    private static <T> T await(java.util.concurrent.Future<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The console inspecting keys the way the inventory does: PTTL and TYPE pipelined over 1,000 keys per batch, a
     * third of them missing, each batch tallied in {@link OwnLookups}. Runs until {@code stop}; returns its lookups.
     */
    private static long consoleLookups(AtomicBoolean stop) {
        RedisNode node = RedisNode.standalone(redis.address().host(), redis.address().port());
        AtomicLong lookups = new AtomicLong();
        redis.runBytesDedicated(node, "inspecting keys", conn -> {
            conn.setAutoFlushCommands(false);
            var a = conn.async();
            for (int round = 0; !stop.get(); round++) {
                try (OwnLookups.Batch batch = redis.lookups().begin(node.id())) {
                    List<RedisFuture<Long>> ttls = new ArrayList<>();
                    List<RedisFuture<String>> types = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                        byte[] key = ("inventory:" + ((round * 1_000 + i) % 15_000)).getBytes(StandardCharsets.UTF_8);
                        ttls.add(a.pttl(key));
                        types.add(a.type(key));
                    }
                    conn.flushCommands();
                    for (int i = 0; i < ttls.size(); i++) {
                        if (await(ttls.get(i)) == -2) batch.miss(); else batch.hit();
                        if (await(types.get(i)).equals("none")) batch.miss(); else batch.hit();
                    }
                    lookups.addAndGet(2L * ttls.size());
                }
            }
            return null;
        });
        return lookups.get();
    }

    private static long sum(List<CacheTrendPoint> points, java.util.function.ToLongFunction<RedisRates> figure) {
        return points.stream().filter(p -> p.rates() != null).mapToLong(p -> figure.applyAsLong(p.rates())).sum();
    }

    private static long keyspaceHits() {
        return CacheChecks.number(CacheChecks.parseInfo(redis.run("info", c -> c.info("stats"))), "keyspace_hits");
    }

    @Test
    void theApplicationsHitRateIsExactlyItsOwnWhileTheConsoleLooksUpThousandsOfKeys() throws Exception {
        fill("cascade:patterns:", 1_000);
        fill("inventory:", 10_000);   // of the 15,000 names the console inspects, 5,000 are missing
        long hitsBefore = keyspaceHits();
        assertThat(trends.sampleNow().kind()).isEqualTo(CacheTrendPoint.Kind.BASELINE);

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService console = Executors.newFixedThreadPool(2);
        try {
            Future<Long> first = console.submit(() -> consoleLookups(stop));
            Future<Long> second = console.submit(() -> consoleLookups(stop));
            appTraffic(app.sync(), 3_000, 1_000, trends::sampleNow);   // a sample every 500 of the app's lookups
            stop.set(true);
            long own = first.get(60, TimeUnit.SECONDS) + second.get(60, TimeUnit.SECONDS);
            trends.sampleNow();

            List<CacheTrendPoint> points = trends.history();
            assertThat(points).extracting(CacheTrendPoint::kind).filteredOn(k -> k == CacheTrendPoint.Kind.RATES).hasSizeGreaterThanOrEqualTo(8);
            assertThat(points).noneMatch(p -> p.kind() == CacheTrendPoint.Kind.DROPPED || p.kind() == CacheTrendPoint.Kind.GAP);
            assertThat(sum(points, RedisRates::appHits)).as("the application's hits").isEqualTo(3_000);
            assertThat(sum(points, RedisRates::appMisses)).as("the application's misses").isEqualTo(1_000);
            assertThat(points).filteredOn(p -> p.rates() != null).noneMatch(p -> p.rates().approximate());
            // The check could fail: the console's lookups did reach Redis' counters, many times the application's.
            assertThat(own).isGreaterThan(20_000);
            assertThat(sum(points, RedisRates::ownLookups)).isEqualTo(own);
            assertThat(keyspaceHits() - hitsBefore).isGreaterThan(3_000 + own / 2);
            double rate = 100.0 * sum(points, RedisRates::appHits) / (sum(points, RedisRates::appHits) + sum(points, RedisRates::appMisses));
            assertThat(rate).isEqualTo(75.0);
        } finally {
            stop.set(true);
            console.shutdownNow();
        }
    }

    @Test
    void theRateIsExactWhileTheRealKeyInventoryRuns() throws Exception {
        fill("cascade:patterns:", 1_000);
        fill("cascade:venice:get-citizens:", 30_000);
        trends.sampleNow();
        ExecutorService inventory = Executors.newSingleThreadExecutor();
        try {
            Future<InventoryReport> run = inventory.submit(
                    () -> new KeyInventory(new RedisKeyspace(redis)).run(InventoryDepth.FULL, CancelSignal.NONE, r -> { }));
            appTraffic(app.sync(), 3_000, 1_000, trends::sampleNow);
            InventoryReport report;
            try {
                report = run.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                Assumptions.assumeFalse(e.getCause() instanceof UnsupportedOperationException, "KeyInventory is not built yet");
                throw e;
            }
            trends.sampleNow();
            assertThat(report.state()).isEqualTo(InventoryReport.State.FINISHED);
            assertThat(report.keys()).isEqualTo(31_000);
            List<CacheTrendPoint> points = trends.history();
            assertThat(sum(points, RedisRates::appHits)).isEqualTo(3_000);
            assertThat(sum(points, RedisRates::appMisses)).isEqualTo(1_000);
            assertThat(sum(points, RedisRates::ownLookups)).as("the inventory's lookups were tallied and left out").isGreaterThanOrEqualTo(31_000);
        } finally {
            inventory.shutdownNow();
        }
    }

    @Test
    void opsEvictionsExpirationsMemoryAndClientsAreThoseOfTheInterval() throws Exception {
        String maxBefore = redis.run("maxmemory", c -> c.configGet("maxmemory").get("maxmemory"));
        redis.run("limit", c -> c.configSet("maxmemory", "0"));
        CacheTrendPoint base = trends.sampleNow();
        assertThat(base.memoryLimited()).as("maxmemory 0 means no limit").isFalse();
        assertThat(base.masters()).isEqualTo(1);
        assertThat(base.cluster()).isFalse();
        redis.run("short-lived keys", c -> {
            for (int i = 0; i < 50; i++) c.set("cascade:ratelimit:" + i, "1", SetArgs.Builder.px(1));
            return null;
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (redis.run("dbsize", c -> c.dbsize()) > 0 && System.nanoTime() < until) Thread.sleep(50);   // active expiry
        try (StatefulRedisConnection<String, String> extra = appClient.connect()) {
            extra.sync().ping();
            long used = CacheChecks.number(CacheChecks.parseInfo(redis.run("info", c -> c.info("memory"))), "used_memory");
            redis.run("limit", c -> c.configSet("maxmemory", String.valueOf(used + 50_000_000)));
            CacheTrendPoint p = trends.sampleNow();
            assertThat(p.kind()).isEqualTo(CacheTrendPoint.Kind.RATES);
            RedisRates r = p.rates();
            assertThat(r.expiredPerSecond() * r.seconds()).isCloseTo(50, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(r.evictedPerSecond()).isZero();
            assertThat(r.opsPerSecond() * r.seconds()).as("the 50 SETs, polls, PING and CONFIG SET at least").isGreaterThan(52);
            assertThat(r.hitPercent()).as("no lookups").isEmpty();
            assertThat(p.memoryLimited()).isTrue();
            assertThat(p.maxMemory()).isEqualTo(used + 50_000_000);
            assertThat(p.usedMemory()).isPositive();
            long clients = CacheChecks.number(CacheChecks.parseInfo(redis.run("info", c -> c.info("clients"))), "connected_clients");
            assertThat(p.connectedClients()).isBetween(3L, clients);   // the console's, the app's and the extra one at least
        } finally {
            redis.run("restore", c -> c.configSet("maxmemory", maxBefore));
        }
    }

    @Test
    void resetStatisticsDropTheirIntervalAndTheNextIntervalIsRatedAgain() {
        fill("cascade:patterns:", 1_000);
        trends.sampleNow();
        appTraffic(app.sync(), 40, 0, () -> { });
        redis.run("reset", c -> c.configResetstat());
        appTraffic(app.sync(), 3, 1, () -> { });
        CacheTrendPoint dropped = trends.sampleNow();
        assertThat(dropped.kind()).isEqualTo(CacheTrendPoint.Kind.DROPPED);
        assertThat(dropped.rates()).isNull();
        assertThat(dropped.note()).contains("CONFIG RESETSTAT").contains("left out");

        appTraffic(app.sync(), 9, 1, () -> { });
        CacheTrendPoint next = trends.sampleNow();
        assertThat(next.kind()).isEqualTo(CacheTrendPoint.Kind.RATES);
        assertThat(next.rates().appHits()).isEqualTo(9);
        assertThat(next.rates().hitPercent()).hasValue(90.0);
    }

    @Test
    void aRestartedServerDropsItsIntervalRatherThanDrawingANegativePoint() {
        NodeCounters before = new NodeCounters("a:1", "run-1", 500, 10_000, 2_000, 90_000, 0, 10, 1, 0, 3);
        NodeCounters after = new NodeCounters("a:1", "run-2", 2, 5, 1, 20, 0, 0, 1, 0, 3);
        NodeCounters sameRunYounger = new NodeCounters("a:1", "run-1", 3, 10_005, 2_001, 90_020, 0, 10, 1, 0, 3);
        CacheSample earlier = new CacheSample(Instant.EPOCH, 0, false, List.of(before), Map.of(), 0);
        assertThat(CacheTrends.droppedBecause(earlier, new CacheSample(Instant.EPOCH, 1, false, List.of(after), Map.of(), 0)))
                .contains("restarted");
        assertThat(CacheTrends.droppedBecause(earlier, new CacheSample(Instant.EPOCH, 1, false, List.of(sameRunYounger), Map.of(), 0)))
                .as("uptime going backwards is a restart even with the same run_id").contains("restarted");
        CacheSample otherMasters = new CacheSample(Instant.EPOCH, 1, true,
                List.of(new NodeCounters("b:2", "run-3", 600, 1, 1, 1, 0, 0, 1, 0, 1)), Map.of(), 0);
        assertThat(CacheTrends.droppedBecause(earlier, otherMasters)).contains("masters changed");
    }

    @Test
    void ownLookupsWhoseOutcomeIsUnknownMarkTheirIntervalApproximate() {
        fill("cascade:patterns:", 10);
        trends.sampleNow();
        RedisNode node = RedisNode.standalone(redis.address().host(), redis.address().port());
        try (OwnLookups.Batch batch = redis.lookups().begin(node.id())) {
            batch.unknown(5);   // e.g. a pipeline that timed out
        }
        appTraffic(app.sync(), 4, 0, () -> { });
        CacheTrendPoint p = trends.sampleNow();
        assertThat(p.rates().approximate()).isTrue();
        CacheTrendPoint next = trends.sampleNow();
        assertThat(next.rates().approximate()).as("only the interval in which it happened").isFalse();
    }

    @Test
    void aStoppedServerIsAGapWithItsReasonAndSamplingCarriesOn() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RedisConnection nowhere = new RedisConnection(RedisAddress.parse("redis://127.0.0.1:" + port));
             CacheTrends down = new CacheTrends(new RedisKeyspace(nowhere))) {
            CacheTrendPoint p = down.sampleNow();
            assertThat(p.kind()).isEqualTo(CacheTrendPoint.Kind.GAP);
            assertThat(p.note()).contains("unreachable");
            assertThat(down.sampleNow().kind()).isEqualTo(CacheTrendPoint.Kind.GAP);
        }
    }

    @Test
    void theSamplerWaitsForTheConsolesBatchAndSaysSoWhenItsPatienceRunsOut() {
        fill("cascade:patterns:", 10);
        try (CacheTrends impatient = new CacheTrends(new RedisKeyspace(redis), Duration.ofMillis(200))) {
            impatient.sampleNow();
            appTraffic(app.sync(), 3, 1, () -> { });
            RedisNode node = RedisNode.standalone(redis.address().host(), redis.address().port());
            CacheTrendPoint waited;
            try (OwnLookups.Batch batch = redis.lookups().begin(node.id())) {
                waited = impatient.sampleNow();
            }
            assertThat(waited.kind()).isEqualTo(CacheTrendPoint.Kind.WAITED);
            assertThat(waited.note()).contains("kept INFO waiting");
            appTraffic(app.sync(), 3, 1, () -> { });
            CacheTrendPoint next = impatient.sampleNow();
            assertThat(next.kind()).isEqualTo(CacheTrendPoint.Kind.RATES);
            assertThat(next.rates().appHits()).as("the next point spans the skipped interval").isEqualTo(6);
            assertThat(next.rates().appMisses()).isEqualTo(2);
        }
    }

    @Test
    void aClusterIsSampledOnEveryMasterAndSummed() {
        TestCluster cluster = TestCluster.get();
        cluster.flush();
        try (RedisConnection seed = cluster.connection(); CacheTrends clustered = new CacheTrends(new RedisKeyspace(seed))) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; keys.size() < 30; i++) keys.add("cascade:session:" + i);
            for (String k : keys) cluster.on(cluster.masterOf(SlotHash.getSlot(k)), c -> c.set(k, "{}"));
            CacheTrendPoint base = clustered.sampleNow();
            assertThat(base.cluster()).isTrue();
            assertThat(base.masters()).isEqualTo(3);
            for (String k : keys) {
                TestCluster.Master m = cluster.masterOf(SlotHash.getSlot(k));
                cluster.on(m, c -> c.get(k));
                cluster.on(m, c -> c.get("{" + k + "}:missing"));   // the hash tag puts it in k's slot
            }
            CacheTrendPoint p = clustered.sampleNow();
            assertThat(p.kind()).isEqualTo(CacheTrendPoint.Kind.RATES);
            assertThat(p.rates().appHits()).isEqualTo(30);
            assertThat(p.rates().appMisses()).isEqualTo(30);
        }
    }
}
