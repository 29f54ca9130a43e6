package ai.cascade.ops.app;

import ai.cascade.ops.app.CommandFixtures.Printout;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.testing.TestServers;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
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
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code check} command against the real embedded Postgres and Redis: its JSON, its table and its exit codes. */
class CheckCommandTest {
    /** Trust authentication ignores it; it is here to prove it is never printed. */
    static final String PASSWORD = "Tr0ub4dor-and-3";
    static String postgresUrl;
    static String databaseName;

    @TempDir Path home;

    @BeforeAll
    static void database() throws SQLException {
        String url = TestServers.freshDatabaseUrl("check_command");
        databaseName = url.substring(url.lastIndexOf('/') + 1);
        // The backend's schema has a duplicate index (pghero flags it); without it a healthy server has nothing to flag.
        admin("DROP INDEX IF EXISTS idx_venice_username");
        postgresUrl = url.replace("postgresql://postgres@", "postgresql://postgres:" + PASSWORD + "@");
        assertThat(postgresUrl).contains(PASSWORD);
    }

    record Outcome(int exit, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }

        List<JsonObject> checks() {
            return StreamSupport.stream(json().getAsJsonArray("checks").spliterator(), false).map(JsonElement::getAsJsonObject).toList();
        }

        List<String> verdicts() {
            return checks().stream().map(c -> c.get("verdict").getAsString()).toList();
        }

        int worstExitCode() {
            return checks().stream().map(c -> verdict(c.get("verdict").getAsString())).reduce(Verdict.OK, Verdict::worse).exitCode();
        }
    }

    @Test
    void theJsonListsEveryPostgresAndRedisCheckAndTheExitCodeIsTheWorstVerdicts() throws IOException {
        SettingsStore store = storeWith(home, profile("Staging", postgresUrl, TestServers.redisUrl()));
        Outcome o = run(store, Map.of(), "--json");
        JsonObject doc = o.json();
        assertThat(doc.get("profile").getAsString()).isEqualTo("Staging");
        assertThat(doc.get("checkedAt").getAsString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(o.checks()).anySatisfy(c -> assertThat(c.get("backend").getAsString()).isEqualTo("postgres"))
                .anySatisfy(c -> assertThat(c.get("backend").getAsString()).isEqualTo("redis"))
                .allSatisfy(c -> assertThat(c.keySet()).contains("backend", "id", "title", "verdict", "figure", "advice", "details"));
        assertThat(o.checks()).filteredOn(c -> c.get("id").getAsString().equals("postgres.reachable"))
                .singleElement().satisfies(c -> assertThat(c.get("verdict").getAsString()).isEqualTo("ok"));
        assertThat(o.checks()).filteredOn(c -> c.get("id").getAsString().equals("redis.reachable") || c.get("id").getAsString().startsWith("redis."))
                .allSatisfy(c -> assertThat(c.get("verdict").getAsString()).isNotEqualTo("unreachable"));
        // A healthy server: nothing red. Whatever amber other checks find, the exit code is the worst verdict's.
        assertThat(o.exit()).isEqualTo(o.worstExitCode()).isEqualTo(doc.get("exitCode").getAsInt()).isLessThan(2);
        assertThat(doc.get("verdict").getAsString()).isEqualTo(worstLabel(o.verdicts()));
        assertThat(o.verdicts()).isSortedAccordingTo((a, b) -> verdict(b).compareTo(verdict(a)));
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD);
    }

    @Test
    void withoutJsonItPrintsATableWorstFirst() throws IOException {
        SettingsStore store = storeWith(home, profile("Staging", postgresUrl, TestServers.redisUrl()));
        Outcome o = run(store, Map.of());
        String[] lines = o.out().split("\n");
        assertThat(lines[0]).startsWith("CASCADE Ops checks of profile \"Staging\"").contains("(exit " + o.exit() + ")");
        assertThat(o.out()).contains("VERDICT", "BACKEND", "CHECK", "FIGURE").contains("Postgres reachable").contains("PostgreSQL 18");
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD);
    }

    @Test
    void redisAtItsMemoryLimitIsCriticalAndTheCommandExitsWith2() throws IOException {
        SettingsStore store = storeWith(home, profile("Staging", postgresUrl, TestServers.redisUrl()));
        try (RedisConnection redis = TestServers.freshRedis()) {
            long used = Long.parseLong(infoField(redis.run("INFO memory", c -> c.info("memory")), "used_memory"));
            try {
                // just above what is used: at least 99%, over the 95% critical threshold
                redis.run("CONFIG SET maxmemory", c -> c.configSet("maxmemory", Long.toString(used + used / 200)));
                Outcome o = run(store, Map.of(), "--json");
                assertThat(o.checks()).anySatisfy(c -> {
                    assertThat(c.get("id").getAsString()).isEqualTo("redis.memory");
                    assertThat(c.get("verdict").getAsString()).isEqualTo("critical");
                });
                assertThat(o.exit()).isEqualTo(2).isEqualTo(o.json().get("exitCode").getAsInt());
                assertThat(o.json().get("verdict").getAsString()).isEqualTo("critical");
            } finally {
                redis.run("CONFIG SET maxmemory", c -> c.configSet("maxmemory", "0"));
            }
        }
    }

    @Test
    void aQueryRunningLongerThanTheSavedThresholdIsCriticalAndTheCommandExitsWith2() throws Exception {
        SettingsStore store = storeWith(home, profile("Staging", postgresUrl, TestServers.redisUrl()));
        store.update(s -> s.checkThresholds = withLongRunningSeconds(s.checkThresholds, 1));
        CompletableFuture<Void> sleeper = CompletableFuture.runAsync(() -> admin("SELECT pg_sleep(30) /* check-command-test */"));
        try {
            awaitLongRunning(Duration.ofSeconds(20));
            Outcome o = run(store, Map.of(), "--json", "--timeout", "20");
            assertThat(o.checks()).anySatisfy(c -> {
                assertThat(c.get("id").getAsString()).isEqualTo("postgres.long_running");
                assertThat(c.get("verdict").getAsString()).isEqualTo("critical");
            });
            assertThat(o.exit()).isEqualTo(2);
        } finally {
            admin("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%check-command-test%' AND pid <> pg_backend_pid()");
            sleeper.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void serversThatRefuseTheConnectionAreUnreachableExit3WithinTheTimeout() throws IOException {
        String pg = "postgresql://ops:" + PASSWORD + "@127.0.0.1:" + closedPort() + "/cascade";
        SettingsStore store = storeWith(home, profile("Gone", pg, "redis://127.0.0.1:" + closedPort()));
        long start = System.nanoTime();
        Outcome o = run(store, Map.of(), "--json", "--timeout", "15");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.json().get("verdict").getAsString()).isEqualTo("unreachable");
        assertThat(o.checks()).filteredOn(c -> c.get("verdict").getAsString().equals("unreachable"))
                .extracting(c -> c.get("backend").getAsString()).contains("postgres", "redis");
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD);
    }

    @Test
    void serversThatAcceptButNeverAnswerDoNotHoldTheCommandPastItsTimeout() throws IOException {
        // A listening socket nobody accepts from: the kernel completes the handshake, then nothing is ever said.
        try (ServerSocket silentPostgres = new ServerSocket(0); ServerSocket silentRedis = new ServerSocket(0)) {
            SettingsStore store = storeWith(home, profile("Silent", "postgresql://ops:" + PASSWORD + "@127.0.0.1:" + silentPostgres.getLocalPort() + "/cascade",
                    "redis://127.0.0.1:" + silentRedis.getLocalPort()));
            long start = System.nanoTime();
            Outcome o = run(store, Map.of(), "--timeout", "4");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            assertThat(o.exit()).isEqualTo(3);
            assertThat(o.out()).contains("UNREACHABLE").doesNotContain(PASSWORD);
        }
    }

    @Test
    void anUnknownProfileNameExits3AndListsTheSavedNames() throws IOException {
        SettingsStore store = storeWith(home, profile("Staging", postgresUrl, TestServers.redisUrl()), profile("Production", postgresUrl, ""));
        Outcome o = run(store, Map.of(), "--profile", "Prod", "--json");
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.err()).contains("No profile is named \"Prod\"").contains("\"Staging\"").contains("\"Production\"");
        assertThat(o.json().get("exitCode").getAsInt()).isEqualTo(3);
        assertThat(o.json().get("verdict").isJsonNull()).isTrue();
        assertThat(o.checks()).isEmpty();
    }

    @Test
    void aNamedProfileIsCheckedEvenWhenAnotherIsActive() throws IOException {
        SettingsStore store = storeWith(home, profile("Gone", "postgresql://ops@127.0.0.1:" + closedPort() + "/cascade", ""),
                profile("Staging", postgresUrl, TestServers.redisUrl()));
        store.update(s -> s.activeProfile = "Gone");
        Outcome o = run(store, Map.of(), "--profile=Staging", "--json");
        assertThat(o.json().get("profile").getAsString()).isEqualTo("Staging");
        assertThat(o.exit()).isLessThan(2);
    }

    @Test
    void theEnvironmentsUrlsWinOverTheActiveProfileAsWhenTheAppStarts() throws IOException {
        SettingsStore store = storeWith(home, profile("Gone", "postgresql://ops@127.0.0.1:" + closedPort() + "/cascade", ""));
        Outcome o = run(store, Map.of("DATABASE_URL", postgresUrl, "REDIS_URL", TestServers.redisUrl()), "--json");
        assertThat(o.json().get("profile").getAsString()).isEqualTo(ConnectionProfile.ENVIRONMENT_NAME);
        assertThat(o.exit()).isLessThan(2);
        assertThat(o.out() + o.err()).doesNotContain(PASSWORD);
    }

    @Test
    void withNothingConfiguredItSaysHowToConfigureAndExits3() {
        Outcome o = run(emptyStore(home), Map.of(), "--json");
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.err()).contains("Nothing to check").contains("File → Connections").contains("DATABASE_URL").contains("demo runs only inside the app");
        assertThat(o.json().get("problem").getAsString()).isEqualTo(o.err().strip());
        assertThat(run(emptyStore(home), Map.of(), "--profile", "Demo").exit()).isEqualTo(3);
    }

    @Test
    void argumentsItDoesNotKnowExit64WithTheUsage() {
        SettingsStore store = emptyStore(home);
        for (String[] args : List.of(new String[]{"--jsn"}, new String[]{"--timeout", "soon"}, new String[]{"--timeout", "0"}, new String[]{"--profile"})) {
            Outcome o = run(store, Map.of(), args);
            assertThat(o.exit()).as(Arrays.toString(args)).isEqualTo(64);
            assertThat(o.err()).contains("Usage: cascade-ops check");
            assertThat(o.out()).isEmpty();
        }
        Outcome help = run(store, Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: cascade-ops check").contains("64 bad arguments");
    }

    @Test
    void theLauncherPrintsOnlyTheJsonOnStdoutNoLogLines() throws Exception {
        // A corrupt settings file makes the settings store log a warning; the profile comes from the environment.
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.json"), "{ not json");
        Printout p = launched(home, Map.of("DATABASE_URL", postgresUrl, "REDIS_URL", TestServers.redisUrl()), "check", "--json", "--timeout", "20");
        JsonObject doc = JsonParser.parseString(p.out()).getAsJsonObject();   // the whole of stdout is one document
        assertThat(p.out().strip()).startsWith("{").endsWith("}");
        assertThat(p.exit()).as(p.err()).isEqualTo(doc.get("exitCode").getAsInt()).isLessThan(2);
        assertThat(doc.get("profile").getAsString()).isEqualTo(ConnectionProfile.ENVIRONMENT_NAME);
        assertThat(p.err()).contains("could not be used");   // said once, by the command, on stderr
        assertThat(p.out() + p.err()).doesNotContain(PASSWORD);
        assertThat(Files.readString(home.resolve("logs/cascade-ops.log"))).contains("could not be used");
    }

    // --- helpers ---

    private Outcome run(SettingsStore store, Map<String, String> env, String... args) {
        Printout p = printed((out, err) -> CheckCommand.run(args, env, store, out, err));
        return new Outcome(p.exit(), p.out(), p.err());
    }

    private static ConnectionProfile profile(String name, String postgres, String redis) {
        return new ConnectionProfile(name, false, true, postgres, redis, "", "");
    }

    private static Verdict verdict(String label) {
        return Arrays.stream(Verdict.values()).filter(v -> v.label().equals(label)).findFirst().orElseThrow();
    }

    private static String worstLabel(List<String> labels) {
        return labels.stream().map(CheckCommandTest::verdict).reduce(Verdict.OK, Verdict::worse).label();
    }

    private static String infoField(String info, String field) {
        return info.lines().filter(l -> l.startsWith(field + ":")).findFirst().orElseThrow().substring(field.length() + 1).strip();
    }

    private static void admin(String sql) {
        try (Connection c = TestServers.admin("/" + databaseName).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            if (!"57014".equals(e.getSQLState())) throw new IllegalStateException(e);   // the sleeper's own cancellation
        }
    }

    private static void awaitLongRunning(Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            try (Connection c = TestServers.admin("/" + databaseName).getConnection(); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%check-command-test%' AND state = 'active'"
                         + " AND now() - query_start > interval '2 seconds' AND pid <> pg_backend_pid()")) {
                rs.next();
                if (rs.getLong(1) > 0) return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the long query did not start");
    }

    private static CheckThresholds withLongRunningSeconds(CheckThresholds t, int seconds) {
        return new CheckThresholds(t.connectionsWarnPercent(), t.connectionsCriticalPercent(), seconds, t.idleInTransactionSeconds(),
                t.blockedCriticalSeconds(), t.cacheHitRatePercent(), t.xidWarnRemaining(), t.xidCriticalRemaining(),
                t.replicationLagWarnSeconds(), t.replicationLagCriticalSeconds(), t.unusedIndexMaxScans(), t.missingIndexMinRows(),
                t.missingIndexUsePercent(), t.bloatMinBytes(), t.deadTuplePercent(), t.deadTupleMinRows(), t.sequenceDangerPercent(),
                t.redisMemoryWarnPercent(), t.redisMemoryCriticalPercent(), t.redisHitRateWarnPercent(), t.slowAnswerMillis());
    }
}
