package ai.cascade.ops.cache;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.testing.TestCluster;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where RedisKeyspace says keys live, against a real standalone Redis and a real three-master cluster. The oracle
 * for routing is the server's own CLUSTER KEYSLOT and the slot ranges the test cluster was given.
 */
class RedisKeyspaceTest {
    static TestCluster cluster;
    static RedisConnection clusterRedis;

    @BeforeAll
    static void formTheCluster() {
        cluster = TestCluster.get();
        clusterRedis = cluster.connection();
    }

    @AfterAll
    static void close() {
        clusterRedis.close();
    }

    @BeforeEach
    void emptyCluster() {
        cluster.flush();
    }

    // --- topology ---

    @Test
    void aStandaloneServerIsItsOwnOnlyMaster() {
        try (RedisConnection redis = TestServers.freshRedis()) {
            RedisKeyspace.Topology t = new RedisKeyspace(redis).topology();
            assertThat(t.cluster()).isFalse();
            assertThat(t.masters()).singleElement().satisfies(n -> {
                assertThat(n.host()).isEqualTo(redis.address().host());
                assertThat(n.port()).isEqualTo(redis.address().port());
                assertThat(n.id()).isEqualTo(redis.address().describe());
            });
            RedisKeyspace keyspace = new RedisKeyspace(redis);
            for (String key : List.of("cascade:session:abc", "{user}:1", "")) {
                assertThat(keyspace.nodeFor(key.getBytes(StandardCharsets.UTF_8))).isEqualTo(t.masters().get(0));
            }
        }
    }

    @Test
    void aClusterSeenFromOneNodeListsAllThreeMastersWithTheirSlotRanges() {
        RedisKeyspace.Topology t = new RedisKeyspace(clusterRedis).topology();
        assertThat(t.cluster()).isTrue();
        assertThat(t.masters()).hasSize(TestCluster.MASTERS);
        for (int i = 0; i < TestCluster.MASTERS; i++) {
            TestCluster.Master expected = cluster.masters().get(i);
            RedisNode node = t.masters().get(i);
            assertThat(node.port()).isEqualTo(expected.port());
            assertThat(node.host()).isEqualTo("127.0.0.1");
            assertThat(node.clusterId()).hasSize(40);
            assertThat(node.slots()).singleElement().satisfies(r -> assertThat(r).containsExactly(expected.firstSlot(), expected.lastSlot()));
        }
        assertThat(t.masters().stream().map(RedisNode::clusterId).distinct()).hasSize(TestCluster.MASTERS);
    }

    @Test
    void everyNodeAsSeedGivesTheSameTopology() throws Exception {
        RedisKeyspace.Topology fromSeed = new RedisKeyspace(clusterRedis).topology();
        for (TestCluster.Master m : cluster.masters()) {
            try (RedisConnection other = new RedisConnection(ai.cascade.ops.config.RedisAddress.parse(m.url()))) {
                RedisKeyspace.Topology t = new RedisKeyspace(other).topology();
                assertThat(t.masters()).extracting(RedisNode::id).containsExactlyElementsOf(fromSeed.masters().stream().map(RedisNode::id).toList());
            }
        }
    }

    // --- routing ---

    @Test
    void nodeForAgreesWithTheServersKeySlotForHashTagsAndBinaryKeys() {
        RedisKeyspace keyspace = new RedisKeyspace(clusterRedis);
        List<byte[]> keys = new ArrayList<>();
        for (String s : List.of("cascade:session:abc", "cascade:blacklist:eyJhbGciOi.jti-1", "{user}:profile", "{user}:sessions",
                "a{user}b", "{}", "{}user", "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", "{", "}", "x", "", "ключ", "*?[]\\"))
            keys.add(s.getBytes(StandardCharsets.UTF_8));
        keys.add(new byte[]{(byte) 0xff, (byte) 0xfe, 0, '\n', '{', 'u', '}'});
        keys.add(new byte[]{'{', (byte) 0x80, (byte) 0x81, '}', 'x'});
        Random random = new Random(6);
        for (int i = 0; i < 200; i++) keys.add(randomBytes(random));
        Set<Integer> mastersHit = new HashSet<>();
        for (byte[] key : keys) {
            RedisNode node = keyspace.nodeFor(key);
            long slot = serverSlot(node, key);
            TestCluster.Master expected = cluster.masterOf((int) slot);
            assertThat(node.port()).as("master of %s (slot %d)", KeyText.escaped(key), slot).isEqualTo(expected.port());
            mastersHit.add(node.port());
        }
        assertThat(mastersHit).hasSize(TestCluster.MASTERS);
    }

    @Test
    void keysWithTheSameHashTagLiveOnTheSameMaster() {
        RedisKeyspace keyspace = new RedisKeyspace(clusterRedis);
        RedisNode first = keyspace.nodeFor(bytes("{user}:a"));
        for (String k : List.of("{user}:b", "x{user}", "{user}", "{user}{other}")) assertThat(keyspace.nodeFor(bytes(k))).isEqualTo(first);
    }

    @Test
    void aThousandRandomKeysAreWrittenAndReadOnTheirMasterWithoutMoved() {
        RedisKeyspace keyspace = new RedisKeyspace(clusterRedis);
        Random random = new Random(42);
        List<byte[]> keys = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        while (keys.size() < 1_000) {
            byte[] k = randomBytes(random);
            if (distinct.add(Arrays.toString(k))) keys.add(k);
        }
        // A wrong node answers MOVED, which RedisConnection turns into a BackendException: the test would fail here.
        for (byte[] key : keys) {
            byte[] value = reversed(key);
            String ok = clusterRedis.runBytes(keyspace.nodeFor(key), "SET", c -> c.set(key, value));
            assertThat(ok).isEqualTo("OK");
        }
        for (byte[] key : keys) {
            byte[] read = clusterRedis.runBytes(keyspace.nodeFor(key), "GET", c -> c.get(key));
            assertThat(read).containsExactly(reversed(key));
        }
        List<Long> sizes = cluster.dbsizes();
        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000);
        assertThat(sizes).allSatisfy(n -> assertThat(n).isGreaterThan(200));   // ~333 each: the keys are spread
    }

    @Test
    void aKeyOnTheWrongMasterIsRefusedWithMovedSoTheOracleCanFail() {
        RedisKeyspace keyspace = new RedisKeyspace(clusterRedis);
        byte[] key = bytes("cascade:session:abc");
        RedisNode right = keyspace.nodeFor(key);
        RedisNode wrong = keyspace.topology().masters().stream().filter(n -> !n.equals(right)).findFirst().orElseThrow();
        assertThatThrownBy(() -> clusterRedis.runBytes(wrong, "SET", c -> c.set(key, bytes("v"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("MOVED");
    }

    // --- CLUSTER NODES texts ---

    static final String REDIS_6 = """
            07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
            67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
            292f8b365bb7edb5e285caf0b7e6ddc7265a2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383
            6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected
            824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006@31006 slave 292f8b365bb7edb5e285caf0b7e6ddc7265a2f4f 0 1426238317741 6 connected
            e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460
            """;

    @Test
    void parsesMastersAndSkipsReplicasOrderedByFirstSlot() {
        List<RedisNode> masters = RedisKeyspace.parseClusterNodes(REDIS_6, "seed");
        assertThat(masters).extracting(RedisNode::id).containsExactly("127.0.0.1:30001", "127.0.0.1:30002", "127.0.0.1:30003");
        assertThat(masters.get(0).clusterId()).isEqualTo("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca");
        assertThat(masters.get(1).slots()).singleElement().satisfies(r -> assertThat(r).containsExactly(5461, 10922));
        assertThat(masters.get(2).serves(16383)).isTrue();
        assertThat(masters.get(2).serves(10922)).isFalse();
    }

    @Test
    void redis7HostnamesAfterTheCommaAndAuxiliaryFieldsAreNotPartOfTheAddress() {
        String text = """
                e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 10.0.0.1:6379@16379,cache-1.internal myself,master - 0 0 1 connected 0-5460
                67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 10.0.0.2:6379@16379,cache-2.internal master - 0 1426238316232 2 connected 5461-10922
                292f8b365bb7edb5e285caf0b7e6ddc7265a2f4f 10.0.0.3:6380@16380,,tls-port=0,shard-id=9b5ec1a8c4d1f1b8 master - 0 1426238318243 3 connected 10923-16383
                """;
        List<RedisNode> masters = RedisKeyspace.parseClusterNodes(text, "seed");
        assertThat(masters).extracting(RedisNode::host).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(masters).extracting(RedisNode::port).containsExactly(6379, 6379, 6380);
    }

    @Test
    void slotsBeingMigratedOrImportedDoNotCountAndSeveralRangesAndSingleSlotsDo() {
        String text = """
                e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5459 5460 [5460->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]
                67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922 16000-16383 [5460-<-e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca]
                292f8b365bb7edb5e285caf0b7e6ddc7265a2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-15999
                """;
        List<RedisNode> masters = RedisKeyspace.parseClusterNodes(text, "seed");
        assertThat(masters).hasSize(3);
        RedisNode first = masters.get(0), second = masters.get(1);
        assertThat(first.serves(5460)).as("the migrating slot is still the source's").isTrue();
        assertThat(second.serves(5460)).as("the importing side does not serve it yet").isFalse();
        assertThat(second.serves(16000)).isTrue();
        assertThat(second.serves(15999)).isFalse();
        assertThat(second.slots()).hasSize(2);
    }

    @Test
    void failedMastersMastersWithoutSlotsAndNodesWithoutAddressAreLeftOut() {
        String text = """
                e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460
                67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master,fail - 1426238316232 1426238316232 2 disconnected 5461-10922
                292f8b365bb7edb5e285caf0b7e6ddc7265a2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383
                6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 master - 0 1426238316232 5 connected
                824fe116063bc5fcf9f4ffd895bc17aee7731ac3 :0@0 master,noaddr - 1426238317741 1426238317741 6 disconnected 7000
                """;
        List<RedisNode> masters = RedisKeyspace.parseClusterNodes(text, "seed");
        assertThat(masters).extracting(RedisNode::port).containsExactly(30001, 30003);
    }

    @Test
    void aLoneNodeThatAnnouncesNoAddressIsReachedAtTheSeedHost() {
        String text = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :6379@16379 myself,master - 0 0 0 connected 0-16383\n";
        assertThat(RedisKeyspace.parseClusterNodes(text, "cache-1.internal")).singleElement().satisfies(n -> {
            assertThat(n.host()).isEqualTo("cache-1.internal");
            assertThat(n.port()).isEqualTo(6379);
            assertThat(n.serves(0)).isTrue();
            assertThat(n.serves(16383)).isTrue();
        });
    }

    @Test
    void windowsLineEndsAndBlankLinesAreTolerated() {
        String text = REDIS_6.replace("\n", "\r\n") + "\r\n";
        assertThat(RedisKeyspace.parseClusterNodes(text, "seed")).hasSize(3);
    }

    // --- helpers ---

    /** The server's own word on the key's slot, asked of the node itself. */
    private static long serverSlot(RedisNode node, byte[] key) {
        return clusterRedis.runBytes(node, "CLUSTER KEYSLOT", c -> c.clusterKeyslot(key));
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[1 + random.nextInt(24)];
        random.nextBytes(b);
        if (random.nextInt(4) == 0) {   // a hash tag now and then, around random bytes
            byte[] tagged = new byte[b.length + 2];
            tagged[0] = '{';
            System.arraycopy(b, 0, tagged, 1, b.length);
            tagged[tagged.length - 1] = '}';
            return tagged;
        }
        return b;
    }

    private static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) r[i] = b[b.length - 1 - i];
        return r;
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
