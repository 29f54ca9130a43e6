package ai.cascade.ops.backend;

import ai.cascade.ops.billing.StripeAccess;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Stripe health check against a local server answering in Stripe's wire format (stripe-java does the talking). */
class StripeProbeTest {
    private static final Duration HANG_BOUND = Duration.ofSeconds(15);
    private static final String KEY = "sk_test_51HxExampleKeyForTests00000000001234";
    private static final String RESTRICTED_KEY = "rk_test_51HxExampleRestrictedKey000000005678";

    private MockWebServer server;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String apiBase() {
        String url = server.url("/").toString();
        return url.substring(0, url.length() - 1);
    }

    private static MockResponse stripe(int code, String fixture) {
        return new MockResponse.Builder().code(code)
                .setHeader("Content-Type", "application/json")
                .setHeader("Request-Id", "req_test" + code)
                .body(Fixtures.read(fixture)).build();
    }

    private ProbeRun.Result probe(String key) throws InterruptedException {
        StripeAccess stripe = new StripeAccess(key, apiBase());
        return ProbeRun.once(Backend.STRIPE, stripe::probe, HANG_BOUND);
    }

    @Test
    void aListOfOneCustomerMeansStripeAnswersTheKey() throws InterruptedException {
        server.enqueue(stripe(200, "stripe/customers-list-one.json"));

        ProbeRun.Result r = probe(KEY);

        assertThat(r.health().state()).as(r.health().message()).isEqualTo(Health.State.CONNECTED);
        RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(req).isNotNull();
        assertThat(req.getMethod()).isEqualTo("GET");
        assertThat(req.getTarget()).isEqualTo("/v1/customers?limit=1");
        assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRejectedKeyIsDownAndTheMessageShowsTheKeyOnlyMasked() throws InterruptedException {
        server.enqueue(stripe(401, "stripe/error-401-invalid-api-key.json"));

        Health h = probe(KEY).health();

        assertThat(h.state()).isEqualTo(Health.State.DOWN);
        assertThat(h.message()).contains("rejected the API key").contains("1234")
                .doesNotContain(KEY.substring(0, 8)).doesNotContain(KEY);
        assertThat(server.getRequestCount()).as("a 401 is not retried").isEqualTo(1);
    }

    @Test
    void aRestrictedKeyWithoutCustomerReadIsConnectedBecauseStripeAnswered() throws InterruptedException {
        server.enqueue(stripe(403, "stripe/error-403-restricted-key.json"));

        ProbeRun.Result r = probe(RESTRICTED_KEY);

        assertThat(r.health().state()).as(r.health().message()).isEqualTo(Health.State.CONNECTED);
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isEqualTo("Bearer " + RESTRICTED_KEY);
    }

    /**
     * Degraded, not down: Stripe is reachable and accepted the key, its own API is failing (stripe-java has
     * already retried twice). Down would send the operator to check the profile, which is not the problem.
     */
    @Test
    void aServerErrorAfterStripeJavasRetriesIsDegradedAndNamesTheStatus() throws InterruptedException {
        for (int i = 0; i < 3; i++) server.enqueue(stripe(500, "stripe/error-500-api-error.json"));

        Health h = probe(KEY).health();

        assertThat(h.state()).isEqualTo(Health.State.DEGRADED);
        assertThat(h.message()).contains("500").contains("Stripe").doesNotContain(KEY.substring(0, 8));
        assertThat(server.getRequestCount()).as("the first try and stripe-java's two retries").isEqualTo(3);
    }

    @Test
    void aServerErrorThatClearsOnARetryIsConnected() throws InterruptedException {
        server.enqueue(stripe(500, "stripe/error-500-api-error.json"));
        server.enqueue(stripe(200, "stripe/customers-list-one.json"));

        assertThat(probe(KEY).health().state()).isEqualTo(Health.State.CONNECTED);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void rateLimitingIsDegradedLikeVenicesNotDown() throws InterruptedException {
        server.enqueue(stripe(429, "stripe/error-429-rate-limit.json"));

        Health h = probe(KEY).health();

        assertThat(h.state()).isEqualTo(Health.State.DEGRADED);
        assertThat(h.message()).contains("rate-limiting");
    }

    @Test
    void aStripeThatCannotBeReachedIsDownAndSaysWhere() throws InterruptedException {
        String base = apiBase();
        server.close();

        ProbeRun.Result r = ProbeRun.once(Backend.STRIPE, new StripeAccess(KEY, base)::probe, HANG_BOUND);

        assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
        assertThat(r.health().message()).contains("unreachable").contains(base).doesNotContain(KEY.substring(0, 8));
    }
}
