package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.CancelSwitch;
import ai.cascade.ops.testing.TestCluster;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The key browser's search on a real Redis: streamed, limited, cancelable, honest about its own lookups, and on a cluster. */
class KeySearchTest {
    static RedisConnection redis;
    static RedisKeyspace keyspace;

    @BeforeAll
    static void setUp() {
        redis = TestServers.freshRedis();
        keyspace = new RedisKeyspace(redis);
    }

    @AfterAll
    static void tearDown() {
        redis.close();
    }

    @BeforeEach
    void flush() {
        redis.run("flush", c -> c.flushall());
    }

    /** Runs a search, collecting the batches handed over. */
    record Run(KeySearch.Outcome outcome, List<List<String>> batches) {
        Set<String> keys() {
            Set<String> all = new TreeSet<>();
            batches.forEach(all::addAll);
            return all;
        }

        int delivered() { return batches.stream().mapToInt(List::size).sum(); }
    }

    static Run run(KeySearch search, KeyPattern pattern, CancelSignal cancel) {
        List<List<String>> batches = new ArrayList<>();
        KeySearch.Outcome o = search.search(pattern, cancel,
                keys -> batches.add(keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList()), p -> { });
        return new Run(o, batches);
    }

    static void populate(RedisConnection r, int n, String prefix) {
        r.run("populate", c -> c.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("POPULATE").add(n).add(prefix)));
    }

    @Test
    void theExactKeyTypedIsHandedOverFirstThenEveryOtherKeyWithThatPrefix() {
        populate(redis, 20_000, "noise");
        redis.run("fixture", c -> {
            c.set("cascade:session:42", "{}");
            c.set("cascade:session:420", "{}");
            return c.set("cascade:session:4", "{}");
        });

        Run r = run(new KeySearch(keyspace), KeyPattern.of("cascade:session:42", false), CancelSignal.NONE);

        assertThat(r.outcome().status()).isEqualTo(KeySearch.Status.FINISHED);
        assertThat(r.batches().get(0)).containsExactly("cascade:session:42");
        assertThat(r.keys()).containsExactly("cascade:session:42", "cascade:session:420");
        assertThat(r.delivered()).as("each key handed over once").isEqualTo(2);
        assertThat(r.outcome().message()).contains("2 keys found");
    }

    @Test
    void aSearchMatchingMoreThanTheLimitStopsThereAndAsksToRefine() {
        populate(redis, 5_000, "user");

        Run r = run(new KeySearch(keyspace, 300, 100), KeyPattern.of("user:", false), CancelSignal.NONE);

        assertThat(r.outcome().status()).isEqualTo(KeySearch.Status.LIMITED);
        assertThat(r.delivered()).isEqualTo(300);
        assertThat(r.keys()).hasSize(300).allMatch(k -> k.startsWith("user:"));
        assertThat(r.outcome().message()).contains("first 300").contains("Refine the search");
    }

    @Test
    void aCancelledSearchStopsAndKeepsWhatItFound() {
        populate(redis, 20_000, "user");
        CancelSwitch cancel = new CancelSwitch();
        List<Integer> sizes = new ArrayList<>();

        KeySearch.Outcome o = new KeySearch(keyspace, 100_000, 50).search(KeyPattern.of("user:", false), cancel,
                keys -> { sizes.add(keys.size()); cancel.fire(); }, p -> { });

        assertThat(o.status()).isEqualTo(KeySearch.Status.CANCELLED);
        assertThat(sizes).hasSize(1);
        assertThat(o.found()).isEqualTo((long) sizes.get(0)).isLessThan(20_000);
        assertThat(o.message()).startsWith("Search cancelled after");
    }

    @Test
    void theLookupOfTheTypedKeyIsTalliedExactlyAsRedisCountsIt() {
        redis.run("fixture", c -> c.set("present", "1"));
        OwnLookups.Tally before = redis.lookups().snapshot().getOrDefault(keyspace.nodeFor(new byte[]{'x'}).id(), OwnLookups.Tally.ZERO);
        long[] info = hitsAndMisses();

        run(new KeySearch(keyspace), KeyPattern.of("present", false), CancelSignal.NONE);
        run(new KeySearch(keyspace), KeyPattern.of("absent", false), CancelSignal.NONE);
        run(new KeySearch(keyspace), KeyPattern.of("pres*", true), CancelSignal.NONE);   // a pattern looks nothing up

        long[] after = hitsAndMisses();
        OwnLookups.Tally own = redis.lookups().snapshot().get(keyspace.nodeFor(new byte[]{'x'}).id()).minus(before);
        assertThat(own).isEqualTo(new OwnLookups.Tally(after[0] - info[0], after[1] - info[1]));
        assertThat(own).isEqualTo(new OwnLookups.Tally(1, 1));
    }

    private static long[] hitsAndMisses() {
        var f = CacheChecks.parseInfo(redis.run("INFO", c -> c.info("stats")));
        return new long[]{Long.parseLong(f.get("keyspace_hits")), Long.parseLong(f.get("keyspace_misses"))};
    }

    @Test
    void redisStoppingMidSearchEndsItWithAMessageAndTheKeysFoundSoFar() throws Exception {
        int port = freePort();
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
        server.start();
        try (RedisConnection own = new RedisConnection(ai.cascade.ops.config.RedisAddress.parse("redis://127.0.0.1:" + port))) {
            populate(own, 20_000, "user");
            List<Integer> sizes = new ArrayList<>();
            KeySearch.Outcome o = new KeySearch(new RedisKeyspace(own), 100_000, 100).search(KeyPattern.of("user:", false),
                    CancelSignal.NONE, keys -> {
                        sizes.add(keys.size());
                        if (sizes.size() == 1) stop(server);
                    }, p -> { });

            assertThat(o.status()).isEqualTo(KeySearch.Status.FAILED);
            assertThat(o.found()).isEqualTo((long) sizes.get(0));
            assertThat(o.message()).contains("Redis at 127.0.0.1:" + port).contains("The search stopped after")
                    .contains("Search again once Redis answers").doesNotContain("Exception");

            server.start();   // back: a new search works once the client has reconnected
            long end = System.nanoTime() + 20_000_000_000L;
            KeySearch.Outcome again;
            do {
                again = new KeySearch(new RedisKeyspace(own)).search(KeyPattern.of("nothing-here", false), CancelSignal.NONE, k -> { }, p -> { });
                if (again.status() != KeySearch.Status.FAILED) break;
                Thread.sleep(200);
            } while (System.nanoTime() < end);
            assertThat(again.status()).isEqualTo(KeySearch.Status.FINISHED);
        } finally {
            stop(server);
        }
    }

    @Test
    void onAClusterEveryMasterIsSearchedAndTheTypedKeyIsLookedUpOnItsOwnMaster() {
        TestCluster cluster = TestCluster.get();
        cluster.flush();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String k = "cascade:patterns:" + i;
            cluster.on(cluster.masterOf(SlotHash.getSlot(k)), c -> c.set(k, "{}"));
            written.add(k);
        }
        cluster.on(cluster.masterOf(SlotHash.getSlot("other:1")), c -> c.set("other:1", "x"));
        try (RedisConnection seed = cluster.connection()) {
            Run r = run(new KeySearch(new RedisKeyspace(seed)), KeyPattern.of("cascade:patterns:7", false), CancelSignal.NONE);
            Set<String> expected = new TreeSet<>();
            for (String k : written) if (k.startsWith("cascade:patterns:7")) expected.add(k);
            assertThat(r.outcome().status()).isEqualTo(KeySearch.Status.FINISHED);
            assertThat(r.keys()).isEqualTo(expected);
            assertThat(r.batches().get(0)).containsExactly("cascade:patterns:7");
            assertThat(r.outcome().message()).contains("on 3 masters");

            Run all = run(new KeySearch(new RedisKeyspace(seed)), KeyPattern.of("cascade:patterns:", false), CancelSignal.NONE);
            assertThat(all.keys()).isEqualTo(new TreeSet<>(written));
        } finally {
            cluster.flush();
        }
    }

    static void stop(RedisServer server) {
        try {
            server.stop();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
