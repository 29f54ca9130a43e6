package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.testing.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.lettuce.core.SetArgs.Builder.ex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key inventory across the three masters of a real local Redis Cluster, given only one node's address. The
 * oracle is what the test wrote, family by family, each key on the master the cluster assigns it to.
 */
class ClusterInventoryTest {
    static TestCluster cluster;
    static RedisConnection redis;

    @BeforeAll
    static void formTheCluster() {
        cluster = TestCluster.get();
        redis = cluster.connection();
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @BeforeEach
    void empty() {
        cluster.flush();
    }

    /** Per family: keys, keys without TTL, keys per TTL bucket, keys per type. */
    static final class Expected {
        final Map<String, long[]> families = new LinkedHashMap<>();
        final Map<String, Map<String, Long>> types = new LinkedHashMap<>();

        void add(String family, int bucket, String type) {
            long[] f = families.computeIfAbsent(family, k -> new long[2 + Buckets.count()]);
            f[0]++;
            if (bucket < 0) f[1]++;
            else f[2 + bucket]++;
            types.computeIfAbsent(family, k -> new LinkedHashMap<>()).merge(type, 1L, Long::sum);
        }

        long keys() { return families.values().stream().mapToLong(f -> f[0]).sum(); }

        long withoutTtl() { return families.values().stream().mapToLong(f -> f[1]).sum(); }
    }

    /**
     * Families of the contract with TTLs well inside one bucket, keys with hash tags (several on one master),
     * binary names and every type; a leak in the rate-limit family.
     */
    static Expected writeKnownKeys(RedisKeyspace keyspace) {
        Expected e = new Expected();
        for (int i = 0; i < 90; i++) {
            String k = "cascade:session:" + i;
            int user = i;
            write(keyspace, k, c -> c.set(b(k), b("{\"user_id\":" + user + "}"), ex(7_200)));
            e.add("cascade:session:", 4, "string");
        }
        for (int i = 0; i < 40; i++) {   // all on the master of {user7}
            String k = "cascade:venice:get-ledger:{user7}:" + i;
            write(keyspace, k, c -> c.set(b(k), b("{}"), ex(280)));
            e.add("cascade:venice:get-ledger:", 1, "string");
        }
        for (int i = 0; i < 30; i++) {
            String k = "cascade:patterns:" + i;
            write(keyspace, k, c -> c.set(b(k), b("{\"p\":1}"), ex(280)));
            e.add("cascade:patterns:", 1, "string");
        }
        for (int i = 0; i < 25; i++) {
            String k = "cascade:ratelimit:" + i;
            write(keyspace, k, c -> c.set(b(k), b("1"), ex(600)));
            e.add("cascade:ratelimit:", 2, "string");
        }
        for (int i = 0; i < 7; i++) {   // the leak
            String k = "cascade:ratelimit:stuck" + i;
            write(keyspace, k, c -> c.set(b(k), b("1")));
            e.add("cascade:ratelimit:", -1, "string");
        }
        for (int i = 0; i < 12; i++) {
            String k = "cascade:blacklist:jti-" + i;
            write(keyspace, k, c -> c.set(b(k), b("{\"reason\":\"x\"}"), ex(100_000)));
            e.add("cascade:blacklist:", 6, "string");
        }
        for (int i = 0; i < 20; i++) {
            byte[] k = {'o', 'b', (byte) 0xff, (byte) i, '\n'};
            writeBytes(keyspace, k, c -> c.hset(k, b("f"), b("v")));
            e.add("other", -1, "hash");
        }
        for (int i = 0; i < 10; i++) {
            String k = "queue:{jobs}:" + i;
            write(keyspace, k, c -> c.rpush(b(k), b("a"), b("b")));
            e.add("other", -1, "list");
        }
        for (int i = 0; i < 10; i++) {
            String k = "set:" + i;
            write(keyspace, k, c -> c.sadd(b(k), b("a")));
            e.add("other", -1, "set");
        }
        for (int i = 0; i < 10; i++) {
            String k = "zset:" + i;
            write(keyspace, k, c -> c.zadd(b(k), 1.0, b("a")));
            e.add("other", -1, "zset");
        }
        return e;
    }

    @Test
    void aFullInventoryOfTheClusterCountsEveryKeyOnceOnEveryMaster() {
        RedisKeyspace keyspace = new RedisKeyspace(redis);
        Expected expected = writeKnownKeys(keyspace);
        List<Long> sizes = cluster.dbsizes();
        assertThat(sizes).allSatisfy(n -> assertThat(n).isPositive());   // the keys really are spread
        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(expected.keys());

        InventoryReport report = new KeyInventory(keyspace).run(InventoryDepth.FULL, CancelSignal.NONE, r -> { });

        assertThat(report.state()).as("notes: %s", report.notes()).isEqualTo(InventoryReport.State.FINISHED);
        assertThat(report.cluster()).isTrue();
        assertThat(report.ttlKnown()).isTrue();
        assertThat(report.keys()).isEqualTo(expected.keys());
        assertThat(report.withoutTtl()).isEqualTo(expected.withoutTtl());
        assertThat(report.vanished()).isZero();
        assertNodes(report, sizes);
        Map<String, FamilyFigures> got = byFamily(report);
        expected.families.forEach((family, f) -> {
            FamilyFigures g = got.get(family);
            assertThat(g).as("family %s in %s", family, got.keySet()).isNotNull();
            assertThat(g.keys()).as(family).isEqualTo(f[0]);
            assertThat(g.withoutTtl()).as(family + " without TTL").isEqualTo(f[1]);
            List<Long> buckets = new ArrayList<>();
            for (int i = 0; i < Buckets.count(); i++) buckets.add(f[2 + i]);
            assertThat(g.ttlBuckets()).as(family + " TTL buckets").isEqualTo(buckets);
            assertThat(g.types()).as(family + " types").isEqualTo(expected.types.get(family));
            if (report.memoryKnown()) assertThat(g.bytes()).as(family + " memory").isPositive();
            if (report.idleKnown()) assertThat(g.idleBuckets().stream().mapToLong(Long::longValue).sum()).isEqualTo(f[0]);
        });
        got.forEach((family, g) -> {
            if (!expected.families.containsKey(family)) assertThat(g.keys()).as(family).isZero();
        });
        assertThat(report.families().stream().filter(FamilyFigures::leaks).map(FamilyFigures::family)).containsExactly("cascade:ratelimit:");
        assertThat(got.get("cascade:ratelimit:").withoutTtlExamples()).isNotEmpty()
                .allSatisfy(k -> assertThat(k).startsWith("cascade:ratelimit:stuck"));
        assertThat(got.get("other").withoutTtlExamples()).allSatisfy(k -> assertThat(k).doesNotContain("\n"));
    }

    @Test
    void aCountsInventoryOfTheClusterCountsKeysPerFamilyOnEveryMaster() {
        RedisKeyspace keyspace = new RedisKeyspace(redis);
        Expected expected = writeKnownKeys(keyspace);
        List<Long> sizes = cluster.dbsizes();

        InventoryReport report = new KeyInventory(keyspace).run(InventoryDepth.COUNTS, CancelSignal.NONE, r -> { });

        assertThat(report.state()).as("notes: %s", report.notes()).isEqualTo(InventoryReport.State.FINISHED);
        assertThat(report.cluster()).isTrue();
        assertThat(report.depth()).isEqualTo(InventoryDepth.COUNTS);
        assertThat(report.keys()).isEqualTo(expected.keys());
        assertNodes(report, sizes);
        Map<String, Long> counts = report.families().stream().filter(f -> f.keys() > 0)
                .collect(Collectors.toMap(FamilyFigures::family, FamilyFigures::keys));
        Map<String, Long> want = expected.families.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, x -> x.getValue()[0]));
        assertThat(counts).isEqualTo(want);
    }

    @Test
    void progressReportsEveryMasterAndEndsAtTheFinalFigures() {
        RedisKeyspace keyspace = new RedisKeyspace(redis);
        Expected expected = writeKnownKeys(keyspace);
        List<InventoryReport> seen = new ArrayList<>();
        InventoryReport report = new KeyInventory(keyspace).run(InventoryDepth.FULL, CancelSignal.NONE, seen::add);
        assertThat(report.keys()).isEqualTo(expected.keys());
        assertThat(seen).allSatisfy(r -> {
            assertThat(r.nodes()).hasSize(TestCluster.MASTERS);
            assertThat(r.keys()).isLessThanOrEqualTo(expected.keys());
        });
    }

    @Test
    void anEmptyClusterIsAFinishedInventoryOfNothing() {
        InventoryReport report = new KeyInventory(new RedisKeyspace(redis)).run(InventoryDepth.FULL, CancelSignal.NONE, r -> { });
        assertThat(report.state()).isEqualTo(InventoryReport.State.FINISHED);
        assertThat(report.keys()).isZero();
        assertThat(report.nodes()).hasSize(TestCluster.MASTERS).allSatisfy(n -> assertThat(n.returned()).isZero());
        assertThat(report.families()).allSatisfy(f -> assertThat(f.keys()).isZero());
    }

    // --- helpers ---

    /** Three masters, in the cluster's order, each having returned at least its keys, and the returns add up. */
    private static void assertNodes(InventoryReport report, List<Long> sizes) {
        assertThat(report.nodes()).hasSize(TestCluster.MASTERS);
        assertThat(report.nodes()).extracting(InventoryReport.NodeScan::node)
                .containsExactlyInAnyOrderElementsOf(cluster.masters().stream().map(m -> "127.0.0.1:" + m.port()).toList());
        assertThat(report.nodes()).allSatisfy(n -> assertThat(n.done()).isTrue());
        for (InventoryReport.NodeScan n : report.nodes()) {
            int i = cluster.masters().stream().map(m -> "127.0.0.1:" + m.port()).toList().indexOf(n.node());
            assertThat(n.returned()).as(n.node()).isGreaterThanOrEqualTo(sizes.get(i));
            assertThat(n.dbsizeAtStart()).as(n.node()).isEqualTo(sizes.get(i));
        }
        long returned = report.nodes().stream().mapToLong(InventoryReport.NodeScan::returned).sum();
        assertThat(returned).isEqualTo(report.keys() + report.duplicates() + report.vanished());
    }

    private static Map<String, FamilyFigures> byFamily(InventoryReport r) {
        Map<String, FamilyFigures> m = new LinkedHashMap<>();
        r.families().forEach(f -> m.put(f.family(), f));
        return m;
    }

    private static void write(RedisKeyspace keyspace, String key, Function<io.lettuce.core.api.sync.RedisCommands<byte[], byte[]>, Object> work) {
        writeBytes(keyspace, b(key), work);
    }

    private static void writeBytes(RedisKeyspace keyspace, byte[] key, Function<io.lettuce.core.api.sync.RedisCommands<byte[], byte[]>, Object> work) {
        redis.runBytes(keyspace.nodeFor(key), "writing a test key", work);
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
