package ai.cascade.ops.venice;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.venice.VeniceAnswer.Outcome;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.venice.VeniceWire.FOSCARI;
import static ai.cascade.ops.venice.VeniceWire.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retries on 429 and 5xx, honouring Retry-After, within the budget; never on other answers. Runs without Redis. */
class VeniceRetryTest {
    private VeniceWire venice;
    private VeniceClient client;

    @BeforeEach
    void start() {
        venice = new VeniceWire();
        client = venice.client(null, RateLimiter.perMinute());
    }

    @AfterEach
    void stop() {
        venice.close();
    }

    private static MockResponse tooMany(String retryAfter) {
        return new MockResponse.Builder().code(429).setHeader("Retry-After", retryAfter)
                .setHeader("Content-Type", "application/json").body("{\"success\":false,\"error\":\"Too many requests\"}").build();
    }

    @Test
    void a429IsTriedOnceMoreAfterTheAdvisedDelay() throws InterruptedException {
        venice.server.enqueue(tooMany("1"));
        venice.answer(200, fixture("citizen-foscari.json"));
        long start = System.nanoTime();

        VeniceAnswer<Citizen> a = client.citizen(FOSCARI, CancelSignal.NONE);

        assertThat(a.outcome()).isEqualTo(Outcome.FOUND);
        assertThat(venice.server.getRequestCount()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited as advised").isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(venice.server.takeRequest(1, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/citizens/Foscari_Banker");
        assertThat(venice.server.takeRequest(1, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/citizens/Foscari_Banker");
    }

    @Test
    void aRetryAfterDateIsHonouredToo() {
        Instant now = Instant.parse("2026-01-15T10:00:00Z");
        VeniceClient fixedClock = new VeniceClient(venice.http, () -> null, RateLimiter.perMinute(), Clock.fixed(now, ZoneOffset.UTC));
        venice.server.enqueue(tooMany(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(1).atZone(ZoneOffset.UTC))));
        venice.answer(200, fixture("citizen-foscari.json"));
        long start = System.nanoTime();

        assertThat(fixedClock.citizen(FOSCARI, CancelSignal.NONE).found()).isTrue();
        assertThat(venice.server.getRequestCount()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aRetryAfterLongerThanAPersonWaitsIsNotWaitedButSaid() {
        venice.server.enqueue(tooMany("120"));

        assertThatThrownBy(() -> client.citizen(FOSCARI, CancelSignal.NONE)).isInstanceOf(BackendException.class)
                .hasMessageContaining("rate-limiting this address (429)").hasMessageContaining("asks to wait 120 s");
        assertThat(venice.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void twoServerErrorsGiveUpWithVenicesReason() {
        venice.answer(500, fixture("internal-error.json"));
        venice.answer(500, fixture("internal-error.json"));
        venice.answer(200, fixture("citizen-foscari.json"));   // never asked for

        assertThatThrownBy(() -> client.citizen(FOSCARI, CancelSignal.NONE)).isInstanceOf(BackendException.class)
                .hasMessageContaining("Venice answered 500 (Failed to fetch citizen: Airtable request timed out) 2 times")
                .hasMessageContaining("Try again later");
        assertThat(venice.server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aServerErrorThenAnAnswerIsAnAnswer() {
        venice.server.enqueue(new MockResponse.Builder().code(503).body("<html>Service Unavailable</html>").build());
        venice.answer(200, fixture("citizen-foscari.json"));

        assertThat(client.citizen(FOSCARI, CancelSignal.NONE).found()).isTrue();
        assertThat(venice.server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aNotFoundIsNeverTriedAgain() {
        venice.answer(404, fixture("citizen-not-found.json"));

        assertThat(client.citizen("Nobody_Here", CancelSignal.NONE).found()).isFalse();
        assertThat(venice.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRetryTakesFromTheBudgetAndStopsWhenItIsSpent() {
        VeniceClient one = venice.client(null, new RateLimiter(1, Duration.ofMinutes(1), new VeniceWire.HandClock()));
        venice.answer(500, fixture("internal-error.json"));
        venice.answer(200, fixture("citizen-foscari.json"));

        assertThatThrownBy(() -> one.citizen(FOSCARI, CancelSignal.NONE)).isInstanceOf(VeniceLimitException.class)
                .hasMessageContaining("Venice's limit").hasMessageContaining("next request possible in 60 s");
        assertThat(venice.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aCancelStopsTheWaitBeforeARetry() throws Exception {
        VeniceClient patient = new VeniceClient(venice.http, () -> null, RateLimiter.perMinute(), Clock.systemUTC(),
                new VeniceClient.Policy(2, Duration.ofMillis(500), Duration.ofSeconds(60), 2L << 20));
        venice.server.enqueue(tooMany("30"));
        CompletableFuture<Runnable> hook = new CompletableFuture<>();
        long start = System.nanoTime();
        CompletableFuture<Object> call = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                call.complete(patient.citizen(FOSCARI, hook::complete));
            } catch (RuntimeException e) {
                call.completeExceptionally(new java.util.concurrent.CompletionException(e));   // as supplyAsync would
            }
        }, "venice-caller");
        caller.start();

        hook.get(10, TimeUnit.SECONDS);
        awaitWaitingBeforeARetry(caller);
        hook.get().run();

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("hang bound").isLessThan(Duration.ofSeconds(20));
        assertThat(venice.server.getRequestCount()).isEqualTo(1);
    }

    /** Until the caller sits in the exchange's wait between attempts (seen in its stack, not guessed from time). */
    private static void awaitWaitingBeforeARetry(Thread caller) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            boolean waiting = caller.getState() == Thread.State.TIMED_WAITING && java.util.Arrays.stream(caller.getStackTrace())
                    .anyMatch(f -> f.getClassName().startsWith(VeniceExchange.class.getName()) && f.getMethodName().equals("sleep"));
            if (waiting) return;
            Thread.onSpinWait();
        }
        throw new AssertionError("the caller never waited before a retry");
    }
}
