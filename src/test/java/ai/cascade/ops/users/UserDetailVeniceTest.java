package ai.cascade.ops.users;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.users.UserDetailFixtures.TestConnections;
import ai.cascade.ops.users.UserDetails.Citizen;
import ai.cascade.ops.venice.VeniceHttp;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.users.UserDetailFixtures.FOSCARI;
import static ai.cascade.ops.users.UserDetailFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Venice part of a user's detail against a local server speaking Venice's wire format and a real Redis. */
class UserDetailVeniceTest {
    private static RedisConnection redis;
    private MockWebServer server;
    private VeniceHttp venice;
    private UserDetails details;

    @BeforeAll
    static void redis() {
        redis = TestServers.freshRedis();
    }

    @AfterAll
    static void closeRedis() {
        redis.close();
    }

    @BeforeEach
    void start() throws IOException {
        redis.run("emptying the test Redis", c -> c.flushall());
        server = new MockWebServer();
        server.start();
        venice = new VeniceHttp(server.url("/api/").toString());
        details = new UserDetails(new TestConnections(null, redis, null, venice), "test-profile");
    }

    @AfterEach
    void stop() {
        venice.close();
        server.close();
    }

    private void answer(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json; charset=utf-8").body(body).build());
    }

    @Test
    void theCitizensProfileIsReadFromVenice() throws InterruptedException {
        answer(200, fixture("venice/citizen-foscari.json"));

        Citizen c = details.venice(FOSCARI, CancelSignal.NONE);

        assertThat(c.found()).isTrue();
        assertThat(c.degraded()).isFalse();
        assertThat(c.username()).isEqualTo(FOSCARI);
        assertThat(c.firstName()).isEqualTo("Marco");
        assertThat(c.lastName()).isEqualTo("Foscari");
        assertThat(c.ai()).isTrue();
        assertThat(c.socialClass()).isEqualTo("Nobili");
        assertThat(c.influence()).isEqualTo(1234.5);
        assertThat(c.ducats()).isEqualTo(98765);
        assertThat(c.guildId()).isEqualTo("umbrella_lane_merchants");
        assertThat(c.workplace()).isEqualTo("Banco Foscari (bank)");
        assertThat(c.home()).isEqualTo("canal_house_45.44_12.34");
        assertThat(c.lastActiveAt()).isEqualTo(Instant.parse("2026-01-15T09:30:00Z"));
        assertThat(c.createdAt()).isEqualTo(Instant.parse("2025-03-01T12:00:00Z"));
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/citizens/" + FOSCARI);
        assertThat(c.delivery()).startsWith("Live from Venice, ").endsWith(" ms");
        assertThat(c.cacheNote()).isNull();
    }

    @Test
    void theSecondLookIsFromTheCacheSharedWithTheBackendAndSaysHowOld() {
        answer(200, fixture("venice/citizen-foscari.json"));

        details.venice(FOSCARI, CancelSignal.NONE);
        Citizen again = details.venice(FOSCARI, CancelSignal.NONE);

        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(again.delivery()).matches("From the cache shared with the backend \\(age \\d+ s\\)");
        assertThat(again.firstName()).isEqualTo("Marco");
    }

    @Test
    void withoutRedisTheCitizenIsShownLiveAndSaysItIsUncached() {
        UserDetails noRedis = new UserDetails(new TestConnections(null, null, null, venice), "test-profile");
        answer(200, fixture("venice/citizen-foscari.json"));

        Citizen c = noRedis.venice(FOSCARI, CancelSignal.NONE);

        assertThat(c.found()).isTrue();
        assertThat(c.cacheNote()).isEqualTo("Uncached: Redis is not configured in this profile.");
    }

    @Test
    void aCitizenWithMissingAndNullFieldsIsStillShown() {
        answer(200, fixture("venice/citizen-found.json"));

        Citizen c = details.venice("cascade-ops-health-check", CancelSignal.NONE);

        assertThat(c.found()).isTrue();
        assertThat(c.workplace()).isNull();
        assertThat(c.guildId()).isNull();
        assertThat(c.lastActiveAt()).isNull();
    }

    @Test
    void anUnknownCitizenIsAnAnswerNotAnError() {
        answer(404, fixture("venice/citizen-not-found.json"));

        Citizen c = details.venice("Nobody_Here", CancelSignal.NONE);

        assertThat(c.found()).isFalse();
        assertThat(c.notice()).contains("no citizen \"Nobody_Here\"");
    }

    @Test
    void aFallbackAnswerIsFlaggedAsDegraded() {
        answer(200, fixture("venice/citizen-fallback.json"));

        Citizen c = details.venice(FOSCARI, CancelSignal.NONE);

        assertThat(c.degraded()).isTrue();
        assertThat(c.notice()).startsWith("Degraded:").contains("fallback").contains("not cached");
        long keys = redis.run("counting keys", r -> r.dbsize());
        assertThat(keys).isZero();
    }

    @Test
    void aServerErrorIsAClearErrorWithVenicesOwnReason() {
        answer(500, fixture("venice/internal-error.json"));
        answer(500, fixture("venice/internal-error.json"));

        assertThatThrownBy(() -> details.venice(FOSCARI, CancelSignal.NONE))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Venice answered 500").hasMessageContaining("Airtable request timed out");
        assertThat(server.getRequestCount()).as("tried once more").isEqualTo(2);
    }

    @Test
    void anAnswerThatIsNotJsonPointsAtTheVeniceUrl() {
        server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                .body("<!DOCTYPE html><html><body>La Serenissima</body></html>").build());

        assertThatThrownBy(() -> details.venice(FOSCARI, CancelSignal.NONE))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("an HTML page instead of Venice's JSON").hasMessageContaining("Venice URL");
    }

    @Test
    void aUsernameIsOnePathSegmentWhateverItContains() throws InterruptedException {
        answer(404, fixture("venice/citizen-not-found.json"));

        details.venice("D'Arco/../get-ledger?x=1", CancelSignal.NONE);

        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/citizens/D%27Arco%2F..%2Fget-ledger%3Fx%3D1");
    }

    @Test
    void aVeniceThatIsGoneIsUnreachable() {
        String url = server.url("/api").toString();
        server.close();

        assertThatThrownBy(() -> details.venice(FOSCARI, CancelSignal.NONE))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("unreachable").hasMessageContaining(url);
    }

    @Test
    void whenVeniceIsNotConfiguredTheProfileSaysSo() {
        UserDetails without = new UserDetails(new TestConnections(null, null, null, null), "staging");

        assertThat(without.veniceConfigured()).isFalse();
        assertThatThrownBy(() -> without.venice(FOSCARI, CancelSignal.NONE)).hasMessageContaining("Venice is not configured");
    }
}
