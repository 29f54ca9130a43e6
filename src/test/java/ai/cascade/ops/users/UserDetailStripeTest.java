package ai.cascade.ops.users;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.users.UserDetailFixtures.TestConnections;
import ai.cascade.ops.users.UserDetails.StripeCustomer;
import ai.cascade.ops.users.UserDetails.StripeSubscription;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.users.UserDetailFixtures.CUSTOMER;
import static ai.cascade.ops.users.UserDetailFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Stripe part of a user's detail, against a local server answering with Stripe's JSON (stripe-java does the talking). */
class UserDetailStripeTest {
    private static final String KEY = "sk_test_51HxExampleKeyForTests00000000009876";

    private MockWebServer server;
    private UserDetails details;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        String base = server.url("/").toString();
        StripeAccess stripe = new StripeAccess(KEY, base.substring(0, base.length() - 1));
        details = new UserDetails(new TestConnections(null, null, stripe, null), "test-profile");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void answer(int code, String fixture) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .setHeader("Request-Id", "req_test" + code).body(fixture(fixture)).build());
    }

    @Test
    void theCustomerAndTheirSubscriptionsOfAnyStatusAreReadAsStripeSeesThem() throws InterruptedException {
        answer(200, "stripe/customer-foscari.json");
        answer(200, "stripe/subscriptions-list-foscari.json");

        StripeCustomer c = details.stripe(CUSTOMER, CancelSignal.NONE);

        assertThat(c.id()).isEqualTo(CUSTOMER);
        assertThat(c.deleted()).isFalse();
        assertThat(c.email()).isEqualTo("marco.foscari@example.com");
        assertThat(c.name()).isEqualTo("Marco Foscari");
        assertThat(c.created()).isEqualTo(Instant.ofEpochSecond(1735689600));
        assertThat(c.delinquent()).isTrue();
        assertThat(c.currency()).isEqualTo("eur");
        assertThat(c.balance()).isEqualTo(-500);
        assertThat(c.moreSubscriptions()).isTrue();
        assertThat(c.subscriptions()).extracting(StripeSubscription::status).containsExactly("active", "canceled");

        RecordedRequest customer = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(customer.getMethod()).isEqualTo("GET");
        assertThat(customer.getUrl().encodedPath()).isEqualTo("/v1/customers/" + CUSTOMER);
        assertThat(customer.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        HttpUrl list = server.takeRequest(5, TimeUnit.SECONDS).getUrl();
        assertThat(list.encodedPath()).isEqualTo("/v1/subscriptions");
        assertThat(list.queryParameter("customer")).isEqualTo(CUSTOMER);
        assertThat(list.queryParameter("status")).isEqualTo("all");
        assertThat(list.queryParameter("limit")).isEqualTo("10");
    }

    @Test
    void theBillingPeriodPriceAndAmountComeFromTheSubscriptionsItem() {
        answer(200, "stripe/customer-foscari.json");
        answer(200, "stripe/subscriptions-list-foscari.json");

        StripeCustomer c = details.stripe(CUSTOMER, CancelSignal.NONE);

        StripeSubscription s = c.subscriptions().get(0);

        assertThat(s.id()).isEqualTo("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw");
        assertThat(s.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(1769904000));
        assertThat(s.cancelAtPeriodEnd()).isTrue();
        assertThat(s.pauseBehavior()).isEqualTo("mark_uncollectible");
        assertThat(s.priceId()).isEqualTo("price_1PgafmB7WZ01zgkWMaestro");
        assertThat(s.amount()).as("unit amount 1500 × quantity 2").isEqualTo(3000);
        assertThat(s.currency()).isEqualTo("eur");
        assertThat(s.interval()).isEqualTo("month");
        StripeSubscription old = c.subscriptions().get(1);
        assertThat(old.pauseBehavior()).isNull();
        assertThat(old.cancelAtPeriodEnd()).isFalse();
    }

    @Test
    void aDeletedCustomerIsShownAsDeletedWithoutListingSubscriptions() {
        answer(200, "stripe/customer-deleted.json");

        StripeCustomer c = details.stripe(CUSTOMER, CancelSignal.NONE);

        assertThat(c.deleted()).isTrue();
        assertThat(c.subscriptions()).isEmpty();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aCustomerStripeDoesNotKnowIsExplainedAsAStaleIdOrTheWrongAccount() {
        answer(404, "stripe/error-404-no-such-customer.json");

        assertThatThrownBy(() -> details.stripe("cus_Missing000000", CancelSignal.NONE))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Stripe has no customer \"cus_Missing000000\"").hasMessageContaining("stale");
    }

    @Test
    void aRejectedKeyIsExplainedWithTheKeyOnlyMasked() {
        answer(401, "stripe/error-401-invalid-api-key.json");

        assertThatThrownBy(() -> details.stripe(CUSTOMER, CancelSignal.NONE))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("rejected the API key").hasMessageContaining("9876")
                .hasMessageNotContaining(KEY).hasMessageNotContaining("sk_test_51");
    }

    @Test
    void whenStripeIsNotConfiguredTheProfileSaysSoPlainly() {
        UserDetails without = new UserDetails(new TestConnections(null, null, null, null), "staging");

        assertThat(without.stripeConfigured()).isFalse();
        assertThatThrownBy(() -> without.stripe(CUSTOMER, CancelSignal.NONE))
                .isInstanceOf(BackendException.class)
                .satisfies(e -> assertThat(((BackendException) e).backend()).isEqualTo(Backend.STRIPE))
                .hasMessage("Stripe is not configured in the profile \"staging\": add its secret key under File → Connections.");
    }

    @Test
    void aUserWithoutCustomerIdAsksStripeNothing() {
        assertThatThrownBy(() -> details.stripe(null, CancelSignal.NONE)).hasMessageContaining("no Stripe customer id");
        assertThat(server.getRequestCount()).isZero();
    }
}
