package ai.cascade.ops.cache;

import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.testing.TestCluster;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The slowlog of a real Redis: real slow commands come back with their durations, and no credential is ever shown. */
class SlowLogTest {
    static final String BLACKLISTED_JTI = "f3a9c1d7-5e2b-4b8a-9c6d-0e1f2a3b4c5d";
    static final String SESSION_JTI = "9d8c7b6a-1234-4cde-8f00-abcdefabcdef";
    static final String MASTERAUTH = "secret-xyz";
    static final String ACL_PASSWORD = "acl-pass-5u93r";

    static RedisConnection redis;
    static RedisClient client;
    static String slowerThanBefore, maxLenBefore;

    @BeforeAll
    static void connect() {
        redis = TestServers.freshRedis();
        client = RedisClient.create(TestServers.redisUrl());
        slowerThanBefore = redis.run("read", c -> c.configGet("slowlog-log-slower-than").get("slowlog-log-slower-than"));
        maxLenBefore = redis.run("read", c -> c.configGet("slowlog-max-len").get("slowlog-max-len"));
    }

    @AfterAll
    static void close() {
        client.shutdown();
        redis.close();
    }

    @AfterEach
    void restoreSlowlogSettings() {
        redis.run("restore", c -> {
            c.configSet("slowlog-log-slower-than", slowerThanBefore);
            c.configSet("slowlog-max-len", maxLenBefore);
            c.configSet("masterauth", "");
            return c.slowlogReset();
        });
    }

    /** A client as the backend or this console would be: named, on its own connection. */
    private static StatefulRedisConnection<String, String> named(String name) {
        StatefulRedisConnection<String, String> c = client.connect();
        c.sync().clientSetname(name);
        return c;
    }

    private static void logEverything() {
        redis.run("log every command", c -> {
            c.configSet("slowlog-log-slower-than", "0");
            return c.slowlogReset();
        });
    }

    private static SlowLog slowLog() {
        return new SlowLog(new RedisKeyspace(redis));
    }

    @Test
    void slowCommandsComeBackWithDurationsAndNoCredentialIsShown() {
        logEverything();
        String blacklistValue = "{\"revoked_at\":\"2026-11-25T20:00:00Z\",\"by\":\"ops\",\"reason\":\"leak\"}";
        String sessionValue = "{\"user_id\":1,\"jti\":\"" + SESSION_JTI + "\",\"exp\":1900000000,\"ip\":\"10.0.0.1\"}";
        try (StatefulRedisConnection<String, String> backend = named("cascade-backend");
             StatefulRedisConnection<String, String> console = named("cascade-ops-test")) {
            RedisCommands<String, String> b = backend.sync();
            b.set(KeyFamilies.BLACKLIST + BLACKLISTED_JTI, blacklistValue, SetArgs.Builder.ex(300));
            b.set(KeyFamilies.SESSION + "1", sessionValue);
            b.setex(KeyFamilies.SESSION + "2", 600, sessionValue);
            b.get(KeyFamilies.BLACKLIST + BLACKLISTED_JTI);
            b.configSet("masterauth", MASTERAUTH);
            b.configSet("masterauth", "");
            b.aclSetuser("slowlog-test-user", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword(ACL_PASSWORD));
            b.aclDeluser("slowlog-test-user");
            debugSleep(b, "0.02");
            console.sync().ping();
        }

        SlowLog.Report report = slowLog().read();

        assertThat(report.notes()).isEmpty();
        List<SlowCommand> commands = report.commands();
        SlowCommand sleep = only(commands, "DEBUG");
        assertThat(sleep.micros()).isGreaterThanOrEqualTo(20_000);
        assertThat(sleep.millis()).isGreaterThanOrEqualTo(20.0);
        assertThat(sleep.clientName()).isEqualTo("cascade-backend");
        assertThat(sleep.client()).startsWith("127.0.0.1:");
        assertThat(sleep.fromConsole()).isFalse();
        assertThat(only(commands, "PING").fromConsole()).isTrue();

        SlowCommand blacklisting = commands.stream().filter(c -> c.command().equals("SET")
                && c.arguments().get(1).startsWith(KeyFamilies.BLACKLIST)).findFirst().orElseThrow();
        assertThat(blacklisting.arguments()).containsExactly("SET", KeyText.shown(bytes(KeyFamilies.BLACKLIST + BLACKLISTED_JTI)),
                "(value hidden: " + blacklistValue.length() + " bytes)", "EX", "300");
        assertThat(commands).filteredOn(c -> c.command().equals("SET") && c.arguments().get(1).equals(KeyFamilies.SESSION + "1"))
                .singleElement().satisfies(c -> assertThat(c.arguments().get(2)).isEqualTo("(value hidden: " + sessionValue.length() + " bytes)"));
        assertThat(commands).filteredOn(c -> c.command().equals("SETEX"))
                .singleElement().satisfies(c -> assertThat(c.arguments()).containsExactly("SETEX", KeyFamilies.SESSION + "2", "600",
                        "(value hidden: " + sessionValue.length() + " bytes)"));
        assertThat(commands).filteredOn(c -> c.command().equals("CONFIG") && c.line().contains("masterauth"))
                .isNotEmpty()   // Redis 6.2 redacts the value itself, older ones do not: either way it stays hidden
                .allSatisfy(c -> assertThat(c.line()).isIn("CONFIG SET masterauth " + SlowLog.MASK, "CONFIG SET masterauth (redacted)"));

        // Newest first: the slowlog's ids only grow on one server.
        assertThat(commands).extracting(SlowCommand::id).isSortedAccordingTo((x, y) -> Long.compare(y, x));
        for (String secret : List.of(BLACKLISTED_JTI, BLACKLISTED_JTI.substring(0, 8), SESSION_JTI, SESSION_JTI.substring(0, 8),
                MASTERAUTH, ACL_PASSWORD, "revoked_at"))
            assertThat(shownStrings(commands)).as("shown text").noneMatch(s -> s.contains(secret));

        assertThat(report.settings()).singleElement().satisfies(s -> {
            assertThat(s.slowerThanMicros()).isZero();
            assertThat(s.describe()).startsWith("logs every command");
        });
    }

    @Test
    void aQuietServerReturnsNoEntriesAndSaysWhatItLogs() {
        redis.run("log only the very slow", c -> {
            c.configSet("slowlog-log-slower-than", "1000000");
            c.configSet("slowlog-max-len", "64");
            return c.slowlogReset();
        });
        redis.run("a fast command", c -> c.set("k", "v"));

        SlowLog.Report report = slowLog().read();

        assertThat(report.commands()).isEmpty();
        assertThat(report.settings()).singleElement().satisfies(s -> {
            assertThat(s.slowerThanMicros()).isEqualTo(1_000_000);
            assertThat(s.maxLength()).isEqualTo(64);
            assertThat(s.describe()).isEqualTo("logs commands slower than 1000 ms (slowlog-log-slower-than 1000000 µs), keeping the last 64");
        });
    }

    @Test
    void aUserWithoutConfigSeesTheSlowlogAndIsToldTheThresholdIsUnknown() throws Exception {
        redis.run("create a reader", c -> c.aclSetuser("slow-reader", io.lettuce.core.AclSetuserArgs.Builder.on()
                .addPassword("reader-pw").allKeys().addCommand(CommandType.SLOWLOG)
                .addCommand(CommandType.INFO).addCommand(CommandType.PING)));
        logEverything();
        redis.run("a command to find", c -> c.set("plain-key", "plain"));
        try (RedisConnection reader = new RedisConnection(RedisAddress.parse(
                TestServers.redisUrl().replace("redis://", "redis://slow-reader:reader-pw@")))) {
            SlowLog.Report report = new SlowLog(new RedisKeyspace(reader)).read();

            assertThat(report.commands()).anySatisfy(c -> assertThat(c.line()).isEqualTo("SET plain-key plain"));
            assertThat(report.settings()).singleElement().satisfies(s -> {
                assertThat(s.slowerThanMicros()).isNull();
                assertThat(s.describe()).isEqualTo("unknown: not allowed for this user (CONFIG GET)");
            });
        } finally {
            redis.run("drop the reader", c -> c.aclDeluser("slow-reader"));
        }
    }

    @Test
    void everyMasterOfAClusterIsRead() {
        TestCluster cluster = TestCluster.get();
        List<String> before = new ArrayList<>();
        for (TestCluster.Master m : cluster.masters()) {
            before.add(cluster.on(m, c -> c.configGet("slowlog-log-slower-than").get("slowlog-log-slower-than")));
            cluster.on(m, c -> {
                c.configSet("slowlog-log-slower-than", "5000");
                c.slowlogReset();
                debugSleep(c, "0.01");
                return null;
            });
        }
        try (RedisConnection seed = cluster.connection()) {
            SlowLog.Report report = new SlowLog(new RedisKeyspace(seed)).read();

            assertThat(report.settings()).hasSize(TestCluster.MASTERS).allSatisfy(s -> assertThat(s.slowerThanMicros()).isEqualTo(5000));
            assertThat(report.commands()).filteredOn(c -> c.command().equals("DEBUG")).extracting(SlowCommand::node)
                    .containsExactlyInAnyOrderElementsOf(cluster.masters().stream().map(m -> "127.0.0.1:" + m.port()).toList());
            assertThat(report.commands()).extracting(SlowCommand::at).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        } finally {
            for (int i = 0; i < TestCluster.MASTERS; i++) {
                String value = before.get(i);
                cluster.on(cluster.masters().get(i), c -> {
                    c.configSet("slowlog-log-slower-than", value);
                    return c.slowlogReset();
                });
            }
        }
    }

    @Test
    void passwordsInEveryKnownPlaceAreMasked() {
        assertThat(shown("AUTH", "hunter2")).containsExactly("AUTH", SlowLog.MASK);
        assertThat(shown("auth", "ops", "hunter2")).containsExactly("auth", "ops", SlowLog.MASK);
        assertThat(shown("HELLO", "3", "AUTH", "ops", "hunter2", "SETNAME", "x"))
                .containsExactly("HELLO", "3", "AUTH", "ops", SlowLog.MASK, "SETNAME", "x");
        assertThat(shown("ACL", "SETUSER", "ops", "on", ">hunter2", "<old-pw", "#" + "ab".repeat(32), "~*", "+@all"))
                .containsExactly("ACL", "SETUSER", "ops", "on", ">" + SlowLog.MASK, "<" + SlowLog.MASK, "#" + SlowLog.MASK, "~*", "+@all");
        assertThat(shown("CONFIG", "SET", "requirepass", "hunter2", "maxmemory", "1gb", "MASTERUSER", "repl"))
                .containsExactly("CONFIG", "SET", "requirepass", SlowLog.MASK, "maxmemory", "1gb", "MASTERUSER", SlowLog.MASK);
        assertThat(shown("MIGRATE", "10.0.0.2", "6379", "", "0", "5000", "AUTH", "hunter2", "KEYS", "a"))
                .containsExactly("MIGRATE", "10.0.0.2", "6379", "", "0", "5000", "AUTH", SlowLog.MASK, "KEYS", "a");
        assertThat(shown("MIGRATE", "h", "1", "", "0", "5", "AUTH2", "ops", "hunter2", "KEYS", "AUTH"))
                .containsExactly("MIGRATE", "h", "1", "", "0", "5", "AUTH2", "ops", SlowLog.MASK, "KEYS", "AUTH");
        assertThat(shown("CONFIG", "SET", "masterauth", "(redacted)")).containsExactly("CONFIG", "SET", "masterauth", "(redacted)");
    }

    @Test
    void credentialKeysAreMaskedAndTheirValuesHiddenWhateverTheCommand() {
        String jti = BLACKLISTED_JTI;
        assertThat(shown("DEL", KeyFamilies.BLACKLIST + jti, "other"))
                .containsExactly("DEL", KeyText.shown(bytes(KeyFamilies.BLACKLIST + jti)), "other");
        assertThat(shown("MSET", "a", "1", KeyFamilies.SESSION + "7", "{\"jti\":\"x\"}"))
                .containsExactly("MSET", "a", "1", KeyFamilies.SESSION + "7", "(value hidden: 11 bytes)");
        assertThat(shown("HSET", KeyFamilies.SESSION + "7", "jti", jti, "exp", "1900000000"))
                .containsExactly("HSET", KeyFamilies.SESSION + "7", "(value hidden: 3 bytes)", "(value hidden: 36 bytes)",
                        "(value hidden: 3 bytes)", "1900000000");
        assertThat(shown("EVAL", "return 1", "1", KeyFamilies.BLACKLIST + jti, jti))
                .containsExactly("EVAL", "return 1", "1", KeyText.shown(bytes(KeyFamilies.BLACKLIST + jti)), "(value hidden: 36 bytes)");
        assertThat(shown("GET", KeyFamilies.SESSION + "7")).containsExactly("GET", KeyFamilies.SESSION + "7");
        assertThat(shown("SET", "cascade:ratelimit:7", "12")).containsExactly("SET", "cascade:ratelimit:7", "12");
    }

    @Test
    void binaryIsEscapedLongArgumentsShortenedAndRedisShortenedValuesKeepTheirTrueSize() {
        List<String> out = SlowLog.shownArguments(List.of(bytes("SET"), new byte[]{'k', '\n', (byte) 0xff}, bytes("v".repeat(500))));
        assertThat(out.get(1)).isEqualTo("k\\n\\xff");
        assertThat(out.get(2)).hasSizeLessThan(SlowLog.SHOWN_CHARS + 40).startsWith("vvv").endsWith("… (500 characters)");

        byte[] shortenedByRedis = bytes("x".repeat(128) + "... (872 more bytes)");
        assertThat(SlowLog.loggedLength(shortenedByRedis)).isEqualTo(1000);
        assertThat(shown("SET", KeyFamilies.SESSION + "1", "x".repeat(128) + "... (872 more bytes)"))
                .containsExactly("SET", KeyFamilies.SESSION + "1", "(value hidden: 1000 bytes)");
    }

    /** DEBUG SLEEP: a command that is slow on the server for a known time. */
    static void debugSleep(RedisCommands<String, String> c, String seconds) {
        StringCodec codec = StringCodec.UTF8;
        c.dispatch(CommandType.DEBUG, new StatusOutput<>(codec), new CommandArgs<>(codec).add("SLEEP").add(seconds));
    }

    private static SlowCommand only(List<SlowCommand> commands, String name) {
        List<SlowCommand> found = commands.stream().filter(c -> c.command().equals(name)).toList();
        assertThat(found).as(name + " entries").hasSize(1);
        return found.get(0);
    }

    private static List<String> shownStrings(List<SlowCommand> commands) {
        List<String> all = new ArrayList<>();
        for (SlowCommand c : commands) {
            all.addAll(c.arguments());
            all.addAll(List.of(c.client(), c.clientName(), c.line(), c.toString()));
        }
        return all;
    }

    private static List<String> shown(String... args) {
        return SlowLog.shownArguments(Stream.of(args).map(SlowLogTest::bytes).toList());
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
