package ai.cascade.ops.app;

import ai.cascade.ops.app.CommandFixtures.Printout;
import ai.cascade.ops.cache.Buckets;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.testing.TestCluster;
import ai.cascade.ops.testing.TestServers;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static ai.cascade.ops.app.CommandFixtures.closedPort;
import static ai.cascade.ops.app.CommandFixtures.emptyStore;
import static ai.cascade.ops.app.CommandFixtures.launched;
import static ai.cascade.ops.app.CommandFixtures.printed;
import static ai.cascade.ops.app.CommandFixtures.storeWith;
import static io.lettuce.core.SetArgs.Builder.ex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code inventory} command against the real embedded Redis: a keyspace written by the test (the oracle counts
 * what it wrote), the JSON's figures against it, the exit codes, and what must never be printed.
 */
class InventoryCommandTest {
    static final String PASSWORD = "Inv3ntory-s3cret-pw";
    static final String USER = "inventory-test";
    /** The credential of a revoked token: it is in key names and must never be printed whole. */
    static final String JTI = "9f1c2a7e-5b3d-4e6f-8a9b-0c1d2e3f4a5b";

    static RedisConnection redis;
    static String url;

    @TempDir Path home;

    @BeforeAll
    static void redisWithAPasswordUser() {
        redis = TestServers.freshRedis();
        // An ACL user, so the profile's URL carries a password the output must not show; "default" stays open for other tests.
        redis.run("ACL SETUSER", c -> c.aclSetuser(USER, io.lettuce.core.AclSetuserArgs.Builder.on().addPassword(PASSWORD).allKeys().allChannels().allCommands()));
        url = TestServers.redisUrl().replace("redis://", "redis://" + USER + ":" + PASSWORD + "@");
    }

    @AfterAll
    static void close() {
        redis.run("ACL DELUSER", c -> c.aclDeluser(USER));
        redis.close();
    }

    @BeforeEach
    void empty() {
        redis.run("FLUSHALL", c -> c.flushall());
    }

    /** What the test wrote, per family: keys, keys without TTL, keys per TTL bucket. */
    static final class Oracle {
        final Map<String, long[]> families = new LinkedHashMap<>();   // family -> [keys, withoutTtl, bucket 0..n]

        void add(String family, int bucket) {
            long[] f = families.computeIfAbsent(family, k -> new long[2 + Buckets.count()]);
            f[0]++;
            if (bucket < 0) f[1]++;
            else f[2 + bucket]++;
        }

        long keys() { return families.values().stream().mapToLong(f -> f[0]).sum(); }
    }

    /** The contract's families with TTLs chosen well inside one bucket each, plus "other" keys of every type. */
    static Oracle writeKnownKeys(boolean withLeak) {
        Oracle o = new Oracle();
        redis.run("writing the known keys", c -> {
            for (int i = 0; i < 30; i++) {
                c.set("cascade:session:" + i, "{\"user_id\":" + i + ",\"jti\":\"" + JTI + i + "\"}", ex(7_200));
                o.add("cascade:session:", 4);   // 1–6 h
            }
            for (int i = 0; i < 5; i++) {
                c.set("cascade:blacklist:" + JTI + i, "{\"reason\":\"test\"}", ex(200));
                o.add("cascade:blacklist:", 1);   // 1–5 min
            }
            for (int i = 0; i < 10; i++) {
                c.set("cascade:ratelimit:" + i, Integer.toString(i), ex(600));
                o.add("cascade:ratelimit:", 2);   // 5–15 min
            }
            for (int i = 0; i < 8; i++) {
                c.set("cascade:patterns:" + i, "{\"pattern\":" + i + "}", ex(280));
                o.add("cascade:patterns:", 1);
            }
            for (int i = 0; i < 6; i++) {
                c.set("cascade:venice:get-ledger:user" + i, "{}", ex(280));
                o.add("cascade:venice:get-ledger:", 1);
            }
            for (int i = 0; i < 4; i++) {
                c.set("cascade:venice:citizens:" + i, "[]", ex(100_000));
                o.add("cascade:venice:citizens:", 6);   // ≥ 1 day
            }
            c.hset("app:config", Map.of("a", "1", "b", "2"));
            c.rpush("app:queue", "x", "y");
            c.sadd("app:members", "p", "q");
            c.zadd("app:scores", 1.0, "r");
            c.set("app:plain", "v");
            for (int i = 0; i < 5; i++) o.add("other", -1);   // "other" without TTL is not a leak
            if (withLeak) {
                for (int i = 0; i < 3; i++) {
                    c.set("cascade:ratelimit:leak" + i, "1");
                    o.add("cascade:ratelimit:", -1);
                }
                for (int i = 0; i < 2; i++) {
                    c.set("cascade:blacklist:" + JTI + "-leak" + i, "{}");
                    o.add("cascade:blacklist:", -1);
                }
            }
            return null;
        });
        return o;
    }

    record Outcome(int exit, String out, String err) {
        JsonObject json() { return JsonParser.parseString(out).getAsJsonObject(); }

        Map<String, JsonObject> families() {
            Map<String, JsonObject> m = new LinkedHashMap<>();
            for (JsonElement e : json().getAsJsonArray("families")) m.put(e.getAsJsonObject().get("family").getAsString(), e.getAsJsonObject());
            return m;
        }
    }

    @Test
    void aFamilyThatMustExpireHoldingKeysWithoutTtlExits1AndTheJsonFiguresAreWhatWasWritten() throws IOException {
        Oracle oracle = writeKnownKeys(true);
        Outcome o = run(storeWith(home, profile("Staging", url)), Map.of(), "--json");
        JsonObject doc = o.json();
        assertThat(o.exit()).as(o.err()).isEqualTo(1).isEqualTo(doc.get("exitCode").getAsInt());
        assertThat(doc.get("state").getAsString()).isEqualTo("finished");
        assertThat(doc.get("depth").getAsString()).isEqualTo("full");
        assertThat(doc.get("cluster").getAsBoolean()).isFalse();
        assertThat(doc.get("profile").getAsString()).isEqualTo("Staging");
        assertThat(doc.getAsJsonObject("totals").get("keys").getAsLong()).isEqualTo(oracle.keys());
        assertThat(doc.getAsJsonObject("totals").get("withoutTtl").getAsLong()).isEqualTo(5 + 3 + 2);
        assertThat(strings(doc, "leakingFamilies")).containsExactlyInAnyOrder("cascade:ratelimit:", "cascade:blacklist:");
        assertFamiliesMatch(o, oracle);
        assertThat(doc.getAsJsonArray("nodes")).singleElement().satisfies(n ->
                assertThat(n.getAsJsonObject().get("returned").getAsLong()).isGreaterThanOrEqualTo(oracle.keys()));
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD).doesNotContain(JTI);
    }

    @Test
    void memoryPerFamilyIsTheSumOfMemoryUsageOfItsKeys() throws IOException {
        writeKnownKeys(false);
        Map<String, Long> expected = new LinkedHashMap<>();
        for (String key : redis.run("KEYS (test oracle only)", c -> c.keys("*"))) {
            Long bytes = redis.run("MEMORY USAGE", c -> c.memoryUsage(key));
            expected.merge(ai.cascade.ops.cache.KeyFamilies.of(key), bytes, Long::sum);
        }
        Outcome o = run(storeWith(home, profile("Staging", url)), Map.of(), "--json");
        if (!o.json().getAsJsonObject("known").get("memory").getAsBoolean()) throw new AssertionError("memory unknown: " + o.out());
        expected.forEach((family, bytes) -> assertThat(o.families().get(family).get("bytes").getAsLong()).as(family).isEqualTo(bytes));
        assertThat(o.json().getAsJsonObject("totals").get("bytes").getAsLong()).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void aUserWithoutMemoryAndObjectGetsTheOtherFiguresAndNotesSayingWhy() throws IOException {
        Oracle oracle = writeKnownKeys(true);
        String user = "inventory-no-memory";
        redis.run("ACL SETUSER", c -> c.aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.on().addPassword(PASSWORD).allKeys()
                .allChannels().allCommands().removeCommand(io.lettuce.core.protocol.CommandType.MEMORY)
                .removeCommand(io.lettuce.core.protocol.CommandType.OBJECT)));
        try {
            String limited = TestServers.redisUrl().replace("redis://", "redis://" + user + ":" + PASSWORD + "@");
            Outcome o = run(storeWith(home, profile("Monitoring", limited)), Map.of(), "--json");
            JsonObject doc = o.json();
            assertThat(doc.get("state").getAsString()).isEqualTo("finished");
            assertThat(doc.getAsJsonObject("known").get("memory").getAsBoolean()).isFalse();
            assertThat(doc.getAsJsonObject("known").get("idle").getAsBoolean()).isFalse();
            assertThat(doc.getAsJsonObject("totals").get("bytes").isJsonNull()).isTrue();
            assertThat(strings(doc, "notes")).anySatisfy(n -> assertThat(n).contains("MEMORY"))
                    .anySatisfy(n -> assertThat(n).contains("OBJECT"));
            assertFamiliesMatch(o, oracle);
            assertThat(o.exit()).isEqualTo(1);
            assertThat(o.out() + o.err()).doesNotContain(PASSWORD).doesNotContain(JTI);
        } finally {
            redis.run("ACL DELUSER", c -> c.aclDeluser(user));
        }
    }

    @Test
    void aCleanKeyspaceExits0() throws IOException {
        Oracle oracle = writeKnownKeys(false);
        Outcome o = run(storeWith(home, profile("Staging", url)), Map.of(), "--json");
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.json().get("exitCode").getAsInt()).isZero();
        assertThat(strings(o.json(), "leakingFamilies")).isEmpty();
        assertFamiliesMatch(o, oracle);
    }

    @Test
    void countsOnlyGivesKeysPerFamilyAndSaysTtlAndMemoryAreUnknown() throws IOException {
        Oracle oracle = writeKnownKeys(true);
        Outcome o = run(storeWith(home, profile("Staging", url)), Map.of(), "--json", "--counts");
        JsonObject doc = o.json();
        assertThat(doc.get("depth").getAsString()).isEqualTo("counts");
        assertThat(doc.get("state").getAsString()).isEqualTo("finished");
        oracle.families.forEach((family, f) -> {
            JsonObject got = o.families().get(family);
            assertThat(got).as(family).isNotNull();
            assertThat(got.get("keys").getAsLong()).as(family).isEqualTo(f[0]);
            assertThat(got.get("ttl").isJsonNull()).isTrue();
            assertThat(got.get("withoutTtl").isJsonNull()).isTrue();
            assertThat(got.get("bytes").isJsonNull()).isTrue();
        });
        assertThat(doc.getAsJsonObject("totals").get("keys").getAsLong()).isEqualTo(oracle.keys());
        // A census reads no TTL, so it cannot find a leak: it says so by its exit code only when it finished.
        assertThat(o.exit()).isZero();
    }

    @Test
    void theTableShowsEveryFamilyTheLeakAndMaskedExamples() throws IOException {
        writeKnownKeys(true);
        Outcome o = run(storeWith(home, profile("Staging", url)), Map.of());
        assertThat(o.exit()).isEqualTo(1);
        String[] lines = o.out().split("\n");
        assertThat(lines[0]).startsWith("CASCADE Ops inventory of profile \"Staging\"").contains("LEAK (exit 1)");
        assertThat(o.out()).contains("FAMILY", "KEYS", "MEMORY", "NO TTL", "TOTAL")
                .contains("cascade:session:", "cascade:venice:get-ledger:", "cascade:venice:citizens:", "other")
                .contains("← leak").contains("Keys without TTL").contains("cascade:ratelimit:leak")
                .contains("cascade:blacklist:9f1c…")
                .contains(Buckets.LABELS.get(0)).contains(Buckets.LABELS.get(6));
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD).doesNotContain(JTI);
    }

    @Test
    void progressGoesToStderrOnlyAndStdoutStaysOneJsonDocument() throws IOException {
        writeKnownKeys(false);
        Outcome o = run(storeWith(home, profile("Staging", url)), Map.of(), true, "--json");
        assertThat(o.out().strip()).startsWith("{").endsWith("}");
        assertThat(o.json().get("exitCode").getAsInt()).isZero();
        assertThat(o.out()).doesNotContain("inventory:").doesNotContain("\r");
        assertThat(o.err()).contains("inventory:").contains("keys");
    }

    @Test
    void theEnvironmentsRedisUrlIsUsedAsWhenTheAppStarts() {
        writeKnownKeys(false);
        Outcome o = run(emptyStore(home), Map.of("REDIS_URL", url), "--json", "--counts");
        assertThat(o.json().get("profile").getAsString()).isEqualTo(ConnectionProfile.ENVIRONMENT_NAME);
        assertThat(o.exit()).isZero();
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD);
    }

    @Test
    void aClusterGivenByOneNodesUrlIsInventoriedOnEveryMaster() throws IOException {
        TestCluster cluster = TestCluster.get();
        cluster.flush();
        int written = 0;
        for (TestCluster.Master m : cluster.masters()) {
            // keys on each master's own slots: a hash tag whose slot that master serves
            String tag = tagServedBy(cluster, m);
            for (int i = 0; i < 10; i++) {
                String key = "cascade:patterns:{" + tag + "}" + i;
                cluster.on(m, c -> c.set(key, "{}", ex(280)));
                written++;
            }
            cluster.on(m, c -> c.set("cascade:ratelimit:{" + tag + "}stuck", "1"));
            written++;
        }
        Outcome o = run(storeWith(home, profile("Cluster", cluster.seedUrl())), Map.of(), "--json");
        JsonObject doc = o.json();
        assertThat(doc.get("cluster").getAsBoolean()).isTrue();
        assertThat(doc.getAsJsonArray("nodes")).hasSize(TestCluster.MASTERS);
        assertThat(doc.getAsJsonObject("totals").get("keys").getAsLong()).isEqualTo(written);
        assertThat(o.families().get("cascade:patterns:").get("keys").getAsLong()).isEqualTo(30);
        assertThat(o.families().get("cascade:ratelimit:").get("withoutTtl").getAsLong()).isEqualTo(3);
        assertThat(o.exit()).isEqualTo(1);
    }

    @Test
    void anUnreachableRedisExits3Quickly() throws IOException {
        String gone = "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + closedPort();
        long start = System.nanoTime();
        Outcome o = run(storeWith(home, profile("Gone", gone)), Map.of(), "--json");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.json().get("exitCode").getAsInt()).isEqualTo(3);
        assertThat(o.json().get("state").isJsonNull()).isTrue();
        assertThat(o.err()).contains("unreachable");
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD);
    }

    @Test
    void aRedisThatAcceptsButNeverAnswersExits3WithinTheTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            long start = System.nanoTime();
            Outcome o = run(storeWith(home, profile("Silent", "redis://127.0.0.1:" + silent.getLocalPort())), Map.of(), "--timeout", "5");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(o.exit()).isEqualTo(3);
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).contains("did not answer");
        }
    }

    @Test
    void nothingConfiguredAProfileWithoutRedisAndAnUnknownProfileExit3() throws IOException {
        Outcome nothing = run(emptyStore(home), Map.of(), "--json");
        assertThat(nothing.exit()).isEqualTo(3);
        assertThat(nothing.err()).contains("Nothing to take stock of").contains("File → Connections").contains("REDIS_URL");
        assertThat(nothing.json().get("problem").getAsString()).isEqualTo(nothing.err().strip());

        SettingsStore store = storeWith(home, profile("NoRedis", ""), profile("Staging", url));
        Outcome noRedis = run(store, Map.of());
        assertThat(noRedis.exit()).isEqualTo(3);
        assertThat(noRedis.err()).contains("\"NoRedis\" has no Redis URL");

        Outcome unknown = run(store, Map.of(), "--profile", "Prod");
        assertThat(unknown.exit()).isEqualTo(3);
        assertThat(unknown.err()).contains("No profile is named \"Prod\"").contains("\"Staging\"").contains("\"NoRedis\"");
        assertThat(run(store, Map.of(), "--profile", "Demo").exit()).isEqualTo(3);
    }

    @Test
    void argumentsItDoesNotKnowExit64WithTheUsage() {
        SettingsStore store = emptyStore(home);
        for (String[] args : List.of(new String[]{"--jsn"}, new String[]{"--timeout", "soon"}, new String[]{"--timeout", "0"},
                new String[]{"--profile"}, new String[]{"--timeout"}, new String[]{"extra"})) {
            Outcome o = run(store, Map.of(), args);
            assertThat(o.exit()).as(Arrays.toString(args)).isEqualTo(64);
            assertThat(o.err()).contains("Usage: cascade-ops inventory");
            assertThat(o.out()).isEmpty();
        }
        Outcome help = run(store, Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: cascade-ops inventory").contains("--counts").contains("64 bad arguments");
    }

    @Test
    void atTheTimeoutTheRunIsCancelledAndWhatWasCountedIsPrintedWithExit1() throws Exception {
        // The server is paused right after the first SCAN, for longer than what is left of the 2 s timeout but shorter
        // than the client's 3 s command timeout: the pause, not the machine's speed, makes the run outlive its timeout,
        // and the command in flight still gets its answer, so the inventory stops by the cancel, not by a failure.
        int keys = 100_000;
        redis.run("filling", c -> c.eval("for i = 1, " + keys + " do redis.call('SET', 'cascade:ratelimit:' .. i, i, 'EX', 3600) end return 1",
                ScriptOutputType.INTEGER));
        SettingsStore store = storeWith(home, profile("Staging", url));
        redis.run("CONFIG RESETSTAT", c -> c.configResetstat());   // so the first SCAN seen is the command's
        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> run(store, Map.of(), "--json", "--timeout", "2"));
        try {
            awaitFirstScan(Duration.ofSeconds(20));
            redis.run("CLIENT PAUSE", c -> c.clientPause(2_200));
            Outcome o = running.get(30, TimeUnit.SECONDS);
            JsonObject doc = o.json();
            assertThat(o.exit()).as(o.err()).isEqualTo(1);
            assertThat(doc.get("exitCode").getAsInt()).isEqualTo(1);
            assertThat(doc.get("state").getAsString()).as(o.out()).isEqualTo("cancelled");
            assertThat(doc.getAsJsonObject("totals").get("keys").getAsLong()).isLessThan(keys);
            assertThat(doc.getAsJsonArray("nodes")).singleElement().satisfies(n -> assertThat(n.getAsJsonObject().get("done").getAsBoolean()).isFalse());
            assertThat(o.err()).contains("partial");
        } finally {
            awaitUnpaused();
        }
    }

    @Test
    void theLauncherPrintsOnlyTheJsonOnStdoutNoLogLines() throws Exception {
        // A corrupt settings file makes the settings store log a warning; the profile comes from the environment.
        writeKnownKeys(true);
        java.nio.file.Files.createDirectories(home.resolve("config"));
        java.nio.file.Files.writeString(home.resolve("config/settings.json"), "{ not json");
        Printout p = launched(home, Map.of("REDIS_URL", url), "inventory", "--json", "--timeout", "30");
        JsonObject doc = JsonParser.parseString(p.out()).getAsJsonObject();   // the whole of stdout is one document
        assertThat(p.out().strip()).startsWith("{").endsWith("}");
        assertThat(p.exit()).as(p.err()).isEqualTo(doc.get("exitCode").getAsInt()).isEqualTo(1);
        assertThat(doc.get("profile").getAsString()).isEqualTo(ConnectionProfile.ENVIRONMENT_NAME);
        assertThat(p.err()).contains("could not be used").doesNotContain("inventory:");   // no terminal: no progress line
        assertThat(p.out() + p.err()).doesNotContain(PASSWORD).doesNotContain(JTI);
    }

    // --- helpers ---

    private static void assertFamiliesMatch(Outcome o, Oracle oracle) {
        Map<String, JsonObject> got = o.families();
        oracle.families.forEach((family, f) -> {
            JsonObject g = got.get(family);
            assertThat(g).as("family %s in %s", family, got.keySet()).isNotNull();
            assertThat(g.get("keys").getAsLong()).as(family + " keys").isEqualTo(f[0]);
            assertThat(g.get("withoutTtl").getAsLong()).as(family + " without TTL").isEqualTo(f[1]);
            List<Long> buckets = new ArrayList<>();
            for (String label : Buckets.LABELS) buckets.add(g.getAsJsonObject("ttl").get(label).getAsLong());
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < Buckets.count(); i++) expected.add(f[2 + i]);
            assertThat(buckets).as(family + " TTL buckets").isEqualTo(expected);
            assertThat(g.get("leaks").getAsBoolean()).as(family + " leaks").isEqualTo(!family.equals("other") && f[1] > 0);
            if (o.json().getAsJsonObject("known").get("idle").getAsBoolean()) {
                long idle = 0;
                for (String label : Buckets.LABELS) idle += g.getAsJsonObject("idle").get(label).getAsLong();
                assertThat(idle).as(family + " idle").isEqualTo(f[0]);
            }
            if (f[1] > 0) assertThat(strings(g, "withoutTtlExamples")).isNotEmpty();
        });
        // Families the test did not write are empty if listed at all.
        got.forEach((family, g) -> {
            if (!oracle.families.containsKey(family)) assertThat(g.get("keys").getAsLong()).as(family).isZero();
        });
        assertThat(o.json().getAsJsonObject("totals").get("duplicates").getAsLong()).isGreaterThanOrEqualTo(0);
        assertThat(o.json().getAsJsonObject("totals").get("vanished").getAsLong()).isZero();
    }

    /** A hash tag whose slot (by the server's CLUSTER KEYSLOT) the master {@code m} was given. */
    private static String tagServedBy(TestCluster cluster, TestCluster.Master m) {
        for (int i = 0; ; i++) {
            String tag = "t" + i;
            long slot = cluster.on(m, c -> c.clusterKeyslot(tag));
            if (m.serves((int) slot)) return tag;
        }
    }

    private static List<String> strings(JsonObject o, String field) {
        return StreamSupport.stream(o.getAsJsonArray(field).spliterator(), false).map(JsonElement::getAsString).toList();
    }

    private static void awaitFirstScan(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            String stats = redis.run("INFO commandstats", c -> c.info("commandstats"));
            if (stats.contains("cmdstat_scan:")) return;
            Thread.sleep(5);
        }
        throw new AssertionError("the inventory never sent SCAN");
    }

    /** Later tests share this Redis: wait until the pause is over. */
    private static void awaitUnpaused() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            try {
                redis.run("PING", c -> c.ping());
                return;
            } catch (RuntimeException e) {
                Thread.sleep(200);
            }
        }
    }

    private Outcome run(SettingsStore store, Map<String, String> env, String... args) {
        return run(store, env, false, args);
    }

    private Outcome run(SettingsStore store, Map<String, String> env, boolean progress, String... args) {
        Printout p = printed((out, err) -> InventoryCommand.run(args, env, store, out, err, progress));
        return new Outcome(p.exit(), p.out(), p.err());
    }

    private static ConnectionProfile profile(String name, String redisUrl) {
        return new ConnectionProfile(name, false, true, "", redisUrl, "", "");
    }
}
