package ai.cascade.ops.demo;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.billing.SubscriptionEditor;
import ai.cascade.ops.billing.SubscriptionSnapshot;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's edit history: real edits through the editor against the demo Stripe, on a small generated dataset. */
class DemoEditHistoryTest {
    private static final List<Tier> TIERS = Settings.defaultTiers();
    private static String url;
    private static DataSource ds;
    private static DemoStripe server;
    private static DemoEditHistory.Summary summary;

    @BeforeAll
    static void aSmallDemoWithItsHistory() throws Exception {
        url = TestServers.freshDatabaseUrl("demo_history");
        ds = TestServers.admin(url);
        DemoDataset.generate(ds, 2_000, TIERS, DemoEnvironment.SEED, m -> { }, () -> false);
        server = DemoStripe.start(ds, TIERS);
        summary = DemoEditHistory.make(url, server.url(), TIERS);
        System.out.printf("Made the demo edit history in %,d ms: %s%n", summary.took().toMillis(), summary);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theHistoryHasTwoTierChangesACancellationAPauseARefundAndADeclinedRetry() throws SQLException {
        assertThat(summary.done()).isEqualTo(5);
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.notMade()).isZero();
        assertThat(texts("SELECT kind || ':' || state FROM ops.subscription_edit ORDER BY id")).containsExactly(
                "change_tier:done", "change_tier:done", "cancel_at_period_end:done", "pause_collection:done", "refund:done",
                "retry_payment:failed");
        assertThat(texts("SELECT reason FROM ops.subscription_edit ORDER BY id")).allSatisfy(r -> assertThat(r).isNotBlank());
        assertThat(texts("SELECT DISTINCT profile FROM ops.subscription_edit")).containsExactly(ConnectionProfile.DEMO_NAME);
    }

    @Test
    void everyDoneEditHasOneAuditEntry_andTheFailedRetryNone() throws SQLException {
        assertThat(texts("SELECT target FROM ops.audit_log ORDER BY target"))
                .containsExactlyElementsOf(texts("SELECT target FROM ops.subscription_edit WHERE state = 'done' ORDER BY target"));
        String retried = texts("SELECT target FROM ops.subscription_edit WHERE kind = 'retry_payment'").get(0);
        assertThat(texts("SELECT target FROM ops.audit_log")).doesNotContain(retried);
    }

    @Test
    void theDeclinedRetryIsJournaledAsFailedWithStripesReason() throws SQLException {
        assertThat(texts("SELECT outcome FROM ops.subscription_edit WHERE kind = 'retry_payment' AND state = 'failed'"))
                .singleElement().asString().containsIgnoringCase("card");
    }

    @Test
    void noEditIsLeftPending() throws SQLException {
        assertThat(texts("SELECT id::text FROM ops.subscription_edit WHERE state = 'pending'")).isEmpty();
    }

    @Test
    void postgresMirrorsStripeForEveryEditedSubscription_whichStripeChanged() throws SQLException {
        List<String> edited = texts("SELECT stripe_subscription_id FROM ops.subscription_edit "
                + "WHERE state = 'done' AND stripe_subscription_id IS NOT NULL ORDER BY id");
        assertThat(edited).hasSize(4).doesNotHaveDuplicates();
        try (Database db = TestServers.open(url)) {
            SubscriptionEditor editor = new SubscriptionEditor(connections(db), TIERS, ConnectionProfile.DEMO_NAME);
            List<SubscriptionSnapshot> now = new ArrayList<>();
            for (String id : edited) now.add(editor.open(id, CancelSignal.NONE));
            assertThat(now).allSatisfy(s -> assertThat(s.mirrorDifferences()).as(s.stripeId()).isEmpty());
            assertThat(now.get(0).stripe().tier()).isEqualTo("merchant");
            assertThat(now.get(1).stripe().tier()).isEqualTo("citizen");
            assertThat(now.get(2).stripe().cancelAtPeriodEnd()).isTrue();
            assertThat(now.get(3).stripe().pauseBehavior()).isEqualTo("keep_as_draft");
        }
    }

    @Test
    void aDemoWithNoSubscriptionsToEditStartsWithoutAHistory_andNothingThrows() throws SQLException {
        String emptyUrl = TestServers.freshDatabaseUrl("demo_history_empty");
        DataSource empty = TestServers.admin(emptyUrl);
        try (DemoStripe emptyStripe = DemoStripe.start(empty, TIERS)) {
            DemoEditHistory.Summary none = DemoEditHistory.make(emptyUrl, emptyStripe.url(), TIERS);
            assertThat(none.done() + none.failed()).isZero();
        }
        try (Connection c = empty.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ops.subscription_edit");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void anUnreachableStripeLeavesTheDemoWithoutAHistory_andNothingThrows() {
        DemoEditHistory.Summary none = DemoEditHistory.make(url, "http://127.0.0.1:9", TIERS);
        assertThat(none.done() + none.failed()).isZero();
    }

    private static Connections connections(Database db) {
        StripeAccess stripe = new StripeAccess(DemoStripe.KEY, server.url());
        return new Connections() {
            @Override public Database database() { return db; }

            @Override public RedisConnection redis() { throw new UnsupportedOperationException("not used by the editor"); }

            @Override public Optional<StripeAccess> stripe() { return Optional.of(stripe); }
        };
    }

    private static List<String> texts(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }
}
