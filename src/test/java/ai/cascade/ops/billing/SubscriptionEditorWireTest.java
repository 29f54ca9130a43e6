package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.billing.SubscriptionEdit.ProrationBehavior;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.InvoiceCollection;
import com.stripe.model.RefundCollection;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.billing.StripeWire.CUSTOMER;
import static ai.cascade.ops.billing.StripeWire.ITEM;
import static ai.cascade.ops.billing.StripeWire.PRORATION_DATE;
import static ai.cascade.ops.billing.StripeWire.SUBSCRIPTION;
import static ai.cascade.ops.billing.StripeWire.body;
import static ai.cascade.ops.billing.StripeWire.key;
import static ai.cascade.ops.billing.SubscriptionEditorTest.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every edit as it goes over the wire: the real stripe-java client against a local server answering with Stripe's
 * JSON, Postgres real. Each mutation is checked byte for byte against its journal row, including the idempotency key.
 */
class SubscriptionEditorWireTest {
    private static final String SUB_PATH = "/v1/subscriptions/" + SUBSCRIPTION;

    private StripeWire wire;
    private Database db;
    private DataSource admin;
    private SubscriptionEditor editor;
    private CustomerInvoices invoices;

    @BeforeEach
    void start() {
        String url = TestServers.freshDatabaseUrl("saga_wire");
        admin = TestServers.admin(url);
        SubscriptionEditorTest.insertCitizen(admin, CUSTOMER, SUBSCRIPTION);
        db = TestServers.open(url);
        wire = new StripeWire();
        Clock clock = Clock.fixed(Instant.ofEpochSecond(PRORATION_DATE), ZoneOffset.UTC);
        editor = new SubscriptionEditor(wire.connections(db), Settings.defaultTiers(), "wire-test", clock, p -> { });
        invoices = new CustomerInvoices(wire.connections(db));
    }

    @AfterEach
    void stop() {
        wire.close();
        db.close();
    }

    // ---- the canned answers are what stripe-java reads ----

    @Test
    void theCannedSubscriptionsCarryThePriceAndThePeriodOnTheirItem() {
        Subscription s = wire.parsed("subscription-citizen.json");
        SubscriptionItem item = s.getItems().getData().get(0);
        assertThat(s.getId()).isEqualTo(SUBSCRIPTION);
        assertThat(s.getStatus()).isEqualTo("active");
        assertThat(s.getCancelAtPeriodEnd()).isFalse();
        assertThat(s.getPauseCollection()).isNull();
        assertThat(item.getId()).isEqualTo(ITEM);
        assertThat(item.getPrice().getId()).isEqualTo("price_citizen_monthly");
        assertThat(item.getPrice().getUnitAmount()).isEqualTo(900L);
        assertThat(item.getPrice().getRecurring().getInterval()).isEqualTo("month");
        assertThat(item.getCurrentPeriodStart()).isEqualTo(1767225600L);
        assertThat(item.getCurrentPeriodEnd()).isEqualTo(1769904000L);
        Subscription merchant = wire.parsed("subscription-merchant.json");
        assertThat(merchant.getItems().getData().get(0).getPrice().getUnitAmount()).isEqualTo(2900L);
        assertThat(wire.<Subscription>parsed("subscription-cancel-at-period-end.json").getCancelAtPeriodEnd()).isTrue();
        assertThat(wire.<Subscription>parsed("subscription-canceled.json").getStatus()).isEqualTo("canceled");
        assertThat(wire.<Subscription>parsed("subscription-paused.json").getPauseCollection().getBehavior()).isEqualTo("keep_as_draft");
    }

    @Test
    void theCannedInvoicesRefundsAndPaymentCarryWhatTheEditorReads() {
        Invoice preview = wire.parsed("invoice-preview-proration.json");
        assertThat(preview.getLines().getData()).extracting(l -> l.getParent().getSubscriptionItemDetails().getProration())
                .containsExactly(true, true, false);
        assertThat(preview.getLines().getData()).extracting(InvoiceLineItem::getAmount).containsExactly(-494L, 1590L, 2900L);
        assertThat(preview.getAmountDue()).isEqualTo(3996L);

        InvoiceCollection list = StripeWire.list("invoices-list-with-payments.json", InvoiceCollection.class);
        assertThat(list.getData()).extracting(Invoice::getStatus).containsExactly("open", "paid");
        assertThat(list.getData().get(1).getPayments().getData().get(0).getPayment().getPaymentIntent()).isEqualTo("pi_WirePaid0001");
        assertThat(list.getData().get(0).getParent().getSubscriptionDetails().getSubscription()).isEqualTo(SUBSCRIPTION);

        Invoice paid = wire.parsed("invoice-paid.json");
        assertThat(paid.getStatus()).isEqualTo("paid");
        assertThat(paid.getAmountPaid()).isEqualTo(900L);

        assertThat(StripeWire.list("refunds-list-empty.json", RefundCollection.class).getData()).isEmpty();
        assertThat(wire.<Refund>parsed("refund-full.json").getAmount()).isEqualTo(900L);
        assertThat(wire.<Refund>parsed("refund-partial.json").getAmount()).isEqualTo(300L);
        PaymentIntent declined = wire.parsed("payment-intent-declined.json");
        assertThat(declined.getLastPaymentError().getCode()).isEqualTo("card_declined");
        assertThat(declined.getLastPaymentError().getDeclineCode()).isEqualTo("insufficient_funds");
    }

    // ---- every edit kind on the wire ----

    @Test
    void aTierChangeSendsThePreviewsProrationDateAndIsMirroredAndAudited() {
        wire.answer("subscription-citizen.json").answer("invoice-preview-proration.json");
        SubscriptionSnapshot seen = editor.open(SUBSCRIPTION, CancelSignal.NONE);
        ProrationPreview preview = editor.preview(seen, "merchant", ProrationBehavior.CREATE_PRORATIONS);

        assertThat(preview.prorationDate()).isEqualTo(PRORATION_DATE);
        assertThat(preview.prorationAmount()).isEqualTo(-494 + 1590);
        assertThat(preview.lines()).extracting(ProrationPreview.Line::proration).containsExactly(true, true, false);
        List<RecordedRequest> reads = wire.requests();
        assertThat(reads).hasSize(2);
        assertThat(reads.get(1).getMethod()).isEqualTo("POST");
        assertThat(reads.get(1).getUrl().encodedPath()).isEqualTo("/v1/invoices/create_preview");
        assertThat(body(reads.get(1))).isEqualTo("customer=" + CUSTOMER + "&subscription=" + SUBSCRIPTION
                + "&subscription_details[items][0][id]=" + ITEM + "&subscription_details[items][0][price]=price_merchant_monthly"
                + "&subscription_details[proration_behavior]=create_prorations&subscription_details[proration_date]=" + PRORATION_DATE);

        wire.answer("subscription-citizen.json").answer("subscription-merchant.json");
        EditOutcome o = editor.apply(seen, preview.edit(), "Customer asked to upgrade (ticket 4711)");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        RecordedRequest sent = onlyMutation();
        assertSentAsJournaled(sent, o.journalId(), "POST", SUB_PATH, "items[0][id]=" + ITEM + "&items[0][price]=price_merchant_monthly"
                + "&proration_behavior=create_prorations&proration_date=" + PRORATION_DATE);
        assertThat(strings(admin, "SELECT tier || ' ' || amount || ' ' || status FROM subscriptions")).containsExactly("merchant 2900 active");
        assertThat(strings(admin, "SELECT subscription_tier || ' ' || subscription_status FROM cascade_users")).containsExactly("merchant active");
        assertThat(strings(admin, "SELECT stripe_price_id FROM ops.subscription_state")).containsExactly("price_merchant_monthly");
        assertDoneWithOneAudit(o, "subscription.change_tier");
        assertThat(strings(admin, "SELECT details->'before'->>'tier' || ' -> ' || (details->'after'->>'tier') FROM ops.audit_log"))
                .containsExactly("citizen -> merchant");
    }

    @Test
    void cancellingAtPeriodEndSendsThatOneParameter() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer("subscription-cancel-at-period-end.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "POST", SUB_PATH, "cancel_at_period_end=true");
        assertThat(strings(admin, "SELECT cancel_at_period_end FROM ops.subscription_state")).containsExactly("t");
        assertDoneWithOneAudit(o, "subscription.cancel_at_period_end");
    }

    @Test
    void undoingAPendingCancelSendsCancelAtPeriodEndFalse() {
        wire.answer("subscription-cancel-at-period-end.json").answer("subscription-cancel-at-period-end.json").answer("subscription-citizen.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.UndoCancel(), "Changed their mind");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "POST", SUB_PATH, "cancel_at_period_end=false");
        assertThat(strings(admin, "SELECT cancel_at_period_end FROM ops.subscription_state")).containsExactly("f");
        assertDoneWithOneAudit(o, "subscription.undo_cancel");
    }

    @Test
    void cancellingNowIsADeleteAndPutsTheUserBackOnTheFreeTier() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer("subscription-canceled.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelNow(), "Fraud confirmed");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "DELETE", SUB_PATH, "");
        assertThat(strings(admin, "SELECT status FROM subscriptions")).containsExactly("canceled");
        assertThat(strings(admin, "SELECT subscription_tier || ' ' || subscription_status FROM cascade_users")).containsExactly("observer canceled");
        assertDoneWithOneAudit(o, "subscription.cancel_now");
    }

    @Test
    void pausingCollectionSendsTheBehaviourAndKeepsTheStatusActive() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer("subscription-paused.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.PauseCollection("keep_as_draft"), "Hardship");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "POST", SUB_PATH, "pause_collection[behavior]=keep_as_draft");
        assertThat(strings(admin, "SELECT pause_behavior FROM ops.subscription_state")).containsExactly("keep_as_draft");
        assertThat(strings(admin, "SELECT status FROM subscriptions")).containsExactly("active");
        assertDoneWithOneAudit(o, "subscription.pause_collection");
    }

    @Test
    void resumingCollectionSendsAnEmptyPauseCollection() {
        wire.answer("subscription-paused.json").answer("subscription-paused.json").answer("subscription-citizen.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.ResumeCollection(), "Hardship over");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "POST", SUB_PATH, "pause_collection=");
        assertThat(strings(admin, "SELECT coalesce(pause_behavior, 'none') FROM ops.subscription_state")).containsExactly("none");
        assertDoneWithOneAudit(o, "subscription.resume_collection");
    }

    @Test
    void retryingAPaymentPaysTheOpenInvoiceAndMirrorsItsSubscription() {
        InvoiceSummary open = openInvoice();
        assertThat(open.lastFailure()).isEqualTo("Your card has insufficient funds. (insufficient_funds)");

        wire.answer("invoice-paid.json").answer("subscription-citizen.json");
        EditOutcome o = editor.retryPayment(open, "Customer updated their card");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        List<RecordedRequest> sent = wire.requests();
        assertSentAsJournaled(sent.get(0), o.journalId(), "POST", "/v1/invoices/in_WireOpen0001/pay", "");
        assertThat(sent.get(1).getUrl().encodedPath()).isEqualTo(SUB_PATH);
        assertDoneWithOneAudit(o, "invoice.retry_payment");
        assertThat(strings(admin, "SELECT details->'after'->>'status' FROM ops.audit_log")).containsExactly("paid");
    }

    @Test
    void refundingAllThatRemainsSendsNoAmount() {
        InvoiceSummary paid = paidInvoiceWithRefunds();
        wire.answer("refund-full.json");
        EditOutcome o = editor.refund(paid, null, "requested_by_customer", "Charged twice");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "POST", "/v1/refunds", "payment_intent=pi_WirePaid0001&reason=requested_by_customer");
        assertDoneWithOneAudit(o, "invoice.refund");
        assertThat(strings(admin, "SELECT details->'after'->>'refunded' FROM ops.audit_log")).containsExactly("900");
    }

    @Test
    void aPartialRefundSendsItsAmountInMinorUnits() {
        InvoiceSummary paid = paidInvoiceWithRefunds();
        wire.answer("refund-partial.json");
        EditOutcome o = editor.refund(paid, 300L, "requested_by_customer", "Goodwill for the outage");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "POST", "/v1/refunds",
                "payment_intent=pi_WirePaid0001&amount=300&reason=requested_by_customer");
        assertThat(strings(admin, "SELECT details->'after'->>'refunded' FROM ops.audit_log")).containsExactly("300");
    }

    // ---- Stripe's refusals: FAILED, nothing changed, nothing audited ----

    @Test
    void aDeclinedCardFailsTheRetryWithStripesMessageAndNoAudit() {
        InvoiceSummary open = openInvoice();
        wire.answer(402, "error-402-card-declined.json");
        EditOutcome o = editor.retryPayment(open, "Customer says the card is fine now");

        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.message()).contains("Your card has insufficient funds.");
        assertThat(onlyMutation().getUrl().encodedPath()).isEqualTo("/v1/invoices/in_WireOpen0001/pay");
        assertFailedWithoutAudit(o);
    }

    @Test
    void anInvalidRequestFailsWithStripesMessage() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer(400, "error-400-invalid-request.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.message()).contains("You passed an empty string for 'items[0][price]'");
        assertFailedWithoutAudit(o);
    }

    @Test
    void anIdempotencyErrorFails() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer(400, "error-400-idempotency.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.message()).contains("Keys for idempotent requests can only be used with the same parameters");
        assertFailedWithoutAudit(o);
    }

    @Test
    void aRestrictedKeyFailsWithAMessageNamingItMaskedAndNoStackTrace() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer(403, "error-403-restricted-key.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.message()).contains("restricted key").contains(wire.access().maskedKey())
                .doesNotContain(StripeWire.KEY).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("com.stripe");
        assertFailedWithoutAudit(o);
    }

    @Test
    void aKeyRevokedBeforeTheMutationFailsNamingTheKeyOnlyMasked() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer(401, "error-401-invalid-api-key.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.message()).contains("rejected the API key " + wire.access().maskedKey()).doesNotContain(StripeWire.KEY);
        assertFailedWithoutAudit(o);
    }

    @Test
    void rateLimitingFailsAndSaysSo() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answer(429, "error-429-rate-limit.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.message()).contains("rate-limiting");
        assertFailedWithoutAudit(o);
    }

    @Test
    void aSubscriptionStripeAnswers404ForIsOpenedWithoutItsStripeSideAndItsEditIsRefusedUnsent() {
        wire.answer(404, "error-404-no-such-subscription.json");
        SubscriptionSnapshot seen = editor.open(SUBSCRIPTION, CancelSignal.NONE);
        assertThat(seen.inPostgres()).isTrue();
        assertThat(seen.inStripe()).isFalse();

        assertThatThrownBy(() -> editor.apply(seen, new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away"))
                .isInstanceOf(Refused.class).hasMessageContaining("Stripe has no subscription " + SUBSCRIPTION);
        assertThat(wire.requests()).as("only the read of open()").hasSize(1);
        assertThat(strings(admin, "SELECT count(*) FROM ops.subscription_edit")).containsExactly("0");
    }

    // ---- unknown answers: IN_FLIGHT, then recovery with the same key ----

    @Test
    void aServerErrorAfterStripeJavasRetriesLeavesTheEditInFlightAndRecoveryFinishesItWithTheSameKey() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answerTimes(3, 500, "error-500-api-error.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.IN_FLIGHT);
        assertInFlightThenRecovered(o, 3);
    }

    @Test
    void aConflictAnswerAfterStripeJavasRetriesLeavesTheEditInFlightAndRecoveryFinishesIt() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").answerTimes(3, 409, "error-409-conflict.json");
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.IN_FLIGHT);
        assertInFlightThenRecovered(o, 3);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aReadTimeoutLeavesTheEditInFlightAndRecoveryFinishesItWithTheSameKey() {
        wire.answer("subscription-citizen.json").answer("subscription-citizen.json").stall(3);
        EditOutcome o = editor.apply(editor.open(SUBSCRIPTION, CancelSignal.NONE), new SubscriptionEdit.CancelAtPeriodEnd(), "Moving away");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.IN_FLIGHT);
        assertInFlightThenRecovered(o, 3);
    }

    // ---- helpers ----

    private void assertInFlightThenRecovered(EditOutcome o, int attemptsOnTheWire) {
        List<RecordedRequest> tries = wire.mutations();
        assertThat(tries).hasSize(attemptsOnTheWire);
        String key = journalKey(o.journalId());
        assertThat(tries).allSatisfy(r -> assertThat(key(r)).isEqualTo(key));
        assertThat(strings(admin, "SELECT state || ' ' || attempts FROM ops.subscription_edit WHERE id = " + o.journalId()))
                .containsExactly("pending 1");
        assertThat(auditsOf(o.journalId())).isZero();

        wire.answer("subscription-cancel-at-period-end.json");
        EditRecovery.Report report = editor.recovery().finishAll(CancelSignal.NONE);

        assertThat(report.done()).as(report.messages().toString()).isEqualTo(1);
        assertSentAsJournaled(onlyMutation(), o.journalId(), "POST", SUB_PATH, "cancel_at_period_end=true");
        assertThat(strings(admin, "SELECT state || ' ' || attempts FROM ops.subscription_edit WHERE id = " + o.journalId()))
                .containsExactly("done 2");
        assertThat(auditsOf(o.journalId())).isEqualTo(1);
        assertThat(strings(admin, "SELECT cancel_at_period_end FROM ops.subscription_state")).containsExactly("t");
    }

    private InvoiceSummary openInvoice() {
        wire.answer("invoices-list-with-payments.json").answer("payment-intent-declined.json");
        List<InvoiceSummary> list = invoices.recent(CUSTOMER);
        List<RecordedRequest> reads = wire.requests();
        assertThat(reads.get(0).getUrl().queryParameter("expand[]")).isEqualTo("data.payments");
        assertThat(reads.get(1).getUrl().encodedPath()).isEqualTo("/v1/payment_intents/pi_WireOpen0001");
        return list.stream().filter(i -> "open".equals(i.status())).findFirst().orElseThrow();
    }

    private InvoiceSummary paidInvoiceWithRefunds() {
        wire.answer("invoices-list-with-payments.json").answer("payment-intent-declined.json").answer("refunds-list-empty.json");
        InvoiceSummary paid = invoices.recent(CUSTOMER).stream().filter(i -> "paid".equals(i.status())).findFirst().orElseThrow();
        InvoiceSummary withRefunds = invoices.withRefunds(paid);
        assertThat(withRefunds.refundable()).isEqualTo(900);
        wire.requests();
        return withRefunds;
    }

    private RecordedRequest onlyMutation() {
        List<RecordedRequest> m = wire.mutations();
        assertThat(m).as("requests that change something").hasSize(1);
        return m.get(0);
    }

    private void assertSentAsJournaled(RecordedRequest sent, long journalId, String method, String path, String form) {
        assertThat(sent.getMethod()).isEqualTo(method);
        assertThat(sent.getUrl().encodedPath()).isEqualTo(path);
        assertThat(body(sent)).isEqualTo(form);
        assertThat(key(sent)).as("Idempotency-Key").isEqualTo(journalKey(journalId)).startsWith("cascade-ops-");
        assertThat(strings(admin, "SELECT method || ' ' || path || ' ' || form FROM ops.subscription_edit WHERE id = " + journalId))
                .containsExactly((method + " " + path + " " + form));
    }

    private String journalKey(long journalId) {
        return strings(admin, "SELECT idempotency_key FROM ops.subscription_edit WHERE id = " + journalId).get(0);
    }

    private long auditsOf(long journalId) {
        return Long.parseLong(strings(admin, "SELECT count(*) FROM ops.audit_log WHERE details->>'journal' = '" + journalId + "'").get(0));
    }

    private void assertDoneWithOneAudit(EditOutcome o, String action) {
        assertThat(strings(admin, "SELECT state FROM ops.subscription_edit WHERE id = " + o.journalId())).containsExactly("done");
        assertThat(strings(admin, "SELECT action FROM ops.audit_log WHERE details->>'journal' = '" + o.journalId() + "'"))
                .containsExactly(action);
        assertThat(strings(admin, "SELECT id FROM ops.audit_log")).containsExactly(Long.toString(o.auditId()));
    }

    private void assertFailedWithoutAudit(EditOutcome o) {
        assertThat(strings(admin, "SELECT state FROM ops.subscription_edit WHERE id = " + o.journalId())).containsExactly("failed");
        assertThat(strings(admin, "SELECT count(*) FROM ops.audit_log")).containsExactly("0");
        assertThat(strings(admin, "SELECT tier || ' ' || status FROM subscriptions")).containsExactly("citizen active");
    }
}
