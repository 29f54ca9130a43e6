package ai.cascade.ops.app;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.billing.SubscriptionEdit;
import ai.cascade.ops.billing.SubscriptionEditor;
import ai.cascade.ops.billing.SubscriptionSnapshot;
import ai.cascade.ops.cache.KeyDeletion;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.cache.RedisKeyspace;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.database.Activity;
import ai.cascade.ops.database.AuditLog;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.sessions.RedisSupportActions;
import ai.cascade.ops.sessions.SessionRevoker;
import ai.cascade.ops.testing.TestServers;
import com.google.gson.JsonObject;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 9, item 5: an operator with the shipped monitoring logins (resources/db/operators/operator-logins.sql and the
 * monitoring line of resources/redis/cascade-ops-acl.txt) calls every mutating service directly, without the UI's
 * greying-out. Each call must be refused by the server itself (Postgres 42501, Redis NOPERM), told in words, and leave
 * everything as it was: every row of Postgres (the backend's tables and Ops' own, audit log included), every Redis
 * key with its value, and the fake Stripe's log of received writes (reading Stripe is a monitoring login's right).
 */
class MonitoringRolesRefusedTest {
    private static final String MONITOR = "roles9_luca_bianchi";
    private static final String SUPPORT = "roles9_maria_rossi";
    private static final String REDIS_MONITOR = "roles9_redis_monitor";
    private static final String JTI = "7c1f0e2a-9b8d-4e6f-a5c4-3b2a1f0e9d8c";
    private static final String SESSION_KEY = "cascade:session:1";

    static String url;
    static DataSource admin;
    static DemoStripe stripe;
    static Database monitorDb;
    static Database supportDb;
    static RedisConnection redisAdmin;
    static RedisConnection redisMonitor;
    static String subscription;
    static Connections monitoring;

    @BeforeAll
    static void start() throws Exception {
        url = TestServers.freshDatabaseUrl("roles9");
        admin = TestServers.admin(url);
        subscription = seedSubscription();
        stripe = DemoStripe.start(admin, Settings.defaultTiers());
        // The example script as shipped, with this class's own login names (roles belong to the whole test cluster).
        String sql = Files.readString(Path.of("resources/db/operators/operator-logins.sql"))
                .replace("luca_bianchi", MONITOR).replace("maria_rossi", SUPPORT)
                .replace(":'support_password'", "'s3cret-support'").replace(":'monitoring_password'", "'s3cret-monitoring'");
        exec("DROP ROLE IF EXISTS " + MONITOR, "DROP ROLE IF EXISTS " + SUPPORT, sql);
        monitorDb = TestServers.open(url.replace("postgres@", MONITOR + ":s3cret-monitoring@"));
        supportDb = TestServers.open(url.replace("postgres@", SUPPORT + ":s3cret-support@"));
        redisAdmin = TestServers.freshRedis();
        redisMonitor = redisAs(REDIS_MONITOR);
        StripeAccess access = new StripeAccess(DemoStripe.KEY, stripe.url());
        monitoring = connections(monitorDb, redisMonitor, access);
    }

    @AfterAll
    static void stop() {
        if (redisMonitor != null) redisMonitor.close();
        if (redisAdmin != null) {
            redisAdmin.run("removing the ACL user", c -> c.aclDeluser(REDIS_MONITOR));
            redisAdmin.close();
        }
        if (monitorDb != null) monitorDb.close();
        if (supportDb != null) supportDb.close();
        if (stripe != null) stripe.close();
    }

    @BeforeEach
    void redisFixture() {
        redisAdmin.run("fixture", c -> {
            c.flushdb();
            c.setex(SESSION_KEY, 600, "{\"user_id\": 1, \"venice_username\": \"Citizen_1\", \"jti\": \"" + JTI + "\", \"exp\": "
                    + (Instant.now().getEpochSecond() + 600) + "}");
            c.setex("cascade:ratelimit:1", 60, "42");
            c.set("cascade:venice:citizens/Citizen_1:", "{\"ducats\": 10}");
            c.set("cascade:venice:get-ledger:citizenUsername=Citizen_1&format=json", "[]");
            return c.set("cascade:patterns:9", "{\"p\": 1}");
        });
    }

    // ---- Postgres decides: the shipped monitoring login ----

    @Test
    void subscriptionEditsAreRefusedByPostgresAndNothingReachesStripe() {
        SubscriptionEditor editor = new SubscriptionEditor(monitoring, Settings.defaultTiers(), "roles-test");
        SubscriptionSnapshot seen = editor.open(subscription, CancelSignal.NONE);   // reading is allowed
        List<SubscriptionEdit> edits = List.of(new SubscriptionEdit.CancelAtPeriodEnd(), new SubscriptionEdit.CancelNow(),
                new SubscriptionEdit.PauseCollection("void"),
                new SubscriptionEdit.ChangeTier("merchant", SubscriptionEdit.ProrationBehavior.CREATE_PRORATIONS, Instant.now().getEpochSecond()));
        for (SubscriptionEdit edit : edits) {
            refusedAndUnchanged("subscription edit " + edit, () -> editor.apply(seen, edit, "trying without the right"),
                    "Postgres refused", MONITOR);
        }
    }

    @Test
    void adoptingStripesStateIsRefusedByPostgres() {
        SubscriptionEditor editor = new SubscriptionEditor(monitoring, Settings.defaultTiers(), "roles-test");
        refusedAndUnchanged("adopt drift", () -> editor.adoptStripe(subscription, "adopting without the right"),
                "Postgres refused", MONITOR);
    }

    @Test
    void anyAuditAppendIsRefusedByPostgres() {
        refusedAndUnchanged("audit append", () -> AuditLog.append(monitorDb, "roles-test", "forged.action", "nothing", "forging",
                new JsonObject()), "monitoring login");
        assertThat(AuditLog.mayAppend(monitorDb)).isFalse();
    }

    @Test
    void cancellingAndTerminatingAQueryAreRefusedByPostgresAndTheQueryKeepsRunning() throws Exception {
        try (Connection sleeper = admin.getConnection(); Statement st = sleeper.createStatement()) {
            int pid = pid(sleeper);
            CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
                try {
                    st.execute("SELECT pg_sleep(60)");
                } catch (SQLException ended) {
                    // ended by the clean-up below, or (a failure) by the call under test
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!active(pid)) {
                assertThat(System.nanoTime()).as("the sleeper started").isLessThan(until);
                Thread.sleep(50);
            }
            Activity activity = new Activity(monitoring, "roles-test");
            Map<String, String> before = snapshot();
            Activity.Outcome cancel = activity.cancelQuery(pid, "trying", CancelSignal.NONE);
            Activity.Outcome terminate = activity.terminateSession(pid, "trying", CancelSignal.NONE);
            assertThat(cancel.result()).as(cancel.message()).isEqualTo(Activity.Result.REFUSED);
            assertThat(cancel.message()).startsWith("Postgres refused");
            assertThat(terminate.result()).as(terminate.message()).isEqualTo(Activity.Result.REFUSED);
            assertThat(terminate.message()).startsWith("Postgres refused");
            assertThat(cancel.auditId()).isNull();
            assertThat(terminate.auditId()).isNull();
            Thread.sleep(300);   // a signal, had one been sent, acts at once
            assertThat(active(pid)).as("the query still runs").isTrue();
            assertThat(sleeping).isNotDone();
            assertThat(snapshot()).isEqualTo(before);
            exec("SELECT pg_cancel_backend(" + pid + ")");
            sleeping.get(20, TimeUnit.SECONDS);
        }
    }

    // ---- Both decide: Postgres monitoring login and the shipped Redis monitoring ACL ----

    @Test
    void revokingASessionIsRefusedAndTheTokenIsNotBlacklisted() {
        SessionRevoker revoker = new SessionRevoker(monitoring, "roles-test");
        refusedAndUnchanged("session revoke", () -> revoker.revoke(SESSION_KEY, "support request"), "Nothing was changed");
        Map<String, String> before = snapshot();
        List<SessionRevoker.Outcome> all = revoker.revokeAll(List.of(SESSION_KEY), "support request");
        assertThat(all).singleElement().satisfies(o -> assertThat(o.result()).isEqualTo(SessionRevoker.Result.REFUSED));
        assertThat(snapshot()).isEqualTo(before);
        long blacklisted = redisAdmin.run("blacklist", c -> c.exists("cascade:blacklist:" + JTI));
        assertThat(blacklisted).isZero();
    }

    @Test
    void resettingTheRateLimitAndPurgingTheVeniceCacheAreRefused() {
        RedisSupportActions actions = new RedisSupportActions(monitoring, "roles-test");
        refusedAndUnchanged("rate-limit reset", () -> actions.resetRateLimit(1, "locked out"), "Nothing was changed");
        refusedAndUnchanged("Venice purge", () -> actions.purgeVeniceCache(1, "Citizen_1", "stale answers"), "Nothing was changed");
    }

    @Test
    void deletingAKeyIsRefusedByPostgresBeforeRedisIsAsked() {
        KeyDeletion deletion = new KeyDeletion(new RedisKeyspace(redisMonitor), monitoring, "roles-test");
        refusedAndUnchanged("key delete", () -> deletion.delete("cascade:patterns:9".getBytes(StandardCharsets.UTF_8), "cleaning up",
                CancelSignal.NONE), MONITOR, "may not write", "Nothing was deleted");
    }

    // ---- Redis alone decides: a support Postgres login with the Redis monitoring ACL ----

    @Test
    void withASupportPostgresLoginRedisAloneRefusesEveryRedisWriteAndNothingIsAudited() {
        Connections mixed = connections(supportDb, redisMonitor, new StripeAccess(DemoStripe.KEY, stripe.url()));
        refusedAndUnchanged("session revoke (Redis monitoring)", () -> new SessionRevoker(mixed, "roles-test").revoke(SESSION_KEY, "support request"),
                "NOPERM");
        RedisSupportActions actions = new RedisSupportActions(mixed, "roles-test");
        refusedAndUnchanged("rate-limit reset (Redis monitoring)", () -> actions.resetRateLimit(1, "locked out"), "NOPERM");
        refusedAndUnchanged("Venice purge (Redis monitoring)", () -> actions.purgeVeniceCache(1, "Citizen_1", "stale answers"), "NOPERM");
        Map<String, String> before = snapshot();
        KeyDeletion.Outcome o = new KeyDeletion(new RedisKeyspace(redisMonitor), mixed, "roles-test")
                .delete("cascade:patterns:9".getBytes(StandardCharsets.UTF_8), "cleaning up", CancelSignal.NONE);
        assertThat(o.result()).as(o.message()).isEqualTo(KeyDeletion.Result.REFUSED);
        assertThat(snapshot()).isEqualTo(before);
    }

    // ---- helpers ----

    /** Runs a call that must be refused with a clear message, and checks that no server saw a change. */
    private static void refusedAndUnchanged(String what, ThrowingSupplier<?> call, String... messageParts) {
        Map<String, String> before = snapshot();
        assertThatThrownBy(call::get).as(what).isInstanceOfAny(BackendException.class, ai.cascade.ops.backend.Refused.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).as(what).contains(messageParts);
                    assertThat(e.getMessage()).as(what + ": a sentence, not a stack trace").doesNotContain("\tat ", "Exception:");
                });
        assertThat(snapshot()).as(what + " changed nothing anywhere").isEqualTo(before);
    }

    /**
     * Everything a mutation could touch: a digest of every table of the backend's and Ops' schemas (read as the
     * superuser), every Redis key with its serialized value and whether it expires, and the count of writes (non-GET
     * requests) the fake Stripe received.
     */
    private static Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
                    + "WHERE table_schema IN ('public', 'ops', 'demo_stripe') AND table_type = 'BASE TABLE'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            assertThat(tables).contains("ops.audit_log", "ops.subscription_edit", "public.subscriptions", "demo_stripe.requests");
            tables.remove("demo_stripe.requests");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM demo_stripe.requests WHERE method <> 'GET'")) {
                rs.next();
                out.put("stripe writes received", rs.getString(1));
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM " + t + " x")) {
                    rs.next();
                    out.put("pg " + t, rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        redisAdmin.run("snapshot", c -> {
            for (String k : c.keys("*"))
                out.put("redis " + k, Base64.getEncoder().encodeToString(c.dump(k)) + (c.pttl(k) > 0 ? " expires" : " persists"));
            return null;
        });
        return out;
    }

    private static String seedSubscription() {
        for (int i = 1; ; i++) {
            String id = "sub_Roles" + i;
            if (driftRank(id).startsWith("00")) continue;   // the demo Stripe seeds drift on these
            exec("INSERT INTO cascade_users(id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status) "
                            + "VALUES (1, 'Citizen_1', 'c1@example.org', 'cus_Roles1', 'citizen', 'active')",
                    "INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status, current_period_start, current_period_end, created_at) "
                            + "VALUES (1, '" + id + "', 'citizen', 900, 'active', now() - interval '10 days', now() + interval '20 days', now() - interval '40 days')");
            for (int d = 1, decoys = 0; decoys < 8; d++) {
                String decoy = "sub_RolesDecoy" + d;
                if (!driftRank(decoy).startsWith("00")) continue;
                decoys++;
                exec("INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status, current_period_start, current_period_end, created_at) "
                        + "VALUES (NULL, '" + decoy + "', 'citizen', 900, 'active', now() - interval '10 days', now() + interval '20 days', now() - interval '40 days')");
            }
            return id;
        }
    }

    /** md5('drift/' || id), the order in which the demo Stripe picks subscriptions to drift. */
    private static String driftRank(String id) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5").digest(("drift/" + id).getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new java.math.BigInteger(1, d));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exec(String... sql) {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean active(int pid) {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid + " AND state = 'active' AND query LIKE '%pg_sleep%'")) {
            rs.next();
            return rs.getInt(1) == 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The monitoring line of the shipped ACL file, applied as written, and a client logged in as that user. */
    private static RedisConnection redisAs(String user) throws IOException, InvalidSettingException {
        String line = null;
        try (InputStream in = MonitoringRolesRefusedTest.class.getResourceAsStream("/redis/cascade-ops-acl.txt")) {
            assertThat(in).as("redis/cascade-ops-acl.txt on the class path").isNotNull();
            boolean inRole = false;
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (l.startsWith("# role: ")) inRole = l.startsWith("# role: monitoring:");
                else if (inRole && l.startsWith("ACL SETUSER ") && line == null) line = l.strip();
            }
        }
        assertThat(line).as("the monitoring ACL line").isNotNull();
        String[] words = line.replace("{user}", user).replace("{password}", "pw-" + user).split("\\s+");
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (int i = 1; i < words.length; i++) args.add(words[i]);   // after "ACL"
        redisAdmin.run("creating the ACL user " + user, c -> c.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args));
        return new RedisConnection(RedisAddress.parse(TestServers.redisUrl().replace("redis://", "redis://" + user + ":pw-" + user + "@")));
    }

    private static Connections connections(Database db, RedisConnection redis, StripeAccess access) {
        return new Connections() {
            @Override public Database database() { return db; }

            @Override public RedisConnection redis() { return redis; }

            @Override public Optional<StripeAccess> stripe() { return Optional.of(access); }
        };
    }
}
