package ai.cascade.ops.demo;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.DriftCheck;
import ai.cascade.ops.billing.DriftReport;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, data safety: a demo start killed with SIGKILL after its data was saved (before the demo Stripe was seeded
 * from it, or anywhere inside the edit history) is finished by the next start: the demo Stripe matches Postgres and the
 * edit history is whole, as after a start nobody killed. The kill is real (a child JVM, exit 137) and lands inside each
 * window deterministically: the child holds the window open and says so before the test kills it.
 */
class DemoStartCrashTest {
    private static final int USERS = 2_000;
    private static final List<Tier> TIERS = Settings.defaultTiers();
    /** The history after a start nobody killed: kind, state and target of each journal row, in order. */
    private static List<String> uninterruptedHistory;
    private static Map<DriftReport.Kind, Integer> uninterruptedDrift;

    @BeforeAll
    static void aStartNobodyKills() throws Exception {
        String url = TestServers.freshDatabaseUrl("demo_start_reference");
        DataSource ds = TestServers.admin(url);
        startAgain(ds, url, USERS);
        uninterruptedHistory = texts(ds, "SELECT kind || ':' || state || ':' || target FROM ops.subscription_edit ORDER BY id");
        assertThat(uninterruptedHistory).extracting(h -> h.substring(0, h.lastIndexOf(':'))).containsExactly(
                "change_tier:done", "change_tier:done", "cancel_at_period_end:done", "pause_collection:done", "refund:done",
                "retry_payment:failed");
        uninterruptedDrift = drift(ds, url);
        assertThat(uninterruptedDrift).as("the seed's deliberate drift only").isEqualTo(Map.of(DriftReport.Kind.DIFFERENT, 7,
                DriftReport.Kind.MISSING_IN_POSTGRES, 1, DriftReport.Kind.MISSING_IN_STRIPE, 1));
        assertPresentable(ds, url, 6);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void killedAfterTheDataWasSavedBeforeTheStripeWasSeededFromIt_theNextStartSeedsAndMakesTheHistory() throws Exception {
        String url = TestServers.freshDatabaseUrl("demo_start_stripe");
        DataSource ds = TestServers.admin(url);
        startAgain(ds, url, 1_500);   // a finished demo of another size: its Stripe objects are what the kill leaves behind

        killInside(url, "stripe");
        assertThat(DemoDataset.marker(ds)).hasValueSatisfying(m -> assertThat(m.users()).isEqualTo(USERS));
        assertThat(number(ds, MISSING_IN_STRIPE)).as("the window was real: Stripe still holds the previous dataset").isGreaterThan(1);

        startAgain(ds, url, USERS);
        assertPresentable(ds, url, 12);
    }

    @ParameterizedTest(name = "killed at {0}")
    @ValueSource(strings = {"seeded", "AFTER_COMMIT:3", "BEFORE_STRIPE:4", "AFTER_STRIPE:4", "BEFORE_STRIPE:6"})
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void killedOnceTheStripeWasSeeded_orInsideAnEdit_theNextStartFinishesTheHistoryWithOneStripeMutationPerEdit(String window) throws Exception {
        String url = TestServers.freshDatabaseUrl("demo_start_history");
        DataSource ds = TestServers.admin(url);

        killInside(url, window);
        int edit = window.equals("seeded") ? 0 : Integer.parseInt(window.substring(window.indexOf(':') + 1));
        assertThat(number(ds, "SELECT count(*) FROM ops.subscription_edit")).as("the window was real: the history is cut short")
                .isEqualTo(edit);
        assertThat(number(ds, "SELECT count(*) FROM ops.subscription_edit WHERE state = 'pending'"))
                .isEqualTo(window.startsWith("AFTER_COMMIT") || edit == 0 ? 0 : 1);
        assertThat(number(ds, MISSING_IN_STRIPE)).as("the Stripe was seeded from this data before the kill").isEqualTo(1);

        startAgain(ds, url, USERS);
        assertPresentable(ds, url, 6);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void killedInsideAnEdit_thenStartedWithAnotherSize_theOldEditIsAbandonedNotSentToTheNewData() throws Exception {
        String url = TestServers.freshDatabaseUrl("demo_start_resized");
        DataSource ds = TestServers.admin(url);
        killInside(url, "BEFORE_STRIPE:2");

        startAgain(ds, url, 1_500);
        List<String> journal = texts(ds, "SELECT kind || ':' || state FROM ops.subscription_edit ORDER BY id");
        assertThat(journal).hasSize(8);
        assertThat(journal.subList(0, 2)).containsExactly("change_tier:done", "change_tier:abandoned");
        assertThat(journal.subList(2, 8)).containsExactly("change_tier:done", "change_tier:done", "cancel_at_period_end:done",
                "pause_collection:done", "refund:done", "retry_payment:failed");
        assertThat(number(ds, "SELECT count(*) FROM ops.audit_log a JOIN ops.subscription_edit e ON a.details->>'journal' = e.id::text "
                + "WHERE e.state = 'abandoned' AND a.action = 'journal.abandon'")).isEqualTo(1);
        String abandonedKey = texts(ds, "SELECT idempotency_key FROM ops.subscription_edit WHERE state = 'abandoned'").get(0);
        assertThat(number(ds, "SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = '" + abandonedKey + "'"))
                .as("never sent to the new demo Stripe").isZero();
        assertStripeMatchesPostgres(ds, url);
        assertHistoryWhole(ds, 6);
    }

    /** What every start, killed before or not, must present: Stripe seeded from this data, and the whole history. */
    private static void assertPresentable(DataSource ds, String url, int journalRows) throws Exception {
        assertStripeMatchesPostgres(ds, url);
        assertThat(number(ds, "SELECT count(*) FROM ops.subscription_edit")).isEqualTo(journalRows);
        assertHistoryWhole(ds, 6);
        assertThat(texts(ds, "SELECT kind || ':' || state || ':' || target "
                + "FROM (SELECT * FROM ops.subscription_edit ORDER BY id DESC LIMIT 6) e ORDER BY id"))
                .as("the same edits of the same subscriptions as a start nobody killed")
                .containsExactlyElementsOf(uninterruptedHistory);
    }

    /**
     * Subscription by subscription, by id: every difference between Stripe and Postgres is one of the seed's deliberate
     * ones (seed.sql: 3 statuses, 2 prices, 2 pending cancels, one missing on each side), as after a start nobody killed.
     */
    private static void assertStripeMatchesPostgres(DataSource ds, String url) throws Exception {
        String joined = "FROM subscriptions s JOIN demo_stripe.objects o ON o.id = s.stripe_subscription_id AND o.object = 'subscription' "
                + "LEFT JOIN ops.subscription_state x ON x.stripe_subscription_id = s.stripe_subscription_id WHERE ";
        assertThat(number(ds, MISSING_IN_STRIPE)).as("in Postgres, not in Stripe").isEqualTo(1);
        assertThat(number(ds, "SELECT count(*) FROM demo_stripe.objects o WHERE o.object = 'subscription' "
                + "AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.stripe_subscription_id = o.id)")).as("in Stripe, not in Postgres").isEqualTo(1);
        assertThat(number(ds, "SELECT count(*) " + joined + "coalesce(s.status, 'active') <> o.body->>'status'")).as("status").isEqualTo(3);
        assertThat(number(ds, "SELECT count(*) " + joined + "s.tier <> o.body->'items'->'data'->0->'price'->>'lookup_key'")).as("tier").isEqualTo(2);
        assertThat(number(ds, "SELECT count(*) " + joined + "(o.body->>'cancel_at_period_end')::boolean <> coalesce(x.cancel_at_period_end, false)"))
                .as("cancel at period end").isEqualTo(2);
        assertThat(number(ds, "SELECT count(*) " + joined + "(o.body->'pause_collection'->>'behavior') IS DISTINCT FROM x.pause_behavior"))
                .as("paused collection").isZero();
        assertThat(number(ds, "SELECT count(*) FROM subscriptions WHERE stripe_subscription_id IS NOT NULL")
                - number(ds, "SELECT count(*) " + joined + "true")).as("every other subscription is in Stripe").isEqualTo(1);
        assertThat(drift(ds, url)).as("the drift check agrees").isEqualTo(uninterruptedDrift);
    }

    /**
     * The last {@code edits} journal rows are the whole history of this data: none pending; each done edit with exactly one
     * audit entry, the declined retry with none; each exactly one request Stripe executed under its key (a replay by the
     * recovery does not count: Stripe answered it from the key without applying anything).
     */
    private static void assertHistoryWhole(DataSource ds, int edits) throws SQLException {
        assertThat(number(ds, "SELECT count(*) FROM ops.subscription_edit WHERE state = 'pending'")).as("pending edits").isZero();
        String last = "(SELECT * FROM ops.subscription_edit ORDER BY id DESC LIMIT " + edits + ") e";
        assertThat(texts(ds, "SELECT e.id || ':' || e.state || ':' || (SELECT count(*) FROM ops.audit_log a WHERE a.details->>'journal' = e.id::text) "
                + "|| ':' || (SELECT count(*) FROM demo_stripe.requests r WHERE r.idempotency_key = e.idempotency_key AND NOT r.replayed) "
                + "FROM " + last + " ORDER BY e.id")).hasSize(edits).allSatisfy(row -> {
                    String[] f = row.split(":");
                    assertThat(f[2]).as("audit entries of edit %s (%s)", f[0], f[1]).isEqualTo(f[1].equals("done") ? "1" : "0");
                    assertThat(f[3]).as("Stripe mutations of edit %s (%s)", f[0], f[1]).isEqualTo("1");
                });
    }

    private static final String MISSING_IN_STRIPE = "SELECT count(*) FROM subscriptions s WHERE s.stripe_subscription_id IS NOT NULL "
            + "AND NOT EXISTS (SELECT 1 FROM demo_stripe.objects o WHERE o.id = s.stripe_subscription_id AND o.object = 'subscription')";

    /** The app's start, minus its embedded servers: the same data check, Stripe seeding and history as {@link DemoEnvironment#start}. */
    private static void startAgain(DataSource ds, String url, int users) throws SQLException {
        DemoEnvironment.ensureData(ds, users, TIERS, m -> { }, () -> false);
        DemoEnvironment.startStripe(ds, url, TIERS, m -> { }, p -> { }).close();
    }

    /** Runs a demo start in a child JVM until it holds {@code window} open, then kills it with SIGKILL. */
    private static void killInside(String url, String window) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DemoStartProcess.class.getName(), url, Integer.toString(USERS), window)
                .redirectErrorStream(true).start();
        try {
            CompletableFuture<String> reached = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    StringBuilder seen = new StringBuilder();
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith("WINDOW ")) return line.substring(7);
                        seen.append(line).append('\n');
                    }
                    throw new IllegalStateException("the demo start ended without reaching " + window + ":\n" + seen);
                } catch (IOException e) {
                    throw new IllegalStateException("reading the demo start's output failed", e);
                }
            });
            assertThat(reached.get(180, TimeUnit.SECONDS)).isEqualTo(window);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the killed child is gone").isTrue();
        }
        assertThat(child.exitValue()).as("died of SIGKILL inside the window").isEqualTo(128 + 9);
    }

    private static Map<DriftReport.Kind, Integer> drift(DataSource ds, String url) throws SQLException {
        try (Database db = TestServers.open(url); DemoStripe stripe = DemoStripe.start(ds, TIERS)) {
            StripeAccess access = new StripeAccess(DemoStripe.KEY, stripe.url());
            Connections connections = new Connections() {
                @Override public Database database() { return db; }

                @Override public RedisConnection redis() { throw new UnsupportedOperationException("the drift check reads no Redis"); }

                @Override public Optional<StripeAccess> stripe() { return Optional.of(access); }
            };
            return new DriftCheck(connections, TIERS).run(CancelSignal.NONE, m -> { }).byKind();
        }
    }

    private static long number(DataSource ds, String sql) throws SQLException {
        return Long.parseLong(texts(ds, sql).get(0));
    }

    private static List<String> texts(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }
}
