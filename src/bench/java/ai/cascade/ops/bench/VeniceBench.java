package ai.cascade.ops.bench;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.venice.RateLimiter;
import ai.cascade.ops.venice.VeniceAnswer;
import ai.cascade.ops.venice.VeniceClient;
import ai.cascade.ops.venice.VeniceHttp;
import ai.cascade.ops.venice.VeniceLimitException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import redis.embedded.RedisServer;

import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * BENCH venice (issue 7): a local Venice wire fake that answers every citizen after 200 ms, and a real (embedded)
 * Redis as the shared cache.
 * <ol>
 *   <li>The time to get a citizen live (cache empty) and then from the cache, p50 and p95 over N different citizens
 *   ({@code BENCH venice-live}, reference the fake's 200 ms; {@code BENCH venice-cached}, reference the live p50).</li>
 *   <li>1,000 profile requests for 1,000 different citizens spread over a real minute through one client with the
 *   default limiter, on the real clock: how many reached the fake ({@code BENCH venice-rate}, must be ≤ 100).</li>
 * </ol>
 * Usage: {@code VeniceBench [citizens]} (default 60, at least 50; at most 80, so warm-up and runs stay within one
 * limiter's budget of 90). {@code BENCH_RATE_SECONDS} shortens the minute of part 2 only for a trial run.
 */
public final class VeniceBench {
    private static final int LATENCY_MS = 200;
    private static final int WARM_UP = 10;

    public static void main(String[] args) throws Exception {
        int citizens = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        if (citizens < 50 || citizens + WARM_UP > RateLimiter.DEFAULT_PER_MINUTE)
            throw new IllegalArgumentException("citizens must be 50.." + (RateLimiter.DEFAULT_PER_MINUTE - WARM_UP));
        int rateSeconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_RATE_SECONDS", "60"));
        int port = freePort();
        RedisServer redisServer = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redisServer.start();
        try (RedisConnection redis = new RedisConnection(RedisAddress.parse("redis://127.0.0.1:" + port));
             MockWebServer fake = new MockWebServer()) {
            fake.setDispatcher(new SlowVenice());
            fake.start();
            try (VeniceHttp http = new VeniceHttp(fake.url("/api").toString())) {
                bareOkHttp(http);
                latency(new VeniceClient(http, () -> redis, RateLimiter.perMinute(), Clock.systemUTC()), redis, citizens);
            }
            redis.run("emptying the bench Redis", c -> c.flushall());
            int before = fake.getRequestCount();
            try (VeniceHttp http = new VeniceHttp(fake.url("/api").toString())) {
                rate(new VeniceClient(http, () -> redis, RateLimiter.perMinute(), Clock.systemUTC()), fake, before, rateSeconds);
            }
        } finally {
            redisServer.stop();
        }
    }

    /** The same GETs with the shared OkHttp client alone (no cache, no limiter, no parsing): what the fake itself costs. */
    private static void bareOkHttp(VeniceHttp http) throws java.io.IOException {
        List<Double> bare = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long start = System.nanoTime();
            try (okhttp3.Response r = http.http().newCall(new okhttp3.Request.Builder()
                    .url(http.baseUrl() + "/citizens/Bare_" + i).build()).execute()) {
                r.body().string();
            }
            if (i >= 5) bare.add((System.nanoTime() - start) / 1e6);
        }
        System.out.printf("venice: bare OkHttp GET on the fake (no cache, limiter or parsing) p50 %.1f ms%n", percentile(bare, 50));
    }

    /** Live then cached, each citizen once, one after the other as a person clicking would. */
    private static void latency(VeniceClient client, RedisConnection redis, int citizens) {
        redis.run("emptying the bench Redis", c -> c.flushall());
        for (int i = 0; i < WARM_UP; i++) client.citizen("Warm_Up_" + i, CancelSignal.NONE);
        for (int i = 0; i < WARM_UP; i++) client.citizen("Warm_Up_" + i, CancelSignal.NONE);
        List<Double> live = new ArrayList<>();
        List<Double> cached = new ArrayList<>();
        for (int i = 0; i < citizens; i++) live.add(time(client, "Citizen_" + i, VeniceAnswer.Source.LIVE));
        for (int i = 0; i < citizens; i++) cached.add(time(client, "Citizen_" + i, VeniceAnswer.Source.CACHE));
        double liveP50 = percentile(live, 50);
        double liveP95 = percentile(live, 95);
        double cachedP50 = percentile(cached, 50);
        double cachedP95 = percentile(cached, 95);
        System.out.printf("venice: %d citizens, live p50 %.1f ms p95 %.1f ms; cached p50 %.2f ms p95 %.2f ms%n",
                citizens, liveP50, liveP95, cachedP50, cachedP95);
        System.out.printf("BENCH venice-live app=%.1f reference=%d ratio=%.2f%n", liveP50, LATENCY_MS, liveP50 / LATENCY_MS);
        System.out.printf("BENCH venice-live.p95 app=%.1f reference=%d ratio=%.2f%n", liveP95, LATENCY_MS, liveP95 / LATENCY_MS);
        System.out.printf("BENCH venice-cached app=%.2f reference=%.1f ratio=%.4f%n", cachedP50, liveP50, cachedP50 / liveP50);
        System.out.printf("BENCH venice-cached.p95 app=%.2f reference=%.1f ratio=%.4f%n", cachedP95, liveP50, cachedP95 / liveP50);
    }

    private static double time(VeniceClient client, String name, VeniceAnswer.Source expected) {
        long start = System.nanoTime();
        VeniceAnswer<?> a = client.citizen(name, CancelSignal.NONE);
        double ms = (System.nanoTime() - start) / 1e6;
        if (a.source() != expected || !a.found()) throw new IllegalStateException(name + ": expected " + expected + ", got " + a);
        return ms;
    }

    /**
     * 1,000 requests for 1,000 different citizens, one every 60 ms over the real minute (16 at a time at most, as
     * several views might ask), through one client: those over the budget are refused at once.
     */
    private static void rate(VeniceClient client, MockWebServer fake, int before, int seconds) throws InterruptedException {
        int total = 1_000;
        long spacingMicros = seconds * 1_000_000L / total;
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(16);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            String name = "Rate_Citizen_" + i;
            clock.schedule(() -> workers.execute(() -> {
                try {
                    client.citizen(name, CancelSignal.NONE);
                    answered.incrementAndGet();
                } catch (VeniceLimitException e) {
                    refused.incrementAndGet();
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                }
            }), i * spacingMicros, TimeUnit.MICROSECONDS);
        }
        clock.shutdown();
        clock.awaitTermination(seconds + 30, TimeUnit.SECONDS);
        workers.shutdown();
        workers.awaitTermination(60, TimeUnit.SECONDS);
        double took = (System.nanoTime() - start) / 1e9;
        int sent = fake.getRequestCount() - before;
        System.out.printf("venice: %d requests for %d different citizens in %.1f s (real clock, limiter %d per minute): "
                        + "%d answered, %d refused by the limiter at once, %d failed; %d reached the fake%n",
                total, total, took, RateLimiter.DEFAULT_PER_MINUTE, answered.get(), refused.get(), failed.get(), sent);
        System.out.printf("BENCH venice-rate requests-sent=%d limit=100%n", sent);
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(rank, sorted.size() - 1)));
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Venice's citizen answer for whoever is asked, after 200 ms, as a distant service would give it. */
    private static final class SlowVenice extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
            String name = r.getUrl().pathSegments().get(r.getUrl().pathSize() - 1);
            String body = "{\"success\":true,\"citizen\":{\"username\":\"" + name + "\",\"firstName\":\"Marco\",\"lastName\":\"Foscari\","
                    + "\"isAi\":true,\"socialClass\":\"Nobili\",\"influence\":1234.5,\"ducats\":98765,\"guildId\":\"umbrella_lane_merchants\","
                    + "\"workplace\":{\"name\":\"Banco Foscari\",\"type\":\"bank\",\"buildingId\":\"building_45.43_12.33\"},"
                    + "\"home\":\"canal_house_45.44_12.34\",\"lastActiveAt\":\"2026-01-15T09:30:00.000Z\",\"createdAt\":\"2025-03-01T12:00:00Z\"}}";
            return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json; charset=utf-8")
                    .headersDelay(LATENCY_MS, TimeUnit.MILLISECONDS).body(body).build();
        }
    }
}
