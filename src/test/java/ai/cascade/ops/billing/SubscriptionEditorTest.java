package ai.cascade.ops.billing;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.billing.SubscriptionEdit.ProrationBehavior;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.testing.TestServers;
import com.stripe.exception.StripeException;
import com.stripe.param.SubscriptionUpdateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The saga against real Postgres and the demo's stateful Stripe (real stripe-java on the wire): after every edit
 * Postgres mirrors Stripe exactly, with one audit entry and a finished journal row; conflicts and bad input change
 * nothing and send nothing.
 */
class SubscriptionEditorTest {
    static final List<Tier> TIERS = Settings.defaultTiers();

    private Bench bench;
    private SubscriptionEditor editor;
    private String sub;

    @BeforeEach
    void start() {
        bench = Bench.start("saga_demo", 2);
        editor = bench.editor();
        sub = bench.subscriptions.get(0);
    }

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void everyEditLeavesPostgresEqualToStripeWithOneAuditEntryAndAFinishedJournalRow() {
        SubscriptionSnapshot seen = editor.open(sub, CancelSignal.NONE);
        assertThat(seen.mirrorDifferences()).as("seeded alike").isEmpty();
        ProrationPreview preview = editor.preview(seen, "merchant", ProrationBehavior.CREATE_PRORATIONS);
        assertThat(preview.lines()).anyMatch(ProrationPreview.Line::proration);

        seen = appliedAndMirrored(seen, preview.edit(), "merchant", false, null, "active");
        seen = appliedAndMirrored(seen, new SubscriptionEdit.CancelAtPeriodEnd(), "merchant", true, null, "active");
        seen = appliedAndMirrored(seen, new SubscriptionEdit.UndoCancel(), "merchant", false, null, "active");
        seen = appliedAndMirrored(seen, new SubscriptionEdit.PauseCollection("keep_as_draft"), "merchant", false, "keep_as_draft", "active");
        seen = appliedAndMirrored(seen, new SubscriptionEdit.ResumeCollection(), "merchant", false, null, "active");
        seen = appliedAndMirrored(seen, new SubscriptionEdit.ChangeTier("patrician", ProrationBehavior.ALWAYS_INVOICE,
                bench.clock.instant().getEpochSecond()), "patrician", false, null, "active");
        appliedAndMirrored(seen, new SubscriptionEdit.CancelNow(), "patrician", false, null, "canceled");

        assertThat(strings(bench.admin, "SELECT subscription_tier || ' ' || subscription_status FROM cascade_users u "
                + "JOIN subscriptions s ON s.user_id = u.id WHERE s.stripe_subscription_id = '" + sub + "'")).containsExactly("observer canceled");
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.audit_log")).containsExactly("7");
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit WHERE state <> 'done'")).containsExactly("0");
    }

    /** Applies {@code edit}, checks both sides and the records, and returns the state to edit next. */
    private SubscriptionSnapshot appliedAndMirrored(SubscriptionSnapshot seen, SubscriptionEdit edit, String tier, boolean cancels,
                                                    String pause, String status) {
        long mutationsBefore = bench.appliedMutations();
        EditOutcome o = editor.apply(seen, edit, "Support ticket for " + edit.kind());
        assertThat(o.result()).as(edit + ": " + o.message()).isEqualTo(Result.DONE);
        assertThat(bench.appliedMutations()).as("one mutation applied by Stripe").isEqualTo(mutationsBefore + 1);

        SubscriptionSnapshot now = editor.open(sub, CancelSignal.NONE);
        assertThat(now.mirrorDifferences()).as("Postgres mirrors Stripe after " + edit.kind()).isEmpty();
        assertThat(now.stripe().tier()).isEqualTo(tier);
        assertThat(now.stripe().cancelAtPeriodEnd()).isEqualTo(cancels);
        assertThat(now.stripe().pauseBehavior()).isEqualTo(pause);
        assertThat(now.stripe().status()).isEqualTo(status);
        assertThat(now.postgres().priceId()).isEqualTo(now.stripe().priceId());
        String userTier = "canceled".equals(status) ? "observer" : tier;
        assertThat(strings(bench.admin, "SELECT u.subscription_tier || ' ' || u.subscription_status FROM cascade_users u "
                + "JOIN subscriptions s ON s.user_id = u.id WHERE s.stripe_subscription_id = '" + sub + "'"))
                .containsExactly(userTier + " " + status);

        assertThat(strings(bench.admin, "SELECT state FROM ops.subscription_edit WHERE id = " + o.journalId())).containsExactly("done");
        List<String> audit = strings(bench.admin, "SELECT action || '|' || (details->'before')::text || '|' || (details->'after')::text "
                + "FROM ops.audit_log WHERE details->>'journal' = '" + o.journalId() + "'");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0)).startsWith("subscription." + edit.kind() + "|")
                .contains("\"status\": \"" + seen.stripe().status() + "\"").contains("\"status\": \"" + status + "\"");
        assertThat(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = "
                + "(SELECT idempotency_key FROM ops.subscription_edit WHERE id = " + o.journalId() + ") AND status = 200 AND NOT replayed"))
                .containsExactly("1");
        return now;
    }

    @Test
    void aRefundOfPartOfAPaidInvoiceIsMadeOnceAndAudited() {
        CustomerInvoices invoices = new CustomerInvoices(bench.connections());
        String customer = editor.open(sub, CancelSignal.NONE).customerId();
        InvoiceSummary paid = invoices.withRefunds(
                invoices.recent(customer).stream().filter(i -> "paid".equals(i.status())).findFirst().orElseThrow());
        assertThat(paid.refunded()).as("nothing refunded yet of a freshly seeded payment").isZero();
        long before = bench.appliedMutations();

        EditOutcome o = editor.refund(paid, 400L, "requested_by_customer", "Goodwill for the outage");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertThat(bench.appliedMutations()).isEqualTo(before + 1);
        assertThat(strings(bench.admin, "SELECT r.form FROM demo_stripe.requests r JOIN ops.subscription_edit e "
                + "ON e.idempotency_key = r.idempotency_key WHERE r.path = '/v1/refunds' AND r.status = 200 AND e.id = " + o.journalId()))
                .containsExactly("amount=400&payment_intent=" + paid.paymentIntentId() + "&reason=requested_by_customer");
        assertThat(strings(bench.admin, "SELECT action || ' ' || (details->'after'->>'refunded') FROM ops.audit_log"))
                .containsExactly("invoice.refund 400");
        assertThat(invoices.withRefunds(paid).refunded()).as("Stripe's refunds of the payment, read back").isEqualTo(400);
        assertThatThrownBy(() -> editor.refund(invoices.withRefunds(paid), paid.amountPaid(), null, "Refund the rest and more"))
                .isInstanceOf(Refused.class).hasMessageContaining("is more than what can still be refunded");
    }

    // ---- conflicts ----

    @Test
    void aWebhookWritingTheRowAfterOpenIsAConflictAndNothingIsSentToStripe() {
        SubscriptionSnapshot seen = editor.open(sub, CancelSignal.NONE);
        exec(bench.admin, "UPDATE subscriptions SET status = 'past_due' WHERE stripe_subscription_id = '" + sub + "'");
        long requests = bench.requests();

        EditOutcome o = editor.apply(seen, new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).isEqualTo(Result.CONFLICT);
        assertThat(o.message()).contains("changed in Postgres").contains("status: active → past_due");
        assertThat(o.fresh().postgres().status()).isEqualTo("past_due");
        assertThat(bench.mutationsSince(requests)).as("nothing sent to Stripe").isZero();
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit")).containsExactly("0");
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.audit_log")).containsExactly("0");
    }

    @Test
    void aChangeMadeInStripeAfterOpenIsAConflictAndTheJournalRowIsRefused() throws StripeException {
        SubscriptionSnapshot seen = editor.open(sub, CancelSignal.NONE);
        bench.access.client().v1().subscriptions().update(sub, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build());
        long requests = bench.requests();

        EditOutcome o = editor.apply(seen, new SubscriptionEdit.PauseCollection("void"), "Dispute");

        assertThat(o.result()).isEqualTo(Result.CONFLICT);
        assertThat(o.message()).contains("changed in Stripe").contains("cancel at period end: false → true");
        assertThat(o.fresh().stripe().cancelAtPeriodEnd()).isTrue();
        assertThat(bench.mutationsSince(requests)).as("nothing sent to Stripe").isZero();
        assertThat(strings(bench.admin, "SELECT state FROM ops.subscription_edit")).containsExactly("refused");
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.audit_log")).containsExactly("0");
        assertThat(editor.open(sub, CancelSignal.NONE).stripe().pauseBehavior()).isNull();
    }

    // ---- bad input: refused before anything is journaled or sent ----

    @Test
    void anUnknownTierIsRefused() {
        assertRefusedUntouched(editor.open(sub, CancelSignal.NONE), new SubscriptionEdit.ChangeTier("gondolier", ProrationBehavior.NONE, 1L),
                "Upgrade", "There is no tier \"gondolier\"");
    }

    @Test
    void aTierWithoutAPriceIsRefused() {
        assertRefusedUntouched(editor.open(sub, CancelSignal.NONE), new SubscriptionEdit.ChangeTier("observer", ProrationBehavior.NONE, 1L),
                "Downgrade", "has no Stripe price id");
    }

    @Test
    void anEmptyReasonIsRefused() {
        assertRefusedUntouched(editor.open(sub, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "  ", "Give a reason");
    }

    @Test
    void aSubscriptionWithoutAStripeIdIsRefused() {
        assertThatThrownBy(() -> editor.open(null, CancelSignal.NONE)).isInstanceOf(Refused.class)
                .hasMessageContaining("no Stripe subscription id");
        SubscriptionSnapshot noId = new SubscriptionSnapshot(null, 1, 1, "x", null, null, null, null, null);
        assertRefusedUntouched(noId, new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away", "no Stripe subscription id");
    }

    @Test
    void aSubscriptionStripeDoesNotKnowIsRefused() {
        exec(bench.admin, "INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status) "
                + "VALUES (1, 'sub_NotInStripe0001', 'citizen', 900, 'active')");
        SubscriptionSnapshot seen = editor.open("sub_NotInStripe0001", CancelSignal.NONE);
        assertThat(seen.inStripe()).isFalse();
        assertRefusedUntouched(seen, new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away", "Stripe has no subscription sub_NotInStripe0001");
    }

    @Test
    void undoingTheCancelOfACanceledSubscriptionIsRefused() {
        EditOutcome canceled = editor.apply(editor.open(sub, CancelSignal.NONE), new SubscriptionEdit.CancelNow(), "Fraud");
        assertThat(canceled.result()).as(canceled.message()).isEqualTo(Result.DONE);
        long journal = journalRows();
        assertRefusedUntouched(editor.open(sub, CancelSignal.NONE), new SubscriptionEdit.UndoCancel(), "Came back", "is canceled", journal);
    }

    @Test
    void aRefundAboveWhatWasPaidIsRefused() {
        CustomerInvoices invoices = new CustomerInvoices(bench.connections());
        InvoiceSummary paid = invoices.recent(editor.open(sub, CancelSignal.NONE).customerId()).stream()
                .filter(i -> "paid".equals(i.status())).findFirst().orElseThrow();
        long requests = bench.requests();

        assertThatThrownBy(() -> editor.refund(paid, paid.amountPaid() + 1, null, "Refund everything and more"))
                .isInstanceOf(Refused.class).hasMessageContaining("is more than what can still be refunded");
        assertThat(bench.requests()).isEqualTo(requests);
        assertThat(journalRows()).isZero();
    }

    @Test
    void aKeyStripeRejectsIsNamedOnlyMaskedAndNothingIsJournaled() {
        String wrong = "sk_test_51WrongKeyThatStripeRejects000000000000Secret";
        StripeAccess bad = new StripeAccess(wrong, bench.stripe.url());
        SubscriptionEditor badEditor = new SubscriptionEditor(StripeWire.connections(bench.db, bad), TIERS, "bad-key");

        assertThatThrownBy(() -> badEditor.open(sub, CancelSignal.NONE)).isInstanceOf(BackendException.class)
                .hasMessageContaining(bad.maskedKey()).hasMessageNotContaining(wrong);

        EditOutcome o = badEditor.apply(editor.open(sub, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");
        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.message()).contains(bad.maskedKey()).doesNotContain(wrong);
        assertThat(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE status = 200 AND method <> 'GET'")).containsExactly("0");
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit WHERE state = 'pending'"))
                .as("nothing left for recovery to send with another key").containsExactly("0");
    }

    private void assertRefusedUntouched(SubscriptionSnapshot seen, SubscriptionEdit edit, String reason, String message) {
        assertRefusedUntouched(seen, edit, reason, message, 0);
    }

    private void assertRefusedUntouched(SubscriptionSnapshot seen, SubscriptionEdit edit, String reason, String message, long journal) {
        long requests = bench.requests();
        assertThatThrownBy(() -> editor.apply(seen, edit, reason)).isInstanceOf(Refused.class).hasMessageContaining(message);
        assertThat(bench.requests()).as("no request to Stripe").isEqualTo(requests);
        assertThat(journalRows()).as("no journal row").isEqualTo(journal);
    }

    private long journalRows() {
        return Long.parseLong(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit").get(0));
    }

    // ---- shared by the saga's tests ----

    /**
     * A fresh database with {@code n} active monthly citizen subscriptions (one user each) and the demo Stripe
     * seeded from them. The demo's seeding makes deliberate drift among the first 8 active monthly subscriptions
     * in md5 order; 8 decoys that sort first take it, so the subscriptions under test start alike on both sides.
     */
    static final class Bench implements AutoCloseable {
        final String url;
        final DataSource admin;
        final Database db;
        final DemoStripe stripe;
        final StripeAccess access;
        final List<String> subscriptions;
        final Clock clock = Clock.systemUTC();

        private Bench(String url, DataSource admin, Database db, DemoStripe stripe, List<String> subscriptions) {
            this.url = url;
            this.admin = admin;
            this.db = db;
            this.stripe = stripe;
            this.access = new StripeAccess(DemoStripe.KEY, stripe.url());
            this.subscriptions = subscriptions;
        }

        static Bench start(String hint, int n) {
            String url = TestServers.freshDatabaseUrl(hint);
            DataSource admin = TestServers.admin(url);
            List<String> subs = new ArrayList<>();
            List<String> sql = new ArrayList<>();
            String period = "date_trunc('second', now() AT TIME ZONE 'UTC') - interval '10 days'";
            for (int i = 1; subs.size() < n; i++) {
                String id = "sub_Saga" + i;
                if (driftRank(id).startsWith("00")) continue;
                int user = subs.size() + 1;
                subs.add(id);
                sql.add("INSERT INTO cascade_users(id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status) "
                        + "VALUES (" + user + ", 'Citizen_" + user + "', 'c" + user + "@example.org', 'cus_Saga" + user + "', 'citizen', 'active')");
                sql.add(subscriptionRow(user, id, period));
            }
            int decoys = 0;
            for (int i = 1; decoys < 8; i++) {
                String id = "sub_Decoy" + i;
                if (!driftRank(id).startsWith("00")) continue;
                decoys++;
                sql.add(subscriptionRow(null, id, period));
            }
            exec(admin, sql.toArray(String[]::new));
            try {
                DemoStripe stripe = DemoStripe.start(admin, TIERS);
                return new Bench(url, admin, TestServers.open(url), stripe, subs);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String subscriptionRow(Integer user, String id, String periodStart) {
            return "INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status, current_period_start, "
                    + "current_period_end, created_at) VALUES (" + user + ", '" + id + "', 'citizen', 900, 'active', " + periodStart
                    + ", " + periodStart + " + interval '1 month', " + periodStart + " - interval '30 days')";
        }

        /** md5('drift/' || id) as the demo's seeding orders by it. */
        private static String driftRank(String id) {
            try {
                byte[] d = MessageDigest.getInstance("MD5").digest(("drift/" + id).getBytes(StandardCharsets.UTF_8));
                return String.format("%032x", new BigInteger(1, d));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        ai.cascade.ops.backend.Connections connections() {
            return StripeWire.connections(db, access);
        }

        SubscriptionEditor editor() {
            return editor(clock, p -> { });
        }

        SubscriptionEditor editor(Clock clock, Consumer<SubscriptionEditor.SagaPoint> checkpoint) {
            return new SubscriptionEditor(connections(), TIERS, "saga-test", clock, checkpoint);
        }

        /** Requests the demo Stripe has logged so far. */
        long requests() {
            return Long.parseLong(strings(admin, "SELECT count(*) FROM demo_stripe.requests").get(0));
        }

        /** Mutations Stripe applied (not replays, not refusals). */
        long appliedMutations() {
            return Long.parseLong(strings(admin, "SELECT count(*) FROM demo_stripe.requests WHERE method IN ('POST', 'DELETE') "
                    + "AND path <> '/v1/invoices/create_preview' AND status = 200 AND NOT replayed").get(0));
        }

        /** Requests other than reads logged after the first {@code seen} requests. */
        long mutationsSince(long seen) {
            return Long.parseLong(strings(admin, "SELECT count(*) FROM (SELECT * FROM demo_stripe.requests ORDER BY id OFFSET " + seen
                    + ") r WHERE method IN ('POST', 'DELETE') AND path <> '/v1/invoices/create_preview'").get(0));
        }

        @Override
        public void close() {
            stripe.close();
            db.close();
        }
    }

    /** User 1, Marco Foscari, on the citizen tier with one active subscription: what the wire fake's fixtures describe. */
    static void insertCitizen(DataSource ds, String customer, String subscription) {
        exec(ds,
                "INSERT INTO cascade_users(id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status) "
                        + "VALUES (1, 'Marco Foscari', 'marco@example.org', '" + customer + "', 'citizen', 'active')",
                "INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status, current_period_start, "
                        + "current_period_end, created_at) VALUES (1, '" + subscription + "', 'citizen', 900, 'active', "
                        + "'2026-01-01 00:00', '2026-02-01 00:00', '2025-01-01 00:00')");
    }

    static void exec(DataSource ds, String... sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row, as text (null as "null"). */
    static List<String> strings(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(String.valueOf(rs.getString(1)));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
