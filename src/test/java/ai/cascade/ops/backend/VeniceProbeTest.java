package ai.cascade.ops.backend;

import ai.cascade.ops.venice.VeniceHttp;
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

/** The Venice health check against a local HTTP server speaking Venice's wire format. */
class VeniceProbeTest {
    private static final Duration HANG_BOUND = Duration.ofSeconds(15);

    private MockWebServer server;
    private VeniceHttp venice;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        venice = new VeniceHttp(server.url("/api/").toString());
    }

    @AfterEach
    void stop() {
        venice.close();
        server.close();
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
    }

    private ProbeRun.Result probe() throws InterruptedException {
        return ProbeRun.once(Backend.VENICE, venice::probe, HANG_BOUND);
    }

    @Test
    void aJson404ForTheMadeUpCitizenMeansVeniceAnswers() throws InterruptedException {
        server.enqueue(json(404, Fixtures.read("venice/citizen-not-found.json")));

        ProbeRun.Result r = probe();

        assertThat(r.health().state()).as(r.health().message()).isEqualTo(Health.State.CONNECTED);
        assertThat(r.health().latency()).isNotNull();
        RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(req).isNotNull();
        assertThat(req.getMethod()).isEqualTo("GET");
        assertThat(req.getTarget()).isEqualTo("/api/citizens/cascade-ops-health-check");
    }

    @Test
    void aJson200IsConnectedToo() throws InterruptedException {
        server.enqueue(json(200, Fixtures.read("venice/citizen-found.json")));

        assertThat(probe().health().state()).isEqualTo(Health.State.CONNECTED);
    }

    @Test
    void a500IsDegradedAndNamesTheStatus() throws InterruptedException {
        server.enqueue(json(500, Fixtures.read("venice/internal-error.json")));

        Health h = probe().health();

        assertThat(h.state()).isEqualTo(Health.State.DEGRADED);
        assertThat(h.message()).contains("500");
    }

    @Test
    void a429IsDegradedBecauseVeniceIsRateLimitingUs() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "30")
                .body("{\"success\":false,\"error\":\"Too many requests\"}").build());

        Health h = probe().health();

        assertThat(h.state()).isEqualTo(Health.State.DEGRADED);
        assertThat(h.message()).contains("429").contains("rate-limiting");
    }

    @Test
    void aHtml404MeansTheUrlDoesNotPointAtVenice() throws InterruptedException {
        // e.g. the base URL without /api: the web site answers 404 with a page, not Venice's JSON
        server.enqueue(new MockResponse.Builder().code(404).setHeader("Content-Type", "text/html")
                .body("<!DOCTYPE html><html><body><h1>404 - This page could not be found.</h1></body></html>").build());

        Health h = probe().health();

        assertThat(h.state()).isEqualTo(Health.State.DEGRADED);
        assertThat(h.message()).contains("404").contains("Venice URL");
    }

    @Test
    void headersSlowerThanTheReadTimeoutMeanDownWithinSeconds() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(404).body(Fixtures.read("venice/citizen-not-found.json"))
                .headersDelay(60, TimeUnit.SECONDS).build());

        ProbeRun.Result r = probe();

        assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
        assertThat(r.health().message()).contains(server.url("/api").toString()).contains("did not answer in time");
        assertThat(r.took()).isLessThan(HANG_BOUND);
    }

    @Test
    void aBodySlowerThanTheReadTimeoutMeansDownWithinSeconds() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(404).body(Fixtures.read("venice/citizen-not-found.json"))
                .bodyDelay(60, TimeUnit.SECONDS).build());

        ProbeRun.Result r = probe();

        assertThat(r.health().state()).isEqualTo(Health.State.DOWN);
        assertThat(r.took()).isLessThan(HANG_BOUND);
    }

    @Test
    void aServerThatIsGoneIsDownAndSaysUnreachable() throws InterruptedException {
        String url = server.url("/api").toString();
        server.close();

        Health h = probe().health();

        assertThat(h.state()).isEqualTo(Health.State.DOWN);
        assertThat(h.message()).contains("unreachable").contains(url);
    }

    @Test
    void anUrlThatIsNotHttpIsDownWithAMessageAboutTheUrl() throws InterruptedException {
        try (VeniceHttp wrong = new VeniceHttp("serenissima.ai/api")) {
            Health h = ProbeRun.once(Backend.VENICE, wrong::probe, HANG_BOUND).health();

            assertThat(h.state()).isEqualTo(Health.State.DOWN);
            assertThat(h.message()).contains("not a valid http(s) URL");
        }
    }
}
