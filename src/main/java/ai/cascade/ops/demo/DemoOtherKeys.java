package ai.cascade.ops.demo;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.cache.RedisNode;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Keys the backend writes outside the contract, in every Redis type, so the key browser has something of each to
 * show: a job queue (list), feature flags (hash), online workers (set), a leaderboard (sorted set), an event log
 * (stream) and a key whose name is not UTF-8. None has a TTL, and none is in a cache family.
 */
final class DemoOtherKeys {
    static final String LOCK = "backend:lock:cron";
    static final String FLAGS = "backend:feature-flags";
    static final String QUEUE = "backend:queue:emails";
    static final String SETTINGS = "backend:settings";
    static final String WORKERS = "backend:workers:online";
    static final String LEADERBOARD = "backend:leaderboard:weekly";
    static final String EVENTS = "backend:events";
    /** Every name that is valid text; the binary one is written apart. */
    static final String[] TEXT_KEYS = {LOCK, FLAGS, QUEUE, SETTINGS, WORKERS, LEADERBOARD, EVENTS};
    private static final byte[] BINARY_KEY = {'b', 'a', 'c', 'k', 'e', 'n', 'd', ':', 'b', 'l', 'o', 'b', ':', (byte) 0xff, (byte) 0xfe, '\n', 0x01};

    private DemoOtherKeys() {}

    /** Writes (replacing) the keys; returns how many. */
    static int write(RedisConnection redis, RedisCommands<String, String> c, SplittableRandom rnd, long now) {
        c.del(TEXT_KEYS);
        c.set(LOCK, "worker-2:" + now);
        c.set(FLAGS, "{\"newCheckout\":true,\"veniceLedgerV2\":false}");
        for (int i = 0; i < 240; i++)
            c.rpush(QUEUE, "{\"to\":\"user" + rnd.nextInt(1, 50_000) + "@example.org\",\"template\":\"" + (i % 3 == 0 ? "renewal" : "welcome") + "\"}");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("maintenance_window", "Sun 03:00-04:00 UTC");
        settings.put("venice_base_url", "https://serenissima.ai/api");
        settings.put("max_collaborators", "12");
        settings.put("pattern_ttl_seconds", "300");
        settings.put("trial_days", "14");
        c.hset(SETTINGS, settings);
        c.sadd(WORKERS, "worker-1", "worker-2", "worker-3", "cron-1");
        for (int i = 0; i < 150; i++) c.zadd(LEADERBOARD, rnd.nextInt(0, 10_000), VenetianNames.citizen(rnd));
        for (int i = 0; i < 120; i++)
            c.xadd(EVENTS, Map.of("type", i % 4 == 0 ? "subscription.updated" : "login", "user_id", String.valueOf(rnd.nextInt(1, 50_000))));
        redis.runBytes(RedisNode.standalone(redis.address().host(), redis.address().port()), "writing a binary demo key",
                b -> b.set(BINARY_KEY, new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, (byte) 0xcb, 0x48, (byte) 0xcd, (byte) 0xc9}));
        return TEXT_KEYS.length + 1;
    }
}
