package ai.cascade.ops.venice;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.venice.VeniceWire.HandClock;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console's own budget of Venice requests, on a clock the test moves: no test waits a minute. */
class RateLimiterTest {
    private final HandClock clock = new HandClock();
    private VeniceWire venice;

    @BeforeEach
    void start() {
        venice = new VeniceWire();
        venice.server.setDispatcher(new Dispatcher() {   // every citizen exists
            @Override public MockResponse dispatch(RecordedRequest r) {
                String name = r.getUrl().pathSegments().get(r.getUrl().pathSize() - 1);
                return VeniceWire.json(200, "{\"success\":true,\"citizen\":{\"username\":\"" + name + "\"}}");
            }
        });
    }

    @AfterEach
    void stop() {
        venice.close();
    }

    @Test
    void twentyCitizensWithALimitOfFiveSendFiveAndRefuseTheRestSayingWhen() {
        VeniceClient client = venice.client(null, new RateLimiter(5, Duration.ofMinutes(1), clock));
        List<String> refusals = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            try {
                client.citizen("Citizen_" + i, CancelSignal.NONE);
            } catch (VeniceLimitException e) {
                refusals.add(e.getMessage());
            }
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(venice.server.getRequestCount()).isEqualTo(5);
        assertThat(refusals).hasSize(15);
        assertThat(refusals.get(0)).startsWith("Venice's limit:").contains("next request possible in 55 s");
        assertThat(client.stats().refusedByLimit()).isEqualTo(15);
    }

    @Test
    void theWindowRollsTheOldestRequestFreesTheNextPlace() {
        RateLimiter limiter = new RateLimiter(2, Duration.ofMinutes(1), clock);
        limiter.acquire();
        clock.advance(Duration.ofSeconds(30));
        limiter.acquire();

        assertThatThrownBy(limiter::acquire).isInstanceOf(VeniceLimitException.class);
        assertThat(limiter.nextIn()).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        limiter.acquire();
        assertThat(limiter.remaining()).isZero();
        clock.advance(Duration.ofSeconds(30));
        assertThat(limiter.remaining()).isEqualTo(1);
    }

    @Test
    void answersFromTheCacheTakeNothingFromTheBudget() {
        try (RedisConnection redis = TestServers.freshRedis()) {
            VeniceClient client = venice.client(redis, new RateLimiter(1, Duration.ofMinutes(1), clock));

            client.citizen("Foscari_Banker", CancelSignal.NONE);
            for (int i = 0; i < 10; i++)
                assertThat(client.citizen("Foscari_Banker", CancelSignal.NONE).fromCache()).isTrue();

            assertThatThrownBy(() -> client.citizen("Contarini_Doge", CancelSignal.NONE)).isInstanceOf(VeniceLimitException.class);
            assertThat(venice.server.getRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void theHealthCheckCountsAndIsNotSentWhenTheBudgetIsSpent() {
        VeniceClient client = venice.client(null, new RateLimiter(1, Duration.ofMinutes(1), clock));

        assertThat(client.probe()).isNull();
        assertThat(client.probe()).startsWith("Not checked just now: Venice's limit");
        assertThat(venice.server.getRequestCount()).isEqualTo(1);
    }
}
