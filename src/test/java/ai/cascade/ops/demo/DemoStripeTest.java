package ai.cascade.ops.demo;

import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.testing.TestServers;
import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceCreatePreviewParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.common.EmptyParam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo's local Stripe, driven by the real stripe-java client against a real Postgres. */
class DemoStripeTest {
    private static final List<Tier> TIERS = Settings.defaultTiers();
    private static DataSource ds;
    private static DemoStripe server;
    private static StripeClient stripe;

    @BeforeAll
    static void seededFromASmallDemo() throws Exception {
        ds = TestServers.admin(TestServers.freshDatabaseUrl("demo_stripe"));
        DemoDataset.generate(ds, 2_000, TIERS, DemoEnvironment.SEED, m -> { }, () -> false);
        server = DemoStripe.start(ds, TIERS);
        stripe = new StripeAccess(DemoStripe.KEY, server.url()).client();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void aSubscriptionReadsAsStripeShowsIt_withThePriceAndThePeriodOnItsItem() throws Exception {
        String id = activeCitizen(0);
        Subscription s = stripe.v1().subscriptions().retrieve(id);
        SubscriptionItem item = s.getItems().getData().get(0);
        assertThat(s.getObject()).isEqualTo("subscription");
        assertThat(s.getLivemode()).isFalse();
        assertThat(s.getStatus()).isEqualTo("active");
        assertThat(s.getCustomer()).isEqualTo(text("SELECT u.stripe_customer_id FROM subscriptions s JOIN cascade_users u ON u.id = s.user_id "
                + "WHERE s.stripe_subscription_id = ?", id));
        assertThat(item.getPrice().getId()).isEqualTo("price_citizen_monthly");
        assertThat(item.getPrice().getUnitAmount()).isEqualTo(900L);
        assertThat(item.getPrice().getRecurring().getInterval()).isEqualTo("month");
        assertThat(item.getCurrentPeriodStart()).isEqualTo(epoch("SELECT current_period_start FROM subscriptions WHERE stripe_subscription_id = ?", id));
        assertThat(item.getCurrentPeriodEnd()).isEqualTo(epoch("SELECT current_period_end FROM subscriptions WHERE stripe_subscription_id = ?", id));
        assertThat(s.getCancelAtPeriodEnd()).isFalse();
        assertThat(s.getPauseCollection()).isNull();
    }

    @Test
    void aPreviewShowsTheProrationOfAPriceChangeAndChangesNothing() throws Exception {
        String id = activeCitizen(1);
        Subscription before = stripe.v1().subscriptions().retrieve(id);
        SubscriptionItem item = before.getItems().getData().get(0);
        long at = (item.getCurrentPeriodStart() + item.getCurrentPeriodEnd()) / 2;
        Invoice preview = stripe.v1().invoices().createPreview(InvoiceCreatePreviewParams.builder()
                .setCustomer(before.getCustomer()).setSubscription(id)
                .setSubscriptionDetails(InvoiceCreatePreviewParams.SubscriptionDetails.builder()
                        .addItem(InvoiceCreatePreviewParams.SubscriptionDetails.Item.builder().setId(item.getId()).setPrice("price_merchant_monthly").build())
                        .setProrationDate(at).build())
                .build());

        List<InvoiceLineItem> lines = preview.getLines().getData();
        assertThat(preview.getId()).startsWith("upcoming_");
        assertThat(lines).hasSize(3);
        long span = item.getCurrentPeriodEnd() - item.getCurrentPeriodStart();
        long remaining = item.getCurrentPeriodEnd() - at;
        assertThat(lines.get(0).getAmount()).isEqualTo(-Math.round(900.0 * remaining / span));
        assertThat(lines.get(0).getParent().getSubscriptionItemDetails().getProration()).isTrue();
        assertThat(lines.get(1).getAmount()).isEqualTo(Math.round(2900.0 * remaining / span));
        assertThat(lines.get(2).getAmount()).as("the next period at the new price").isEqualTo(2900L);
        assertThat(lines.get(2).getDescription()).isEqualTo("1 × merchant (at €29.00 / month)");
        assertThat(lines.get(2).getParent().getSubscriptionItemDetails().getProration()).isFalse();
        assertThat(preview.getTotal()).isEqualTo(lines.stream().mapToLong(InvoiceLineItem::getAmount).sum());
        assertThat(preview.getAmountDue()).isEqualTo(Math.max(0, preview.getTotal()));
        assertThat(preview.getCurrency()).isEqualTo("eur");
        assertThat(preview.getNextPaymentAttempt()).isNotNull();
        assertThat(stripe.v1().subscriptions().retrieve(id).toJson()).as("a preview changes nothing").isEqualTo(before.toJson());
    }

    @Test
    void changingThePriceShowsTheNewPrice_andAlwaysInvoiceBillsTheProrationAtOnce() throws Exception {
        String id = activeCitizen(2);
        String item = stripe.v1().subscriptions().retrieve(id).getItems().getData().get(0).getId();
        Subscription changed = stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(item).setPrice("price_merchant_monthly").build())
                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE).build());

        assertThat(changed.getItems().getData().get(0).getPrice().getId()).isEqualTo("price_merchant_monthly");
        Invoice billed = stripe.v1().invoices().retrieve(changed.getLatestInvoice());
        assertThat(billed.getLines().getData()).hasSize(2).allMatch(l -> l.getParent().getSubscriptionItemDetails().getProration());
        assertThat(billed.getStatus()).isIn("paid", "open");
        assertThat(billed.getParent().getSubscriptionDetails().getSubscription()).isEqualTo(id);

        assertThatThrownBy(() -> stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(item).setPrice("price_nope").build()).build()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getCode()).isEqualTo("resource_missing");
                    assertThat(e.getParam()).isEqualTo("items[0][price]");
                    assertThat(e.getStripeError().getMessage()).isEqualTo("No such price: 'price_nope'");
                });
    }

    @Test
    void cancelAtPeriodEndIsSetAndUndone_andCollectionIsPausedAndResumed() throws Exception {
        String id = activeCitizen(3);
        Subscription ending = stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build());
        assertThat(ending.getCancelAtPeriodEnd()).isTrue();
        assertThat(ending.getCancelAt()).isEqualTo(ending.getItems().getData().get(0).getCurrentPeriodEnd());
        Subscription kept = stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(false).build());
        assertThat(kept.getCancelAtPeriodEnd()).isFalse();
        assertThat(kept.getCancelAt()).isNull();

        Subscription paused = stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder()
                .setPauseCollection(SubscriptionUpdateParams.PauseCollection.builder()
                        .setBehavior(SubscriptionUpdateParams.PauseCollection.Behavior.MARK_UNCOLLECTIBLE).setResumesAt(2_000_000_000L).build()).build());
        assertThat(paused.getPauseCollection().getBehavior()).isEqualTo("mark_uncollectible");
        assertThat(paused.getPauseCollection().getResumesAt()).isEqualTo(2_000_000_000L);
        assertThat(paused.getStatus()).as("the status stays active while collection is paused").isEqualTo("active");
        Subscription resumed = stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder().setPauseCollection(EmptyParam.EMPTY).build());
        assertThat(resumed.getPauseCollection()).isNull();
    }

    @Test
    void aSubscriptionCanceledNowRefusesUpdatesAndASecondCancel() throws Exception {
        String id = activeCitizen(4);
        Subscription canceled = stripe.v1().subscriptions().cancel(id);
        assertThat(canceled.getStatus()).isEqualTo("canceled");
        assertThat(canceled.getCanceledAt()).isNotNull();
        assertThat(canceled.getEndedAt()).isNotNull();
        assertThatThrownBy(() -> stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("A canceled subscription can only update its cancellation_details and metadata.");
        assertThatThrownBy(() -> stripe.v1().subscriptions().cancel(id))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("This subscription is already canceled.");
    }

    @Test
    void listingPagesThroughEverySubscriptionNewestFirst() throws Exception {
        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        StripeCollection<Subscription> page;
        do {
            page = stripe.v1().subscriptions().list(SubscriptionListParams.builder().setStatus(SubscriptionListParams.Status.ALL)
                    .setLimit(100L).setStartingAfter(after).build());
            page.getData().forEach(s -> seen.add(s.getId()));
            after = page.getData().get(page.getData().size() - 1).getId();
            pages++;
        } while (page.getHasMore());
        long seeded = number("SELECT count(*) FROM demo_stripe.objects WHERE object = 'subscription'");
        long inPostgres = number("SELECT count(*) FROM subscriptions WHERE stripe_subscription_id IS NOT NULL");
        assertThat(seen).hasSize((int) seeded);
        assertThat(seeded).as("one missing from Stripe, one only in Stripe").isEqualTo(inPostgres);
        assertThat(pages).isGreaterThan(1);
        List<Subscription> notCanceled = stripe.v1().subscriptions().list(SubscriptionListParams.builder().setLimit(100L).build()).getData();
        assertThat(notCanceled).noneMatch(s -> s.getStatus().equals("canceled"));
        assertThat(notCanceled).isSortedAccordingTo((a, b) -> Long.compare(b.getCreated(), a.getCreated()));
    }

    @Test
    void theSeedCarriesDeliberateDriftFromPostgres() throws Exception {
        String join = "FROM demo_stripe.objects o JOIN subscriptions s ON s.stripe_subscription_id = o.id WHERE o.object = 'subscription' AND ";
        assertThat(number("SELECT count(*) " + join + "s.status = 'active' AND o.body->>'status' <> 'active'")).isGreaterThanOrEqualTo(3);
        assertThat(number("SELECT count(*) " + join + "o.body->'items'->'data'->0->'price'->>'nickname' <> s.tier AND s.tier <> 'legacy_gold'"))
                .isGreaterThanOrEqualTo(2);
        assertThat(number("SELECT count(*) FROM subscriptions s WHERE stripe_subscription_id IS NOT NULL AND NOT EXISTS "
                + "(SELECT 1 FROM demo_stripe.objects o WHERE o.id = s.stripe_subscription_id)")).isEqualTo(1);
        assertThat(number("SELECT count(*) FROM demo_stripe.objects o WHERE o.object = 'subscription' AND NOT EXISTS "
                + "(SELECT 1 FROM subscriptions s WHERE s.stripe_subscription_id = o.id)")).isEqualTo(1);
    }

    @Test
    void payingAnOpenInvoiceDeclinesForADecliningCardAndOtherwiseReactivatesTheSubscription() throws Exception {
        String declining = text("SELECT i.id FROM demo_stripe.objects i JOIN demo_stripe.objects c ON c.id = i.customer AND c.object = 'customer' "
                + "WHERE i.object = 'invoice' AND i.body->>'status' = 'open' AND c.demo_state->>'declines' = 'true' ORDER BY i.id LIMIT 1");
        long attempts = stripe.v1().invoices().retrieve(declining).getAttemptCount();
        assertThatThrownBy(() -> stripe.v1().invoices().pay(declining))
                .isInstanceOfSatisfying(CardException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(402);
                    assertThat(e.getCode()).isEqualTo("card_declined");
                    assertThat(e.getDeclineCode()).isEqualTo("insufficient_funds");
                });
        assertThat(stripe.v1().invoices().retrieve(declining).getAttemptCount()).isEqualTo(attempts + 1);

        String paying = text("SELECT i.id FROM demo_stripe.objects i JOIN demo_stripe.objects c ON c.id = i.customer AND c.object = 'customer' "
                + "WHERE i.object = 'invoice' AND i.body->>'status' = 'open' AND c.demo_state->>'declines' IS NULL ORDER BY i.id LIMIT 1");
        Invoice paid = stripe.v1().invoices().pay(paying);
        assertThat(paid.getStatus()).isEqualTo("paid");
        assertThat(paid.getAmountRemaining()).isZero();
        assertThat(paid.getStatusTransitions().getPaidAt()).isNotNull();
        assertThat(stripe.v1().subscriptions().retrieve(paid.getParent().getSubscriptionDetails().getSubscription()).getStatus()).isEqualTo("active");
        assertThatThrownBy(() -> stripe.v1().invoices().pay(paying)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("Invoice is already paid.");
    }

    @Test
    void aPaymentIsRefundedInPartThenRefusesMoreThanIsLeft() throws Exception {
        String customer = text("SELECT customer FROM demo_stripe.objects WHERE object = 'invoice' AND body->>'status' = 'paid' ORDER BY id LIMIT 1");
        Invoice invoice = stripe.v1().invoices().list(InvoiceListParams.builder().setCustomer(customer).setStatus(InvoiceListParams.Status.PAID)
                .addExpand("data.payments").build()).getData().get(0);
        String pi = invoice.getPayments().getData().get(0).getPayment().getPaymentIntent();
        PaymentIntent intent = stripe.v1().paymentIntents().retrieve(pi);
        assertThat(intent.getStatus()).isEqualTo("succeeded");
        assertThat(intent.getAmountReceived()).isEqualTo(invoice.getAmountPaid());

        Refund refund = stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(pi).setAmount(100L)
                .setReason(RefundCreateParams.Reason.REQUESTED_BY_CUSTOMER).build());
        assertThat(refund.getId()).startsWith("re_");
        assertThat(refund.getAmount()).isEqualTo(100L);
        assertThat(refund.getStatus()).isEqualTo("succeeded");
        assertThat(stripe.v1().refunds().list(RefundListParams.builder().setPaymentIntent(pi).build()).getData())
                .extracting(Refund::getId).containsExactly(refund.getId());
        assertThatThrownBy(() -> stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(pi).setAmount(intent.getAmountReceived()).build()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getCode()).isEqualTo("amount_too_large");
                    assertThat(e.getStripeError().getMessage()).startsWith("Refund amount (€").contains("is greater than unrefunded amount on charge");
                });
    }

    @Test
    void aCustomerAndTheDeclineOfItsLastPaymentRead() throws Exception {
        String customerId = text("SELECT id FROM demo_stripe.objects WHERE object = 'customer' ORDER BY id LIMIT 1");
        Customer customer = stripe.v1().customers().retrieve(customerId);
        assertThat(customer.getId()).isEqualTo(customerId);
        assertThat(customer.getLivemode()).isFalse();
        assertThatThrownBy(() -> stripe.v1().customers().retrieve("cus_nope"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getCode()).isEqualTo("resource_missing");
                    assertThat(e.getStripeError().getMessage()).isEqualTo("No such customer: 'cus_nope'");
                });

        String declined = text("SELECT i.demo_state->>'payment_intent' FROM demo_stripe.objects i JOIN demo_stripe.objects c ON c.id = i.customer "
                + "WHERE i.object = 'invoice' AND i.body->>'status' = 'open' AND c.demo_state->>'declines' = 'true' ORDER BY i.id DESC LIMIT 1");
        PaymentIntent pi = stripe.v1().paymentIntents().retrieve(declined);
        assertThat(pi.getStatus()).isEqualTo("requires_payment_method");
        assertThat(pi.getLastPaymentError().getCode()).isEqualTo("card_declined");
        assertThat(pi.getLastPaymentError().getDeclineCode()).isEqualTo("insufficient_funds");
        assertThat(pi.getLastPaymentError().getMessage()).isEqualTo("Your card has insufficient funds.");
        assertThat(new StripeAccess(DemoStripe.KEY, server.url()).probe()).as("the console's health probe").isNull();
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheSameAndAppliesOnce_evenConcurrently() throws Exception {
        String id = activeCitizen(5);
        SubscriptionUpdateParams cancelAtEnd = SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build();
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("demo-test-key-1").build();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) answers.add(pool.submit(() -> stripe.v1().subscriptions().update(id, cancelAtEnd, key).toJson()));
        Set<String> distinct = new HashSet<>();
        for (Future<String> a : answers) distinct.add(a.get());
        pool.shutdown();
        assertThat(distinct).hasSize(1);
        assertThat(number("SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = 'demo-test-key-1' AND NOT replayed AND status = 200")).isEqualTo(1);
        assertThat(number("SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = 'demo-test-key-1' AND replayed")).isEqualTo(5);

        assertThatThrownBy(() -> stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(false).build(), key))
                .isInstanceOf(IdempotencyException.class).hasMessageContaining("demo-test-key-1");

        execute("UPDATE demo_stripe.idempotency SET created_at = now() - interval '25 hours' WHERE key = 'demo-test-key-1'");
        assertThat(stripe.v1().subscriptions().update(id, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(false).build(), key)
                .getCancelAtPeriodEnd()).as("a key older than 24 hours is forgotten").isFalse();
    }

    @Test
    void anyOtherKeyIsRefused() {
        StripeClient wrong = new StripeAccess("sk_test_not_the_demo_key_1234", server.url()).client();
        assertThatThrownBy(() -> wrong.v1().subscriptions().retrieve("sub_x")).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void theStateSurvivesARestartOnTheSameDatabase() throws Exception {
        String id = activeCitizen(6);
        try (DemoStripe first = DemoStripe.start(ds, TIERS)) {
            new StripeAccess(DemoStripe.KEY, first.url()).client().v1().subscriptions()
                    .update(id, SubscriptionUpdateParams.builder().putMetadata("restart", "kept").build());
        }
        try (DemoStripe second = DemoStripe.start(ds, TIERS)) {
            Subscription s = new StripeAccess(DemoStripe.KEY, second.url()).client().v1().subscriptions().retrieve(id);
            assertThat(s.getMetadata()).containsEntry("restart", "kept");
        }
    }

    @Test
    void unknownParametersAndUrlsAnswerInStripesErrorShape() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknownParam = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/subscriptions/" + activeCitizen(7)))
                .header("Authorization", "Bearer " + DemoStripe.KEY).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("colour=blue")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknownParam.statusCode()).isEqualTo(400);
        assertThat(unknownParam.body()).contains("\"message\":\"Received unknown parameter: colour\"", "\"param\":\"colour\"");
        assertThat(unknownParam.headers().firstValue("Request-Id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));

        HttpResponse<String> unknownUrl = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/charges"))
                .header("Authorization", "Bearer " + DemoStripe.KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknownUrl.statusCode()).isEqualTo(404);
        assertThat(unknownUrl.body()).contains("Unrecognized request URL (GET: /v1/charges).", "\"type\":\"invalid_request_error\"");
        assertThat(unknownUrl.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void theDemoServesItsOwnStripe_andAResetSeedsItAnew(@TempDir Path folder) throws Exception {
        try (DemoEnvironment demo = DemoEnvironment.start(folder, 1_000, TIERS, m -> { })) {
            StripeClient local = new StripeAccess(DemoStripe.KEY, demo.stripeUrl()).client();
            Subscription any = local.v1().subscriptions().list(SubscriptionListParams.builder()
                    .setStatus(SubscriptionListParams.Status.ACTIVE).setLimit(1L).build()).getData().get(0);
            local.v1().subscriptions().cancel(any.getId());
            demo.reset(1_000, TIERS, m -> { });
            assertThat(local.v1().subscriptions().retrieve(any.getId()).getStatus()).as("seeded anew from the same seed").isEqualTo("active");
        }
    }

    @Test
    void seedingTheDefault50kUserDemoTakesSeconds() throws Exception {
        DataSource big = TestServers.admin(TestServers.freshDatabaseUrl("demo_stripe_50k"));
        DemoDataset.generate(big, 50_000, TIERS, DemoEnvironment.SEED, m -> { }, () -> false);
        long started = System.nanoTime();
        DemoStripe.reseed(big, TIERS);
        long ms = (System.nanoTime() - started) / 1_000_000;
        long objects;
        try (Connection c = big.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM demo_stripe.objects")) {
            rs.next();
            objects = rs.getLong(1);
        }
        System.out.printf("Seeding the demo Stripe from 50,000 users: %,d objects in %,d ms%n", objects, ms);
        assertThat(objects).isPositive();
    }

    /** An active, undrifted, unpaused citizen subscription; each test takes its own {@code n}, so none depends on another. */
    private static String activeCitizen(int n) throws SQLException {
        return text("SELECT o.id FROM demo_stripe.objects o JOIN subscriptions s ON s.stripe_subscription_id = o.id "
                + "WHERE o.object = 'subscription' AND s.status = 'active' AND o.body->>'status' = 'active' "
                + "AND NOT (o.body->>'cancel_at_period_end')::boolean AND o.body->'items'->'data'->0->'price'->>'id' = 'price_citizen_monthly' "
                + "ORDER BY o.id OFFSET " + n + " LIMIT 1");
    }

    private static String text(String sql, Object... args) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for: " + sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private static long number(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private static long epoch(String sql, String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, LocalDateTime.class).toEpochSecond(ZoneOffset.UTC);
            }
        }
    }
}
