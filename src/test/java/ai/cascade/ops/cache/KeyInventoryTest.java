package ai.cascade.ops.cache;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.testing.TestRedis;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The key inventory against a real Redis: exact counts, TTLs, memory, its own lookups, and no slowlog entries. */
class KeyInventoryTest {
    @RegisterExtension static final TestRedis server = new TestRedis("maxmemory-policy", "slowlog-log-slower-than");
    static RedisConnection redis;
    static RedisKeyspace keyspace;

    @BeforeAll
    static void connect() {
        redis = server.connection();
        keyspace = new RedisKeyspace(redis);
    }

    static RedisNode node() {
        return keyspace.topology().masters().get(0);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs {@code writes} pipelined on a connection of its own and waits for every reply. */
    static void pipelined(Function<RedisAsyncCommands<byte[], byte[]>, List<RedisFuture<?>>> writes) {
        pipelinedOn(redis, node(), writes);
    }

    static void pipelinedOn(RedisConnection on, RedisNode node, Function<RedisAsyncCommands<byte[], byte[]>, List<RedisFuture<?>>> writes) {
        on.runBytesDedicated(node, "writing test keys", c -> {
            c.setAutoFlushCommands(false);
            List<RedisFuture<?>> futures = writes.apply(c.async());
            c.flushCommands();
            if (!LettuceFutures.awaitAll(Duration.ofSeconds(60), futures.toArray(new RedisFuture[0])))
                throw new AssertionError("writing test keys timed out");
            return null;
        });
    }

    /** {@code n} string keys {@code prefix + i}, with a TTL of {@code ttlMillis} (0: none). */
    static List<byte[]> strings(String prefix, int n, long ttlMillis) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) keys.add(b(prefix + i));
        pipelined(a -> {
            List<RedisFuture<?>> f = new ArrayList<>();
            for (byte[] k : keys) f.add(ttlMillis > 0 ? a.set(k, b("v"), SetArgs.Builder.px(ttlMillis)) : a.set(k, b("v")));
            return f;
        });
        return keys;
    }

    static InventoryReport run(InventoryDepth depth) {
        return new KeyInventory(keyspace).run(depth, CancelSignal.NONE, r -> { });
    }

    static FamilyFigures family(InventoryReport r, String family) {
        return r.families().stream().filter(f -> f.family().equals(family)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + family + " in " + r.families().stream().map(FamilyFigures::family).toList()));
    }

    static Map<String, Long> counts(InventoryReport r) {
        return r.families().stream().filter(f -> f.keys() > 0).collect(Collectors.toMap(FamilyFigures::family, FamilyFigures::keys));
    }

    /** Keys in every family, with awkward names and types; returns what was written per family. */
    static Map<String, Long> writeMixedKeyspace() {
        strings("cascade:session:", 300, 600_000);
        strings("cascade:blacklist:", 50, 600_000);
        strings("cascade:ratelimit:", 40, 60_000);
        strings("cascade:venice:get-ledger:", 25, 300_000);
        strings("cascade:venice:get-citizens:", 15, 300_000);
        strings("cascade:venice:", 3, 300_000);                 // no endpoint part
        strings("other:", 100, 0);
        List<byte[]> awkward = List.of(b("a*b?c[d]e\\f"), b("line\nbreak"), new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1},
                b("*"), b("cascade:patterns:"), b("[]"));
        pipelined(a -> {
            List<RedisFuture<?>> f = new ArrayList<>();
            for (byte[] k : awkward) f.add(a.set(k, b("x")));
            f.add(a.set(new byte[]{'c', 'a', 's', 'c', 'a', 'd', 'e', ':', 's', 'e', 's', 's', 'i', 'o', 'n', ':', (byte) 0xc3, 0x28}, b("bad utf-8")));
            for (int i = 0; i < 30; i++) f.add(a.hset(b("cascade:patterns:p" + i), Map.of(b("id"), b("p" + i), b("score"), b("0.9"))));
            f.add(a.rpush(b("queue:jobs"), b("1"), b("2"), b("3")));
            f.add(a.sadd(b("set:workers"), b("w1"), b("w2")));
            f.add(a.zadd(b("zset:board"), 1.0, b("m")));
            f.add(a.set(b("big:twenty-mb"), new byte[20 * 1024 * 1024]));
            return f;
        });
        Map<String, Long> expected = new HashMap<>();
        expected.put(KeyFamilies.SESSION, 301L);
        expected.put(KeyFamilies.BLACKLIST, 50L);
        expected.put(KeyFamilies.RATELIMIT, 40L);
        expected.put(KeyFamilies.PATTERNS, 31L);
        expected.put("cascade:venice:get-ledger:", 25L);
        expected.put("cascade:venice:get-citizens:", 15L);
        expected.put(KeyFamilies.VENICE, 3L);
        expected.put(KeyFamilies.OTHER, 100L + 5 + 3 + 1);
        return expected;
    }

    @Test
    void countsEveryKeyOnceInItsFamilyWhateverItsNameOrType() {
        Map<String, Long> expected = writeMixedKeyspace();
        long total = expected.values().stream().mapToLong(Long::longValue).sum();

        for (InventoryDepth depth : InventoryDepth.values()) {
            InventoryReport r = run(depth);
            assertThat(r.state()).as(depth.name()).isEqualTo(InventoryReport.State.FINISHED);
            assertThat(counts(r)).as(depth.name()).isEqualTo(expected);
            assertThat(r.keys()).isEqualTo(total);
            assertThat(r.vanished()).isZero();
            assertThat(r.nodes()).singleElement().satisfies(n -> {
                assertThat(n.done()).isTrue();
                assertThat(n.dbsizeAtStart()).isEqualTo(total);
                assertThat(n.returned()).isEqualTo(total + r.duplicates());
            });
            assertThat(r.progress()).isEqualTo(1.0);
        }
        InventoryReport full = run(InventoryDepth.FULL);
        assertThat(full.ttlKnown()).isTrue();
        assertThat(full.memoryKnown()).isTrue();
        assertThat(full.idleKnown()).isTrue();
        assertThat(family(full, KeyFamilies.PATTERNS).types()).isEqualTo(Map.of("hash", 30L, "string", 1L));
        assertThat(family(full, KeyFamilies.OTHER).types()).isEqualTo(Map.of("string", 106L, "list", 1L, "set", 1L, "zset", 1L));
        assertThat(family(full, KeyFamilies.OTHER).largest().get(0).shown()).isEqualTo("big:twenty-mb");
        assertThat(family(full, KeyFamilies.OTHER).largest().get(0).bytes()).isGreaterThan(20L * 1024 * 1024);
        assertThat(family(full, KeyFamilies.OTHER).largest()).hasSize(FamilyFigures.LARGEST_KEPT);
        assertThat(full.families().get(0).family()).isEqualTo(KeyFamilies.SESSION);
        assertThat(full.families().get(full.families().size() - 1).family()).isEqualTo(KeyFamilies.OTHER);
    }

    @Test
    void ttlsLandInTheirBucketsAndKeysWithoutOneAreListedMasked() {
        long[] ttlSeconds = {30, 120, 600, 1_800, 7_200, 43_200, 172_800};   // the middle of each bucket
        for (int bucket = 0; bucket < ttlSeconds.length; bucket++)
            strings("cascade:session:b" + bucket + ":", 10 + bucket, ttlSeconds[bucket] * 1000);
        strings("cascade:session:forever:", 25, 0);
        List<byte[]> revoked = strings("cascade:blacklist:jti-secret-", 7, 0);

        InventoryReport r = run(InventoryDepth.FULL);

        FamilyFigures session = family(r, KeyFamilies.SESSION);
        assertThat(session.ttlBuckets()).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L);
        assertThat(session.withoutTtl()).isEqualTo(25);
        assertThat(session.withoutTtlExamples()).hasSize(FamilyFigures.EXAMPLES_KEPT)
                .allSatisfy(e -> assertThat(e).startsWith("cascade:session:forever:"));
        assertThat(session.leaks()).isTrue();
        FamilyFigures blacklist = family(r, KeyFamilies.BLACKLIST);
        assertThat(blacklist.withoutTtl()).isEqualTo(7);
        assertThat(blacklist.ttlBuckets()).containsOnly(0L);
        assertThat(blacklist.withoutTtlExamples()).hasSize(7).allSatisfy(e -> {
            assertThat(e).startsWith(KeyFamilies.BLACKLIST).endsWith("…").doesNotContain("secret");
        });
        assertThat(revoked).hasSize(7);
        assertThat(r.withoutTtl()).isEqualTo(32);
        FamilyFigures other = family(r, KeyFamilies.OTHER);
        assertThat(other.keys()).isZero();
    }

    @Test
    void eachFamilysMemoryIsTheSumOfMemoryUsageOfItsKeys() {
        Map<String, Long> expected = writeMixedKeyspace();

        InventoryReport r = run(InventoryDepth.FULL);

        // the oracle: MEMORY USAGE asked by the test for every key, summed by the family it was written in
        Map<String, Long> bytes = new HashMap<>();
        redis.runBytes(node(), "memory oracle", c -> {
            for (byte[] k : c.keys("*")) bytes.merge(writtenFamily(k), c.memoryUsage(k), Long::sum);
            return null;
        });
        assertThat(bytes.keySet()).isEqualTo(expected.keySet());
        for (var e : bytes.entrySet()) assertThat(family(r, e.getKey()).bytes()).as(e.getKey()).isEqualTo(e.getValue());
        assertThat(r.totalBytes()).isEqualTo(bytes.values().stream().mapToLong(Long::longValue).sum());
    }

    /** The family the test wrote a key in (the test's own map of prefixes, not KeyFamilies). */
    private static String writtenFamily(byte[] key) {
        String s = new String(key, StandardCharsets.ISO_8859_1);
        for (String p : List.of("cascade:venice:get-ledger:", "cascade:venice:get-citizens:", "cascade:session:",
                "cascade:blacklist:", "cascade:ratelimit:", "cascade:patterns:"))
            if (s.startsWith(p)) return p;
        if (s.startsWith("cascade:venice:")) return KeyFamilies.VENICE;
        return KeyFamilies.OTHER;
    }

    @Test
    void itsOwnLookupsAreExactlyWhatRedisCountedIncludingKeysExpiringMeanwhile() {
        strings("cascade:session:", 20_000, 0);
        // keys that expire while the run inspects them: TYPE or PTTL then count as misses
        List<byte[]> expiring = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) expiring.add(b("cascade:patterns:e" + i));
        pipelined(a -> {
            List<RedisFuture<?>> f = new ArrayList<>();
            for (byte[] k : expiring) f.add(a.set(k, b("v"), SetArgs.Builder.px(ThreadLocalRandom.current().nextLong(1, 400))));
            return f;
        });
        OwnLookups.Tally before = tally();
        long[] infoBefore = keyspaceHitsAndMisses();

        InventoryReport r = run(InventoryDepth.FULL);

        long[] infoAfter = keyspaceHitsAndMisses();
        OwnLookups.Tally own = tally().minus(before);
        assertThat(r.state()).isEqualTo(InventoryReport.State.FINISHED);
        assertThat(own.hits()).isEqualTo(infoAfter[0] - infoBefore[0]);
        assertThat(own.misses()).isEqualTo(infoAfter[1] - infoBefore[1]);
        assertThat(own.hits()).isGreaterThanOrEqualTo(3 * 20_000L);
        assertThat(redis.lookups().uncertain()).isZero();
        assertThat(family(r, KeyFamilies.SESSION).keys()).isEqualTo(20_000);
    }

    @Test
    void hitRateReadingsGetTheirTurnWhileARunIsUnderWayAndEachIsExact() throws Exception {
        populate(150_000, "cascade:session");
        long[] infoBefore = keyspaceHitsAndMisses();
        OwnLookups.Tally before = tally();
        CompletableFuture<InventoryReport> running = CompletableFuture.supplyAsync(() -> new KeyInventory(keyspace, 100)
                .run(InventoryDepth.FULL, CancelSignal.NONE, x -> { }));
        int exact = 0;
        while (!running.isDone()) {
            OwnLookups.Reading<Map<String, String>> r = redis.lookups().read(
                    () -> CacheChecks.parseInfo(redis.run("info", c -> c.info("stats"))), Duration.ofSeconds(2));
            assertThat(r).as("a reading while the inventory runs").isNotNull();
            OwnLookups.Tally own = r.ownOn(node().id()).minus(before);
            assertThat(own.hits()).isEqualTo(Long.parseLong(r.value().get("keyspace_hits")) - infoBefore[0]);
            assertThat(own.misses()).isEqualTo(Long.parseLong(r.value().get("keyspace_misses")) - infoBefore[1]);
            if (own.hits() > 0) exact++;
            Thread.sleep(30);
        }
        assertThat(running.get(60, TimeUnit.SECONDS).state()).isEqualTo(InventoryReport.State.FINISHED);
        assertThat(exact).as("readings taken mid-run").isPositive();
    }

    @Test
    void memoryUsageCountsNeitherAsHitNorMiss() {
        strings("other:", 5_000, 0);
        long[] infoBefore = keyspaceHitsAndMisses();
        OwnLookups.Tally before = tally();

        InventoryReport r = run(InventoryDepth.FULL);

        long[] infoAfter = keyspaceHitsAndMisses();
        assertThat(r.memoryKnown()).isTrue();
        // TYPE, PTTL and OBJECT IDLETIME per key; MEMORY USAGE, sent as often, adds nothing
        assertThat(infoAfter[0] - infoBefore[0]).isEqualTo(3 * 5_000L);
        assertThat(infoAfter[1] - infoBefore[1]).isZero();
        assertThat(tally().minus(before)).isEqualTo(new OwnLookups.Tally(3 * 5_000L, 0));
    }

    @Test
    void underAnLfuPolicyIdleTimeIsUnknownAndSaysWhyWhileLookupsStayExact() {
        strings("cascade:ratelimit:", 3_000, 60_000);
        redis.run("lfu", c -> c.configSet("maxmemory-policy", "allkeys-lfu"));
        long[] infoBefore = keyspaceHitsAndMisses();
        OwnLookups.Tally before = tally();

        InventoryReport r = run(InventoryDepth.FULL);

        long[] infoAfter = keyspaceHitsAndMisses();
        assertThat(r.state()).isEqualTo(InventoryReport.State.FINISHED);
        assertThat(r.idleKnown()).isFalse();
        assertThat(r.ttlKnown()).isTrue();
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("allkeys-lfu"));
        assertThat(family(r, KeyFamilies.RATELIMIT).keys()).isEqualTo(3_000);
        assertThat(family(r, KeyFamilies.RATELIMIT).idleBuckets()).containsOnly(0L);
        assertThat(tally().minus(before)).isEqualTo(new OwnLookups.Tally(infoAfter[0] - infoBefore[0], infoAfter[1] - infoBefore[1]));
    }

    @Test
    void aUserWithoutMemoryGetsExactCountsAndANoteThatMemoryIsUnknown() throws Exception {
        strings("cascade:session:", 2_000, 600_000);
        strings("other:", 500, 0);
        redis.run("acl", c -> c.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8)
                .add("SETUSER").add("inventory-nomem").add("reset").add("on").add(">pw").add("~*").add("&*").add("+@all").add("-memory")));
        int port = redis.address().port();
        try (RedisConnection limited = new RedisConnection(RedisAddress.parse("redis://inventory-nomem:pw@localhost:" + port))) {
            InventoryReport r = new KeyInventory(new RedisKeyspace(limited)).run(InventoryDepth.FULL, CancelSignal.NONE, x -> { });

            assertThat(r.state()).isEqualTo(InventoryReport.State.FINISHED);
            assertThat(r.memoryKnown()).isFalse();
            assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("MEMORY USAGE is not allowed for this Redis user"));
            assertThat(family(r, KeyFamilies.SESSION).keys()).isEqualTo(2_000);
            assertThat(family(r, KeyFamilies.OTHER).keys()).isEqualTo(500);
            assertThat(family(r, KeyFamilies.SESSION).ttlBuckets().get(Buckets.of(600_000))).isEqualTo(2_000);
            assertThat(r.totalBytes()).isZero();
        } finally {
            redis.run("acl", c -> c.aclDeluser("inventory-nomem"));
        }
    }

    @Test
    void theMonitoringRoleOfTheReadmeRunsAFullInventoryWithEverythingKnown() throws Exception {
        strings("cascade:session:", 1_000, 600_000);
        String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("resources/redis/cascade-ops-acl.txt")).stream()
                .filter(l -> l.startsWith("ACL SETUSER")).findFirst().orElseThrow();
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (String word : line.replace("{user}", "inventory-monitor").replace("{password}", "pw").split(" ")) {
            if (!word.equals("ACL")) args.add(word);
        }
        redis.run("acl", c -> c.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args));
        int port = redis.address().port();
        try (RedisConnection monitor = new RedisConnection(RedisAddress.parse("redis://inventory-monitor:pw@localhost:" + port))) {
            InventoryReport r = new KeyInventory(new RedisKeyspace(monitor)).run(InventoryDepth.FULL, CancelSignal.NONE, x -> { });

            assertThat(r.state()).isEqualTo(InventoryReport.State.FINISHED);
            assertThat(r.notes()).isEmpty();
            assertThat(r.ttlKnown() && r.memoryKnown() && r.idleKnown()).isTrue();
            assertThat(family(r, KeyFamilies.SESSION).keys()).isEqualTo(1_000);
        } finally {
            redis.run("acl", c -> c.aclDeluser("inventory-monitor"));
        }
    }

    @Test
    void keysWrittenAndDeletedHeavilyDuringTheScanLeaveEveryEarlierKeyCountedExactlyOnce() throws Exception {
        int before = 20_000;
        strings("cascade:session:", before, 0);
        for (InventoryDepth depth : InventoryDepth.values()) {
            populate(200_000, "churn:" + depth);
            AtomicBoolean stop = new AtomicBoolean();
            // deleting nearly all keys makes Redis shrink its table mid-scan (SCAN then returns keys again);
            // writing them anew makes it grow and rehash
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int round = 0; !stop.get() && round < 20; round++) {
                    String prefix = "churn:" + (round == 0 ? depth.name() : depth.name() + round) + ":";
                    for (int from = 0; from < 200_000 && !stop.get(); from += 5_000) {
                        int first = from;
                        pipelined(a -> {
                            List<byte[]> part = new ArrayList<>();
                            for (int i = first; i < first + 5_000; i++) part.add(b(prefix + i));
                            return List.of(a.unlink(part.toArray(new byte[0][])));
                        });
                    }
                    if (!stop.get()) populate(200_000, "churn:" + depth.name() + (round + 1));
                }
            });
            try {
                InventoryReport r = new KeyInventory(keyspace, 50).run(depth, CancelSignal.NONE, x -> { });

                assertThat(r.state()).isEqualTo(InventoryReport.State.FINISHED);
                assertThat(family(r, KeyFamilies.SESSION).keys()).as(depth.name()).isEqualTo(before);
                assertThat(r.keys() + r.duplicates() + r.vanished()).isEqualTo(r.nodes().get(0).returned());
                System.out.printf("%s under churn: %,d keys, %,d returned again by SCAN, %,d vanished%n",
                        depth, r.keys(), r.duplicates(), r.vanished());
            } finally {
                stop.set(true);
                writer.get(120, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void cancellingStopsTheRunAndKeepsWhatWasCounted() {
        populate(100_000, "cascade:session");
        AtomicBoolean cancelled = new AtomicBoolean();
        CancelSignal cancel = new CancelSignal() {
            @Override public void onCancel(Runnable hook) { }

            @Override public boolean isCancelled() { return cancelled.get(); }
        };
        List<InventoryReport> snapshots = new ArrayList<>();

        InventoryReport r = new KeyInventory(keyspace, 20).run(InventoryDepth.FULL, cancel, s -> {
            snapshots.add(s);
            if (s.keys() > 0) cancelled.set(true);
        });

        assertThat(r.state()).isEqualTo(InventoryReport.State.CANCELLED);
        assertThat(r.keys()).isPositive().isLessThan(100_000);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("Cancelled after"));
        assertThat(snapshots).allSatisfy(s -> assertThat(s.state()).isEqualTo(InventoryReport.State.RUNNING));
        assertThat(redis.lookups().uncertain()).isZero();
    }

    @Test
    void progressArrivesAsImmutableSnapshotsAtMostEveryQuarterSecond() {
        populate(60_000, "other");
        List<InventoryReport> snapshots = new ArrayList<>();
        List<Long> at = new ArrayList<>();

        InventoryReport r = new KeyInventory(keyspace, 10).run(InventoryDepth.FULL, CancelSignal.NONE, s -> {
            snapshots.add(s);
            at.add(System.nanoTime());
        });

        assertThat(r.state()).isEqualTo(InventoryReport.State.FINISHED);
        assertThat(snapshots.size()).isGreaterThan(1);
        for (int i = 1; i < at.size(); i++)
            // the engine spaces them 250 ms apart on its own clock; seen from here, building a snapshot may take a little of that
            assertThat(at.get(i) - at.get(i - 1)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        for (int i = 1; i < snapshots.size(); i++)
            assertThat(snapshots.get(i).keys()).isGreaterThanOrEqualTo(snapshots.get(i - 1).keys());
        assertThat(snapshots.get(0).progress()).isLessThan(snapshots.get(snapshots.size() - 1).progress());
        assertThat(r.keys()).isEqualTo(60_000);
    }

    @Test
    void aServerStoppedMidRunEndsItAsFailedWithANoteInsteadOfHanging() throws Exception {
        int port = freePort();
        RedisServer own = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        own.start();
        try (RedisConnection conn = new RedisConnection(RedisAddress.parse("redis://localhost:" + port))) {
            conn.run("populate", c -> c.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("POPULATE").add(300_000).add("cascade:session")));
            AtomicBoolean stopped = new AtomicBoolean();

            InventoryReport r = assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                    new KeyInventory(new RedisKeyspace(conn), 100).run(InventoryDepth.FULL, CancelSignal.NONE, s -> {
                        if (s.keys() > 0 && !stopped.getAndSet(true)) stop(own);
                    }));

            assertThat(stopped).isTrue();
            assertThat(r.state()).isEqualTo(InventoryReport.State.FAILED);
            assertThat(r.keys()).isPositive().isLessThan(300_000);
            assertThat(r.notes()).anySatisfy(n -> assertThat(n)
                    .startsWith("Redis at localhost:" + port + " went away after ").endsWith("the figures are partial."));
            assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(30));
        } finally {
            stop(own);
        }
    }

    @Test
    void aServerThatCannotBeReachedAtTheStartIsAnErrorSayingSo() throws Exception {
        int port = freePort();
        try (RedisConnection conn = new RedisConnection(RedisAddress.parse("redis://localhost:" + port))) {
            assertThatThrownBy(() -> new KeyInventory(new RedisKeyspace(conn)).run(InventoryDepth.COUNTS, CancelSignal.NONE, s -> { }))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("localhost:" + port);
        }
    }

    private static void stop(RedisServer server) {
        try {
            server.stop();
        } catch (IOException | RuntimeException e) {
            // already stopped
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void eachScanCallStaysWellUnderAMillisecondOfServerTime() {
        populate(200_000, "cascade:patterns");
        strings("cascade:ratelimit:", 50_000, 600_000);   // Redis 7 checks each key's expiry as SCAN returns it
        redis.run("reset", c -> c.configResetstat());

        InventoryReport r = new KeyInventory(keyspace).run(InventoryDepth.COUNTS, CancelSignal.NONE, x -> { });

        assertThat(r.keys()).isEqualTo(250_000);
        String scan = CacheChecks.parseInfo(redis.run("stats", c -> c.info("commandstats"))).get("cmdstat_scan");
        Map<String, String> fields = new HashMap<>();
        for (String pair : scan.split(",")) fields.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        // SLOWLOG's measure, averaged over the run's calls: what the COUNT is chosen for
        assertThat(Double.parseDouble(fields.get("usec_per_call"))).isLessThan(1000);
        assertThat(Long.parseLong(fields.get("calls"))).isBetween(250_000L / ScanPace.MAX_COUNT, 250_000L / 10);
    }

    /**
     * A command of the run's own that is slow by design (a SCAN COUNT too large, a value read whole) shows up in
     * every run; one that the busy test machine merely preempted shows up in some. So: one clean run of a few.
     */
    @Test
    void itsScansAndPipelinesNeverReachTheSlowlog() {
        populate(200_000, "cascade:venice:get-ledger");
        List<List<String>> attempts = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            redis.run("slowlog", c -> {
                c.configSet("slowlog-log-slower-than", "10000");
                return c.slowlogReset();
            });

            InventoryReport r = run(InventoryDepth.FULL);

            assertThat(r.keys()).isEqualTo(200_000);
            List<String> ours = new ArrayList<>();
            for (Object e : redis.run("slowlog", c -> c.slowlogGet(1024))) {
                String text = String.valueOf(e);
                if (text.contains(MasterScan.CLIENT_NAME)) ours.add(text);
            }
            attempts.add(ours);
            if (ours.isEmpty()) break;
        }
        assertThat(attempts).as("slowlog entries of the inventory's client, per run").anySatisfy(ours -> assertThat(ours).isEmpty());
    }

    /** {@code n} keys {@code prefix:0..}, written by the server itself (DEBUG POPULATE): fast, and no TTL. */
    static void populate(int n, String prefix) {
        redis.run("populate", c -> c.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("POPULATE").add(n).add(prefix)));
    }

    private static OwnLookups.Tally tally() {
        return redis.lookups().snapshot().getOrDefault(node().id(), OwnLookups.Tally.ZERO);
    }

    private static long[] keyspaceHitsAndMisses() {
        Map<String, String> info = CacheChecks.parseInfo(redis.run("info", c -> c.info("stats")));
        return new long[]{Long.parseLong(info.get("keyspace_hits")), Long.parseLong(info.get("keyspace_misses"))};
    }

}
