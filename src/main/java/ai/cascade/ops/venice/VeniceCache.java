package ai.cascade.ops.venice;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.cache.RedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The Redis side of one Venice call: the entry under the contract's key, and writing a fresh answer with its TTL.
 * Redis trouble never fails the call: it is remembered as {@link #problem()} and the call goes on uncached.
 */
final class VeniceCache {
    private static final Logger log = LoggerFactory.getLogger(VeniceCache.class);

    /** A cached body and its remaining TTL in milliseconds (-1 none, -2 gone meanwhile). */
    record Entry(String body, long ttlMillis) {
        /** How old the entry is, assuming it was written with {@code lifetime}; null when that cannot be told. */
        Duration age(Duration lifetime) {
            if (ttlMillis < 0) return null;
            Duration d = lifetime.minusMillis(ttlMillis);
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    /** Null when Redis is not configured or failed during this call: one failure is enough to wait on. */
    private RedisConnection redis;
    private final long largest;
    private String problem;

    private VeniceCache(RedisConnection redis, String problem, long largest) {
        this.redis = redis;
        this.problem = problem;
        this.largest = largest;
    }

    static VeniceCache open(Supplier<RedisConnection> redis, long largest) {
        try {
            RedisConnection r = redis.get();
            return new VeniceCache(r, r == null ? "Uncached: Redis is not configured in this profile." : null, largest);
        } catch (BackendException e) {
            return new VeniceCache(null, uncached(e), largest);
        }
    }

    /** Null when the cache was used as it should be; else why not, for a person. */
    String problem() { return problem; }

    /** The entry under {@code key}, or null (none, too large to trust, or Redis failed: then {@link #problem()} says so). */
    Entry read(String key) {
        if (redis == null) return null;
        try {
            return redis.run("reading the Venice cache", c -> {
                // One bounded read (a value written by someone else may be huge), then the TTL on a hit only: a miss
                // counts once in Redis' keyspace statistics, as the backend's own GET does.
                String body = c.getrange(key, 0, largest);
                if (body == null || body.isEmpty()) return null;
                if (body.getBytes(StandardCharsets.UTF_8).length > largest) {
                    log.info("Ignoring the cache entry {}: over {} bytes is not a Venice answer", key, largest);
                    return null;
                }
                return new Entry(body, c.pttl(key));
            });
        } catch (BackendException e) {
            problem = uncached(e);
            redis = null;
            return null;
        }
    }

    /** Stores {@code body} for {@code lifetime} (SET … EX); returns the problem when it could not. */
    String write(String key, String body, Duration lifetime) {
        if (redis == null) return problem;
        try {
            redis.run("caching Venice's answer", c -> c.setex(key, lifetime.toSeconds(), body));
            return null;
        } catch (BackendException e) {
            log.info("Venice's answer for {} was not cached: {}", key, e.getMessage());
            return problem = uncached(e);
        }
    }

    private static String uncached(BackendException e) {
        return "Uncached: " + e.getMessage();
    }
}
