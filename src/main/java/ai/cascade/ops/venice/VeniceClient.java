package ai.cascade.ops.venice;

import ai.cascade.ops.backend.LenientJson;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.venice.VeniceAnswer.Outcome;
import ai.cascade.ops.venice.VeniceAnswer.Source;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Venice's citizen profile and ledger, read through the Redis cache the backend shares ({@link VeniceCacheKey},
 * 300 s), throttled by the workspace's {@link RateLimiter}, with retries on 429 and 5xx ({@link VeniceExchange}).
 * <p>
 * Only a complete, successful answer in Venice's JSON is cached, exactly as received. Never cached: stand-in data
 * ({@code _fallback: true}, returned as {@link Outcome#DEGRADED}), a 404 ({@link Outcome#NOT_FOUND}, an answer and
 * not an error), HTML, an empty or cut-off body, a body over the size cap, any error. A cached entry that is not
 * such an answer is ignored. When Redis is down or not configured, answers come live and say they are uncached.
 * Failures are {@link BackendException}s with a message for a person; the budget being spent is a
 * {@link VeniceLimitException}. Thread-safe: one instance per workspace.
 */
public final class VeniceClient {
    private static final Logger log = LoggerFactory.getLogger(VeniceClient.class);
    /** The contract's lifetime of a cached answer. */
    public static final Duration CACHE_LIFETIME = Duration.ofSeconds(300);

    /**
     * How hard to try: {@code attempts} in all for a 429 or 5xx, waiting {@code backoff} × 2ⁿ between them unless
     * Venice says {@code Retry-After}; a wait longer than {@code longestWait} is not waited (the error says when to
     * try); bodies over {@code largestBody} bytes are refused.
     */
    public record Policy(int attempts, Duration backoff, Duration longestWait, long largestBody) {
        public static final Policy DEFAULT = new Policy(2, Duration.ofMillis(500), Duration.ofSeconds(5), 2L << 20);
    }

    /** Since start: answers from the cache, requests sent to Venice (retries and health checks included), refusals by the budget. */
    public record Stats(long fromCache, long sentToVenice, long refusedByLimit) {}

    /** What an endpoint's answer holds: the item's field and how to read it. */
    private record Reading<T>(String what, String field, Function<JsonObject, T> parse) {}

    private final VeniceHttp http;
    private final Supplier<RedisConnection> redis;
    private final RateLimiter limiter;
    private final VeniceExchange exchange;
    private final Policy policy;
    private final AtomicLong fromCache = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param redis the profile's Redis; it may throw {@link BackendException} (down, not configured): the client then
     *              works uncached and says so
     */
    public VeniceClient(VeniceHttp http, Supplier<RedisConnection> redis, RateLimiter limiter, Clock clock) {
        this(http, redis, limiter, clock, Policy.DEFAULT);
    }

    public VeniceClient(VeniceHttp http, Supplier<RedisConnection> redis, RateLimiter limiter, Clock clock, Policy policy) {
        this.http = http;
        this.redis = redis;
        this.limiter = limiter;
        this.policy = policy;
        this.exchange = new VeniceExchange(http, limiter, policy, clock);
    }

    public String baseUrl() { return http.baseUrl(); }

    public RateLimiter limiter() { return limiter; }

    public Stats stats() { return new Stats(fromCache.get(), exchange.sent(), refused.get()); }

    /**
     * The citizen's profile, {@code GET /citizens/{username}}: from the cache when a fresh entry exists, else from
     * Venice (then cached). A citizen Venice does not know is {@link Outcome#NOT_FOUND}.
     *
     * @throws BackendException when Venice cannot give a usable answer (unreachable, not Venice, errors, too large)
     * @throws java.util.concurrent.CancellationException when {@code cancel} fired
     */
    public VeniceAnswer<Citizen> citizen(String username, CancelSignal cancel) {
        String name = checked(username);
        return fetch(VeniceCacheKey.citizenPath(name), Map.of(),
                new Reading<>("citizen \"" + name + "\"", "citizen", VeniceJson::citizen), cancel);
    }

    /** The citizen's ledger, {@code GET /get-ledger?citizenUsername=…&format=json}, cached like {@link #citizen}. */
    public VeniceAnswer<Ledger> ledger(String username, CancelSignal cancel) {
        String name = checked(username);
        return fetch("get-ledger", VeniceCacheKey.ledgerParams(name),
                new Reading<>("ledger of \"" + name + "\"", "data", VeniceJson::ledger), cancel);
    }

    /**
     * How often the workspace checks Venice: often enough that an outage shows within 5 s. Each check is a request
     * within the budget: 20 of the 90 a minute while idle; when people have spent the budget, none is sent and the status says so.
     */
    public static final Duration HEALTH_CHECK_EVERY = Duration.ofSeconds(3);

    /**
     * The health check ({@link VeniceHttp#probe}) within the same budget: Venice counts it among the 100 a minute.
     * When the budget is spent it is not sent, and the note says so.
     */
    public String probe() {
        try {
            limiter.acquire();
        } catch (VeniceLimitException e) {
            refused.incrementAndGet();
            return "Not checked just now: " + e.getMessage();
        }
        return http.probe();
    }

    private static String checked(String username) {
        String name = username == null ? "" : username.strip();
        // "." and ".." cannot be one path segment: HTTP clients resolve them away
        if (name.isEmpty() || name.equals(".") || name.equals(".."))
            throw VeniceExchange.venice("\"" + (username == null ? "" : username) + "\" is not a Venice username that can be looked up.", null);
        return name;
    }

    private <T> VeniceAnswer<T> fetch(String path, Map<String, String> params, Reading<T> reading, CancelSignal cancel) {
        long start = System.nanoTime();
        String key = VeniceCacheKey.of(path, params);
        VeniceCache cache = VeniceCache.open(redis, policy.largestBody());
        VeniceCache.Entry entry = cache.read(key);
        if (entry != null) {
            JsonObject json = VeniceJson.object(entry.body());
            JsonObject item = usable(json, reading);
            if (item != null && !VeniceJson.fallback(json, item)) {
                fromCache.incrementAndGet();
                return new VeniceAnswer<>(Outcome.FOUND, reading.parse().apply(item), Source.CACHE, since(start), entry.age(CACHE_LIFETIME), null);
            }
            log.info("Ignoring the cache entry {}: it is not a usable Venice answer; asking Venice", key);
        }
        VeniceExchange.Reply r;
        try {
            r = exchange.get(path, params, cancel);
        } catch (VeniceLimitException e) {
            refused.incrementAndGet();
            throw e;
        }
        return live(r, key, reading, cache, start);
    }

    private <T> VeniceAnswer<T> live(VeniceExchange.Reply r, String key, Reading<T> reading, VeniceCache cache, long start) {
        if (r.tooLarge())
            throw failed("Venice's answer for the " + reading.what() + " is larger than " + (policy.largestBody() >> 20)
                    + " MB: refused and not cached (an answer is a few kilobytes). Check the Venice URL.");
        JsonObject json = VeniceJson.object(r.body());
        String error = LenientJson.shortened(LenientJson.text(json, "error"), 200);
        if (r.code() == 429)
            throw failed("Venice is rate-limiting this address (429)" + (r.retryAfter() == null ? "" : " and asks to wait "
                    + Math.max(1, r.retryAfter().toSeconds()) + " s") + ": try again later. Nothing was cached.");
        if (r.code() >= 500)
            throw failed("Venice answered " + r.code() + (error == null ? "" : " (" + error + ")")
                    + (r.attempts() > 1 ? " " + r.attempts() + " times" : "") + ": its service is having trouble. Try again later.");
        if (json == null) throw failed(notVenice(r));
        if (r.code() == 404)
            return new VeniceAnswer<>(Outcome.NOT_FOUND, null, Source.LIVE, since(start), null, cache.problem());
        if (r.code() < 200 || r.code() > 299)
            throw failed("Venice answered " + r.code() + " for the " + reading.what() + (error == null ? "." : ": " + error));
        JsonObject item = usable(json, reading);
        if (item == null)
            throw failed("Venice answered without the " + reading.what() + (error == null ? "" : ": " + error) + ". Nothing was cached.");
        T value = reading.parse().apply(item);
        if (VeniceJson.fallback(json, item))
            return new VeniceAnswer<>(Outcome.DEGRADED, value, Source.LIVE, since(start), null, cache.problem());
        String note = cache.write(key, r.body(), CACHE_LIFETIME);
        return new VeniceAnswer<>(Outcome.FOUND, value, Source.LIVE, since(start), null, note);
    }

    /** The item of a successful answer ({@code success: true} and an object under the field), else null. */
    private static JsonObject usable(JsonObject json, Reading<?> reading) {
        if (json == null || !Boolean.TRUE.equals(LenientJson.bool(json, "success"))) return null;
        return LenientJson.child(json, reading.field());
    }

    private String notVenice(VeniceExchange.Reply r) {
        String body = r.body().strip();
        String what = body.isEmpty() ? "an empty body"
                : body.startsWith("<") ? "an HTML page"
                : body.startsWith("{") || body.startsWith("[") ? "JSON that is cut off or not an answer"
                : "text that is not JSON";
        return "The server at " + exchange.where() + " answered " + r.code() + " with " + what
                + " instead of Venice's JSON: nothing was cached. Check the Venice URL (it usually ends in /api).";
    }

    private static BackendException failed(String message) {
        return VeniceExchange.venice(message, null);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
