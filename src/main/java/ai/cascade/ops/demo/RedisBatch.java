package ai.cascade.ops.demo;

import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes many keys without a round trip each: commands go out on the shared connection's async API
 * and their answers are awaited a thousand at a time (the connection's settings stay untouched).
 */
final class RedisBatch {
    private static final int WAIT_EVERY = 1000;

    private final RedisAsyncCommands<String, String> async;
    private final List<RedisFuture<?>> pending = new ArrayList<>(WAIT_EVERY);

    RedisBatch(RedisCommands<String, String> commands) {
        this.async = commands.getStatefulConnection().async();
    }

    void setex(String key, long ttlSeconds, String value) {
        add(async.setex(key, Math.max(1, ttlSeconds), value));
    }

    /** A key without expiry (SET also clears an older TTL). */
    void set(String key, String value) {
        add(async.set(key, value));
    }

    private void add(RedisFuture<?> future) {
        pending.add(future);
        if (pending.size() >= WAIT_EVERY) awaitAll();
    }

    /** Waits for every command sent; the first failure is thrown as Lettuce would throw it. */
    void awaitAll() {
        try {
            for (RedisFuture<?> f : pending) f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException r ? r : new RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new RedisCommandTimeoutException("Redis did not confirm the demo keys within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandInterruptedException(e);
        } finally {
            pending.clear();
        }
    }
}
