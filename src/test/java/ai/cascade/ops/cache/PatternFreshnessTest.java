package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSwitch;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestCluster;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pattern freshness against a real Postgres and a real Redis, read by a monitoring login, checked against what was written. */
class PatternFreshnessTest {
    static String url;
    static DataSource admin;
    static Database monitoring;
    static RedisConnection redis;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("pattern_freshness");
        admin = TestServers.admin(url);
        // A time zone far from UTC: expires_at holds UTC, and a comparison in the session's zone would be 14 h off.
        exec("DROP ROLE IF EXISTS pf_monitor", "CREATE ROLE pf_monitor LOGIN IN ROLE cascade_ops_monitoring",
                "ALTER ROLE pf_monitor SET timezone = 'Pacific/Kiritimati'");
        monitoring = TestServers.open(url.replace("postgres@", "pf_monitor@"));
        redis = TestServers.freshRedis();
    }

    @AfterAll
    static void tearDown() {
        monitoring.close();
        redis.close();
    }

    @BeforeEach
    void empty() {
        exec("TRUNCATE consciousness_patterns");
        redis.run("flush", c -> c.flushall());
    }

    private PatternFreshness freshness() {
        return new PatternFreshness(monitoring, new RedisKeyspace(redis));
    }

    @Test
    void rowsAreCountedFreshExpiredAndWithoutExpiryInUtcWhateverTheSessionTimeZone() {
        exec("INSERT INTO consciousness_patterns (pattern_type, expires_at) "
                        + "SELECT 'fresh', (now() AT TIME ZONE 'UTC') + interval '1 hour' FROM generate_series(1, 37)",
                "INSERT INTO consciousness_patterns (pattern_type, expires_at) "
                        + "SELECT 'expired', (now() AT TIME ZONE 'UTC') - interval '1 hour' FROM generate_series(1, 11)",
                "INSERT INTO consciousness_patterns (pattern_type, expires_at) SELECT 'forever', NULL FROM generate_series(1, 5)");

        PatternFreshness.Rows rows = freshness().rows(new CancelSwitch());

        assertThat(rows).isEqualTo(new PatternFreshness.Rows(37, 11, 5));
        assertThat(rows.total()).isEqualTo(53);
    }

    @Test
    void patternKeysWithoutTheirRowAreFoundAcrossSeveralBatches() {
        int rows = PatternFreshness.BATCH + 2_345;
        exec("INSERT INTO consciousness_patterns (id, pattern_type, expires_at) SELECT g, 't', "
                + "(now() AT TIME ZONE 'UTC') + interval '5 minutes' FROM generate_series(1, " + rows + ") g");
        // Keys for every third row, for 500 ids that have no row, for ids that are not numbers, and one beyond integer range.
        Map<String, String> keys = new HashMap<>();
        long withRow = 0, withoutRow = 0;
        for (int id = 1; id <= rows; id += 3) { keys.put(KeyFamilies.PATTERNS + id, "{}"); withRow++; }
        for (int id = rows + 1; id <= rows + 500; id++) { keys.put(KeyFamilies.PATTERNS + id, "{}"); withoutRow++; }
        keys.put(KeyFamilies.PATTERNS + "99999999999", "{}");
        withoutRow++;
        keys.put(KeyFamilies.PATTERNS + "abc", "{}");
        keys.put(KeyFamilies.PATTERNS + "12a", "{}");
        keys.put(KeyFamilies.PATTERNS, "{}");
        keys.put("cascade:venice:get-ledger:1", "{}");   // another family: not counted
        write(keys);

        PatternFreshness.Keys found = freshness().keys(new CancelSwitch());

        assertThat(found.keys()).isEqualTo(withRow + withoutRow + 3);
        assertThat(found.withoutRow()).isEqualTo(withoutRow);
        assertThat(found.notNumeric()).isEqualTo(3);
        assertThat(found.withoutRowExamples()).hasSize(PatternFreshness.EXAMPLES_KEPT)
                .allSatisfy(k -> assertThat(k).startsWith(KeyFamilies.PATTERNS));
        assertThat(found.notNumericExamples()).containsExactlyInAnyOrder(
                KeyFamilies.PATTERNS + "abc", KeyFamilies.PATTERNS + "12a", KeyFamilies.PATTERNS);
    }

    @Test
    void theWholeReportReadsBothServers() {
        exec("INSERT INTO consciousness_patterns (id, pattern_type, expires_at) VALUES (1, 't', NULL), (2, 't', '2000-01-01')");
        write(Map.of(KeyFamilies.PATTERNS + "1", "{}", KeyFamilies.PATTERNS + "3", "{}"));

        PatternFreshness.Report report = freshness().read(new CancelSwitch());

        assertThat(report.rows()).isEqualTo(new PatternFreshness.Rows(0, 1, 1));
        assertThat(report.keys().keys()).isEqualTo(2);
        assertThat(report.keys().withoutRowExamples()).containsExactly(KeyFamilies.PATTERNS + "3");
        assertThat(report.cluster()).isFalse();
    }

    @Test
    void patternKeysAreFoundOnEveryMasterOfACluster() {
        exec("INSERT INTO consciousness_patterns (id, pattern_type, expires_at) SELECT g, 't', NULL FROM generate_series(1, 300) g");
        TestCluster cluster = TestCluster.get();
        cluster.flush();
        Set<Integer> mastersUsed = new HashSet<>();
        for (int id = 1; id <= 400; id++) {   // 1..300 have a row, 301..400 do not
            String key = KeyFamilies.PATTERNS + id;
            TestCluster.Master m = cluster.masterOf(SlotHash.getSlot(key));
            mastersUsed.add(m.port());
            cluster.on(m, c -> c.set(key, "{}"));
        }
        assertThat(mastersUsed).hasSize(TestCluster.MASTERS);

        try (RedisConnection seed = cluster.connection()) {
            PatternFreshness.Report report = new PatternFreshness(monitoring, new RedisKeyspace(seed)).read(new CancelSwitch());

            assertThat(report.cluster()).isTrue();
            assertThat(report.keys().keys()).isEqualTo(400);
            assertThat(report.keys().withoutRow()).isEqualTo(100);
            assertThat(report.rows().noExpiry()).isEqualTo(300);
        } finally {
            cluster.flush();
        }
    }

    @Test
    void itsScansAreNamedSoTheSlowlogTellsThemFromTheApplications() {
        write(Map.of(KeyFamilies.PATTERNS + "1", "{}"));
        String before = redis.run("read", c -> c.configGet("slowlog-log-slower-than").get("slowlog-log-slower-than"));
        redis.run("log every command", c -> {
            c.configSet("slowlog-log-slower-than", "0");
            return c.slowlogReset();
        });
        try {
            freshness().keys(new CancelSwitch());
            SlowLog.Report log = new SlowLog(new RedisKeyspace(redis)).read();

            assertThat(log.commands()).filteredOn(c -> c.command().equals("SCAN")).isNotEmpty().allSatisfy(c -> {
                assertThat(c.clientName()).isEqualTo(PatternFreshness.CLIENT_NAME);
                assertThat(c.fromConsole()).isTrue();
            });
        } finally {
            redis.run("restore", c -> {
                c.configSet("slowlog-log-slower-than", before);
                return c.slowlogReset();
            });
        }
    }

    @Test
    void aCancelledReadStopsWithoutAnswering() {
        write(Map.of(KeyFamilies.PATTERNS + "1", "{}"));
        CancelSwitch cancel = new CancelSwitch();
        cancel.fire();

        assertThatThrownBy(() -> freshness().keys(cancel)).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> freshness().read(cancel)).isInstanceOf(CancellationException.class);
    }

    @Test
    void idsAreReadOnlyFromDecimalDigits() {
        assertThat(PatternFreshness.idOf(bytes(KeyFamilies.PATTERNS + "42"))).isEqualTo(42);
        assertThat(PatternFreshness.idOf(bytes(KeyFamilies.PATTERNS + "-1"))).isEqualTo(-1);
        assertThat(PatternFreshness.idOf(bytes(KeyFamilies.PATTERNS + "4 2"))).isEqualTo(-1);
        assertThat(PatternFreshness.idOf(bytes(KeyFamilies.PATTERNS + "007"))).isEqualTo(7);
        assertThat(PatternFreshness.idOf(bytes(KeyFamilies.PATTERNS + "123456789012345678901234"))).isGreaterThan(Integer.MAX_VALUE);
        assertThat(PatternFreshness.idOf(bytes(KeyFamilies.PATTERNS))).isEqualTo(-1);
    }

    private static byte[] bytes(String s) { return s.getBytes(java.nio.charset.StandardCharsets.UTF_8); }

    private static void write(Map<String, String> keys) {
        redis.run("writing pattern keys", c -> c.mset(keys));
    }

    static void exec(String... sql) {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
