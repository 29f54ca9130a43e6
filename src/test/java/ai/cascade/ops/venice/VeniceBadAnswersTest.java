package ai.cascade.ops.venice;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.testing.TestServers;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.venice.VeniceWire.FOSCARI;
import static ai.cascade.ops.venice.VeniceWire.cacheKeys;
import static ai.cascade.ops.venice.VeniceWire.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What Venice (or something else at its URL) may answer instead of a citizen: clear errors, nothing cached. */
class VeniceBadAnswersTest {
    private static final long TEN_MB = 10L << 20;
    private static RedisConnection redis;
    private VeniceWire venice;
    private VeniceClient client;

    @BeforeAll
    static void redis() {
        redis = TestServers.freshRedis();
    }

    @AfterAll
    static void closeRedis() {
        redis.close();
    }

    @BeforeEach
    void start() {
        redis.run("emptying the test Redis", c -> c.flushall());
        venice = new VeniceWire();
        client = venice.client(redis, RateLimiter.perMinute());
    }

    @AfterEach
    void stop() {
        venice.close();
    }

    private BackendException failure() {
        try {
            client.citizen(FOSCARI, CancelSignal.NONE);
        } catch (BackendException e) {
            assertThat(cacheKeys(redis)).as("nothing cached").isEmpty();
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void anHtmlPageIsNotVeniceAndPointsAtTheUrl() {
        venice.server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                .body("<!DOCTYPE html><html><body>La Serenissima</body></html>").build());

        assertThat(failure()).hasMessageContaining("answered 200 with an HTML page").hasMessageContaining("Check the Venice URL");
    }

    @Test
    void anEmptyBodyIsAClearError() {
        venice.answer(200, "");

        assertThat(failure()).hasMessageContaining("an empty body").hasMessageContaining("nothing was cached");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"success\":true,\"citizen\":{\"username\":\"Foscari_Ban", "{\"success\":true,\"citizen\":{}} trailing",
            "[{\"success\":true}]"})
    void jsonThatIsCutOffOrNotAnAnswerIsAClearError(String body) {
        venice.answer(200, body);

        assertThat(failure()).hasMessageContaining("JSON that is cut off or not an answer");
    }

    @Test
    void anAnswerWhoseTransferBreaksOffIsAClearError() {
        String body = fixture("citizen-foscari.json");
        venice.server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(body).setHeader("Content-Length", body.length() * 2)   // promises more than it sends, then hangs up
                .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build());

        assertThat(failure()).hasMessageContaining("broke off");
    }

    @Test
    void anAnswerThatStallsHalfWayIsATimeoutWithinSeconds() {
        venice.server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(new MockResponseBody() {
                    @Override public long getContentLength() { return 5_000; }
                    @Override public void writeTo(BufferedSink sink) throws IOException {
                        sink.writeUtf8("{\"success\":true,\"citizen\":{\"username\":\"Foscari_Banker\",");
                        sink.flush();
                        throw new IOException("the fake stops writing");
                    }
                }).build());
        long start = System.nanoTime();

        assertThat(failure()).hasMessageContaining("did not answer in time");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("hang bound").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aSuccessWithoutTheCitizenIsAClearError() {
        venice.answer(200, "{\"success\":false,\"error\":\"Citizen lookup failed\"}");

        assertThat(failure()).hasMessageContaining("without the citizen").hasMessageContaining("Citizen lookup failed");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void tenMegabytesAreRefusedWithoutBeingReadIntoMemory(boolean declaredLength) {
        venice.server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(VeniceWire.huge(TEN_MB, declaredLength)).build());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        BackendException e = failure();

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(e).hasMessageContaining("larger than 2 MB").hasMessageContaining("not cached");
        assertThat(allocated).as("bytes allocated while refusing 10 MB").isLessThan(8L << 20);
    }

    @Test
    void aHugeEntryInTheCacheIsNotReadAndVeniceIsAsked() {
        redis.run("SETRANGE", c -> c.setrange(VeniceWire.FOSCARI_KEY, 3L << 20, "x"));
        venice.answer(200, fixture("citizen-foscari.json"));

        VeniceAnswer<Citizen> a = client.citizen(FOSCARI, CancelSignal.NONE);

        assertThat(a.source()).isEqualTo(VeniceAnswer.Source.LIVE);
        assertThat(venice.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anHtml404MeansTheUrlIsWrongNotThatTheCitizenIsUnknown() {
        venice.server.enqueue(new MockResponse.Builder().code(404).setHeader("Content-Type", "text/html")
                .body("<!DOCTYPE html><html><body><h1>404 - This page could not be found.</h1></body></html>").build());

        assertThat(failure()).hasMessageContaining("answered 404 with an HTML page").hasMessageContaining("Venice URL");
    }

    @Test
    void aMissingUsernameForTheLedgerIsVenicesOwnError() throws InterruptedException {
        venice.answer(400, fixture("ledger-no-citizen.json"));

        assertThatThrownBy(() -> client.ledger(FOSCARI, CancelSignal.NONE)).isInstanceOf(BackendException.class)
                .hasMessageContaining("Venice answered 400").hasMessageContaining("citizenUsername is required");
        assertThat(venice.server.getRequestCount()).as("a 400 is not tried again").isEqualTo(1);
        assertThat(cacheKeys(redis)).isEmpty();
    }

    @Test
    void aHostThatDoesNotResolveIsAClearError() {
        try (VeniceHttp wrong = new VeniceHttp("http://venice.invalid/api")) {
            VeniceClient c = new VeniceClient(wrong, () -> redis, RateLimiter.perMinute(), Clock.systemUTC());

            assertThatThrownBy(() -> c.citizen(FOSCARI, CancelSignal.NONE)).isInstanceOf(BackendException.class)
                    .hasMessageContaining("venice.invalid").hasMessageContaining("does not resolve").hasMessageContaining("Venice URL");
        }
    }

    @Test
    void aClosedPortIsAClearError() {
        String url = "http://127.0.0.1:" + VeniceWire.closedPort() + "/api";
        try (VeniceHttp wrong = new VeniceHttp(url)) {
            VeniceClient c = new VeniceClient(wrong, () -> redis, RateLimiter.perMinute(), Clock.systemUTC());

            assertThatThrownBy(() -> c.citizen(FOSCARI, CancelSignal.NONE)).isInstanceOf(BackendException.class)
                    .hasMessageContaining(url).hasMessageContaining("unreachable").hasMessageContaining("refused");
        }
    }

    @Test
    void anUrlThatIsNotHttpIsAClearError() {
        try (VeniceHttp wrong = new VeniceHttp("serenissima.ai/api")) {
            VeniceClient c = new VeniceClient(wrong, () -> redis, RateLimiter.perMinute(), Clock.systemUTC());

            assertThatThrownBy(() -> c.citizen(FOSCARI, CancelSignal.NONE)).hasMessageContaining("not a valid http(s) URL");
        }
    }

    @Test
    void headersThatNeverComeAreATimeoutWithinSeconds() {
        venice.server.enqueue(new MockResponse.Builder().code(200).body(fixture("citizen-foscari.json"))
                .headersDelay(60, TimeUnit.SECONDS).build());
        long start = System.nanoTime();

        assertThat(failure()).hasMessageContaining("did not answer in time");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("hang bound").isLessThan(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", ".", ".."})
    void aNameThatCannotBeOnePathSegmentIsRefusedBeforeAsking(String name) {
        assertThatThrownBy(() -> client.citizen(name, CancelSignal.NONE)).isInstanceOf(BackendException.class)
                .hasMessageContaining("not a Venice username");
        assertThat(venice.server.getRequestCount()).isZero();
    }
}
