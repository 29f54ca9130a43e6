package ai.cascade.ops.venice;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.venice.VeniceAnswer.Outcome;
import ai.cascade.ops.venice.VeniceAnswer.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.venice.VeniceWire.FOSCARI;
import static ai.cascade.ops.venice.VeniceWire.FOSCARI_KEY;
import static ai.cascade.ops.venice.VeniceWire.cacheKeys;
import static ai.cascade.ops.venice.VeniceWire.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/** The read-through cache shared with the backend, against a real Redis and a Venice wire fake. */
class VeniceCacheTest {
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

    private static String get(String key) {
        return redis.run("GET", c -> c.get(key));
    }

    private long pttl(String key) {
        return redis.run("PTTL", c -> c.pttl(key));
    }

    @Test
    void aMissAsksVeniceAndStoresTheBodyAsReceivedUnderTheContractsKeyFor300Seconds() throws InterruptedException {
        String body = fixture("citizen-foscari.json");
        venice.answer(200, body);

        VeniceAnswer<Citizen> a = client.citizen(FOSCARI, CancelSignal.NONE);

        assertThat(a.outcome()).isEqualTo(Outcome.FOUND);
        assertThat(a.source()).isEqualTo(Source.LIVE);
        assertThat(a.cacheNote()).isNull();
        assertThat(a.latency()).isPositive();
        Citizen c = a.value();
        assertThat(c.username()).isEqualTo(FOSCARI);
        assertThat(c.firstName()).isEqualTo("Marco");
        assertThat(c.isAi()).isTrue();
        assertThat(c.influence()).isEqualTo(1234.5);
        assertThat(c.workplace()).isEqualTo(new Citizen.Place("Banco Foscari", "bank", "building_45.43_12.33"));
        assertThat(c.home()).isEqualTo("canal_house_45.44_12.34");
        assertThat(c.lastActiveAt()).isEqualTo(Instant.parse("2026-01-15T09:30:00Z"));
        assertThat(venice.server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/citizens/Foscari_Banker");

        assertThat(FOSCARI_KEY).isEqualTo(VeniceCacheKey.citizen(FOSCARI));
        assertThat(get(FOSCARI_KEY)).isEqualTo(body);   // byte for byte, whitespace included
        assertThat(pttl(FOSCARI_KEY)).isBetween(290_000L, 300_000L);
    }

    @Test
    void theSecondAskIsAnsweredFromTheCacheWithoutARequest() {
        venice.answer(200, fixture("citizen-foscari.json"));

        client.citizen(FOSCARI, CancelSignal.NONE);
        VeniceAnswer<Citizen> again = client.citizen(FOSCARI, CancelSignal.NONE);

        assertThat(venice.server.getRequestCount()).isEqualTo(1);
        assertThat(again.source()).isEqualTo(Source.CACHE);
        assertThat(again.outcome()).isEqualTo(Outcome.FOUND);
        assertThat(again.value().lastName()).isEqualTo("Foscari");
        assertThat(again.cacheAge()).isBetween(Duration.ZERO, Duration.ofSeconds(30));
        assertThat(client.stats().fromCache()).isEqualTo(1);
        assertThat(client.stats().sentToVenice()).isEqualTo(1);
    }

    @Test
    void anEntryTheBackendWroteIsUsedAndItsAgeComesFromItsTtl() {
        String body = "{\"success\":true,\"citizen\":{\"username\":\"Contarini_Doge\",\"firstName\":\"Pietro\",\"socialClass\":\"Nobili\"}}";
        redis.run("SETEX", c -> c.setex("cascade:venice:citizens/Contarini_Doge:", 200, body));   // written 100 s ago, as the backend would

        VeniceAnswer<Citizen> a = client.citizen("Contarini_Doge", CancelSignal.NONE);

        assertThat(a.source()).isEqualTo(Source.CACHE);
        assertThat(a.value().firstName()).isEqualTo("Pietro");
        assertThat(a.value().ducats()).isNull();
        assertThat(a.cacheAge()).isBetween(Duration.ofSeconds(99), Duration.ofSeconds(110));
        assertThat(venice.server.getRequestCount()).isZero();
    }

    @Test
    void aLedgerIsAskedWithFormatJsonAndCachedUnderItsSortedQuery() throws InterruptedException {
        String body = fixture("ledger-foscari.json");
        venice.answer(200, body);

        VeniceAnswer<Ledger> a = client.ledger(FOSCARI, CancelSignal.NONE);

        assertThat(venice.server.takeRequest(5, TimeUnit.SECONDS).getTarget())
                .isEqualTo("/api/get-ledger?citizenUsername=Foscari_Banker&format=json");
        String key = "cascade:venice:get-ledger:citizenUsername=Foscari_Banker&format=json";   // VENICE-API.md's own example
        assertThat(get(key)).isEqualTo(body);
        assertThat(pttl(key)).isBetween(290_000L, 300_000L);
        Ledger l = a.value();
        assertThat(l.citizen().username()).isEqualTo(FOSCARI);
        assertThat(l.mood()).isEqualTo("ambitious");
        assertThat(l.moodIntensity()).isEqualTo(7);
        assertThat(l.sections()).containsOnlyKeys("lastActivity", "lastActivities", "ownedBuildings", "workplaceBuilding",
                "activeContracts", "strongestRelationships", "thoughts", "latestDailyUpdate");   // null and unknown sections left out
        assertThat(l.sections().get("lastActivities").getAsJsonArray()).hasSize(2);

        assertThat(client.ledger(FOSCARI, CancelSignal.NONE).source()).isEqualTo(Source.CACHE);
        assertThat(venice.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aUsernameIsOneEncodedPathSegmentAndTheKeyNamesExactlyWhatWasAsked() throws InterruptedException {
        String odd = "Dandolo Ca' d'Oro/ü?x=1";
        venice.answer(200, "{\"success\":true,\"citizen\":{\"username\":\"" + odd + "\"}}");
        venice.answer(200, "{\"success\":true,\"data\":{\"citizen\":{\"username\":\"" + odd + "\"}}}");

        client.citizen(odd, CancelSignal.NONE);
        client.ledger(odd, CancelSignal.NONE);

        String segment = "Dandolo%20Ca%27%20d%27Oro%2F%C3%BC%3Fx%3D1";
        assertThat(venice.server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/citizens/" + segment);
        String query = "citizenUsername=Dandolo+Ca%27+d%27Oro%2F%C3%BC%3Fx%3D1&format=json";   // form encoding, as URLEncoder writes
        assertThat(venice.server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/get-ledger?" + query);
        assertThat(cacheKeys(redis)).containsExactlyInAnyOrder("cascade:venice:citizens/" + segment + ":",
                "cascade:venice:get-ledger:" + query);
        assertThat(VeniceCacheKey.of("get-ledger", Map.of("format", "json", "citizenUsername", "Foscari_Banker")))
                .isEqualTo("cascade:venice:get-ledger:citizenUsername=Foscari_Banker&format=json");
    }

    @Test
    void fallbackDataIsDegradedAndNeverCached() {
        venice.answer(200, fixture("citizen-fallback.json"));
        venice.answer(200, fixture("citizen-fallback.json"));

        VeniceAnswer<Citizen> a = client.citizen(FOSCARI, CancelSignal.NONE);
        VeniceAnswer<Citizen> b = client.citizen(FOSCARI, CancelSignal.NONE);

        assertThat(a.outcome()).isEqualTo(Outcome.DEGRADED);
        assertThat(a.degraded()).isTrue();
        assertThat(a.value().username()).isEqualTo("Sample_Citizen");
        assertThat(b.source()).isEqualTo(Source.LIVE);
        assertThat(venice.server.getRequestCount()).isEqualTo(2);
        assertThat(cacheKeys(redis)).isEmpty();
    }

    @Test
    void anUnknownCitizenIsNotFoundAndNotCached() {
        venice.answer(404, fixture("citizen-not-found.json"));

        VeniceAnswer<Citizen> a = client.citizen("Nobody_Here", CancelSignal.NONE);

        assertThat(a.outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(a.found()).isFalse();
        assertThat(a.value()).isNull();
        assertThat(cacheKeys(redis)).isEmpty();
    }

    @Test
    void anEntryThatIsNotAUsableAnswerIsNotTrustedAndIsReplaced() {
        redis.run("SETEX", c -> c.setex(FOSCARI_KEY, 300, "<!DOCTYPE html><html>cached by mistake</html>"));
        redis.run("SETEX", c -> c.setex("cascade:venice:citizens/Sample:", 300, fixture("citizen-fallback.json")));
        String body = fixture("citizen-foscari.json");
        venice.answer(200, body);
        venice.answer(200, fixture("citizen-found.json"));

        VeniceAnswer<Citizen> a = client.citizen(FOSCARI, CancelSignal.NONE);
        VeniceAnswer<Citizen> b = client.citizen("Sample", CancelSignal.NONE);

        assertThat(a.source()).isEqualTo(Source.LIVE);
        assertThat(b.source()).isEqualTo(Source.LIVE);
        assertThat(venice.server.getRequestCount()).isEqualTo(2);
        assertThat(get(FOSCARI_KEY)).isEqualTo(body);
    }

    @Test
    void whenRedisIsDownAnswersComeLiveAndSayTheyAreUncached() throws Exception {
        try (RedisConnection down = new RedisConnection(RedisAddress.parse("redis://127.0.0.1:" + VeniceWire.closedPort()))) {
            VeniceClient uncached = venice.client(down, RateLimiter.perMinute());
            venice.answer(200, fixture("citizen-foscari.json"));

            VeniceAnswer<Citizen> a = uncached.citizen(FOSCARI, CancelSignal.NONE);

            assertThat(a.outcome()).isEqualTo(Outcome.FOUND);
            assertThat(a.source()).isEqualTo(Source.LIVE);
            assertThat(a.cacheNote()).startsWith("Uncached: Redis at").contains("unreachable");
        }
    }

    @Test
    void whenRedisIsNotConfiguredAnswersComeLiveAndSaySo() {
        VeniceClient noRedis = new VeniceClient(venice.http, () -> {
            throw new BackendException(Backend.REDIS, "Redis is not configured in the profile \"staging\".");
        }, RateLimiter.perMinute(), Clock.systemUTC());
        venice.answer(200, fixture("citizen-foscari.json"));
        venice.answer(404, fixture("citizen-not-found.json"));

        assertThat(noRedis.citizen(FOSCARI, CancelSignal.NONE).cacheNote()).isEqualTo("Uncached: Redis is not configured in the profile \"staging\".");
        assertThat(noRedis.citizen("Nobody", CancelSignal.NONE).cacheNote()).startsWith("Uncached");
    }
}
