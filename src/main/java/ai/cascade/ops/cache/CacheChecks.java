package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static ai.cascade.ops.ui.Figures.bytes;
import static ai.cascade.ops.ui.Figures.count;
import static ai.cascade.ops.ui.Figures.percent;

/**
 * Redis' health checks: reachable (PING), the keyspace hit rate and evictions over an interval (deltas of INFO
 * stats, not the lifetime ratio, which hides today's trouble behind months of history), memory against maxmemory,
 * and keys of the backend's expiring families (DATA-MODEL.md) that have no TTL.
 */
public final class CacheChecks {
    /** The key families DATA-MODEL.md gives a TTL: one of their keys without a TTL never leaves. */
    public static final List<String> EXPIRING_FAMILIES = List.of(
            "cascade:patterns:", "cascade:venice:", "cascade:session:", "cascade:blacklist:", "cascade:ratelimit:");
    /** Families whose key names end in a credential-like id (token ids, user ids of sessions): shown masked. */
    private static final List<String> MASKED_FAMILIES = List.of("cascade:session:", "cascade:blacklist:");
    /** A PING on a healthy local network takes about a millisecond; this is slow enough for pages to feel it. */
    static final long SLOW_PING_MILLIS = 250;
    /** Keys per SCAN step: 1000 is 2–3 times faster than 100 over a large keyspace (STACK.md). */
    private static final int SCAN_COUNT = 1000;
    private static final int KEYS_NAMED = 20;

    /** How long a reading waits for the console's own lookup batches in flight before it reads INFO anyway. */
    private static final Duration LOOKUPS_PATIENCE = Duration.ofSeconds(2);

    /**
     * Redis' lifetime counters at one moment (INFO stats), to subtract from a later reading, with the console's own
     * lookups ({@link OwnLookups}) tallied by then; {@code exact}: no batch of them was in flight while INFO was read.
     */
    public record KeyspaceReading(long hits, long misses, long evictedKeys, long atNanos, OwnLookups.Tally own, boolean exact) {
        static KeyspaceReading of(Map<String, String> info, OwnLookups.Tally own, boolean exact) {
            return new KeyspaceReading(number(info, "keyspace_hits"), number(info, "keyspace_misses"),
                    number(info, "evicted_keys"), System.nanoTime(), own, exact);
        }
    }

    /** INFO and the console's own lookups at the same moment. */
    private record InfoReading(Map<String, String> info, KeyspaceReading keyspace) {}

    /** What the walk over the expiring families found. */
    private record TtlScan(long scanned, long withoutTtl, Map<String, Long> perFamily, List<String> named, boolean partial,
                           long tookMillis) {}

    private final Connections connections;
    private final CheckThresholds thresholds;
    private final Duration interval;
    private final Duration scanBudget;
    /** A walk younger than this is reused: a watch every 30 s must not walk millions of keys every 30 s. */
    private final Duration walkEvery;
    private volatile TtlScan lastWalk;
    private volatile long lastWalkAtNanos;

    /** Samples the hit rate over one second; gives the keys-without-TTL walk ten seconds. */
    public CacheChecks(Connections connections, CheckThresholds thresholds) {
        this(connections, thresholds, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    public CacheChecks(Connections connections, CheckThresholds thresholds, Duration interval, Duration scanBudget) {
        this(connections, thresholds, interval, scanBudget, Duration.ZERO);
    }

    /** {@code walkEvery}: how long the keys-without-TTL walk's result is reused by later runs of this instance. */
    public CacheChecks(Connections connections, CheckThresholds thresholds, Duration interval, Duration scanBudget, Duration walkEvery) {
        this.connections = connections;
        this.thresholds = thresholds;
        this.interval = interval;
        this.scanBudget = scanBudget;
        this.walkEvery = walkEvery;
    }

    /**
     * Every check, the hit rate and evictions over the configured interval (this call waits for it).
     * Throws {@link ai.cascade.ops.backend.BackendException} only when Redis cannot be reached at all.
     */
    public List<Check> run(CancelSignal cancel) {
        Check reachable = ping();
        KeyspaceReading start = reading();
        pause(interval, cancel);
        return measure(reachable, start, cancel);
    }

    /** Like {@link #run(CancelSignal)}, with the interval starting at {@code since} (a reading taken earlier) instead of a pause. */
    public List<Check> run(CancelSignal cancel, KeyspaceReading since) {
        return measure(ping(), since, cancel);
    }

    /** Redis' counters now: the start of an interval. INFO is no keyspace lookup, so reading does not change them. */
    public KeyspaceReading reading() {
        return infoReading().keyspace();
    }

    /**
     * INFO read while none of the console's lookup batches is in flight, with its tally of them; after waiting
     * {@link #LOOKUPS_PATIENCE} in vain, read anyway and marked inexact.
     */
    private InfoReading infoReading() {
        OwnLookups lookups = connections.redis().lookups();
        String node = ownNode();
        OwnLookups.Reading<Map<String, String>> r = lookups.read(this::info, LOOKUPS_PATIENCE);
        if (r != null) return new InfoReading(r.value(), KeyspaceReading.of(r.value(), r.ownOn(node), true));
        Map<String, String> info = info();
        return new InfoReading(info, KeyspaceReading.of(info, lookups.snapshot().getOrDefault(node, OwnLookups.Tally.ZERO), false));
    }

    /** The id under which the console tallies its lookups on the profile's server. */
    private String ownNode() {
        return RedisNode.standalone(connections.redis().address().host(), connections.redis().address().port()).id();
    }

    private List<Check> measure(Check reachable, KeyspaceReading since, CancelSignal cancel) {
        // The interval ends BEFORE the walk over the families: its PTTLs count as keyspace hits (STACK.md) and
        // would otherwise report our own lookups as the cache working well.
        InfoReading reading = infoReading();
        Map<String, String> info = reading.info();
        KeyspaceReading now = reading.keyspace();
        List<Check> out = new ArrayList<>();
        out.add(reachable);
        out.add(hitRate(since, now));
        out.add(memory(info));
        out.add(evictions(since, now));
        out.add(keysWithoutTtl(cancel));
        return out;
    }

    private Check ping() {
        long start = System.nanoTime();
        connections.redis().run("answering PING", c -> c.ping());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String version = info().getOrDefault("redis_version", "?");
        boolean slow = ms > SLOW_PING_MILLIS;
        return check("redis.reachable", "Redis reachable", slow ? Verdict.WARNING : Verdict.OK,
                "Redis " + version + ", PING answered in " + ms + " ms",
                slow ? "Redis answers slowly (over " + SLOW_PING_MILLIS + " ms): logins and cached pages wait on it. Look for a busy "
                        + "server (SLOWLOG, large keys, a KEYS command) or a slow network." : "");
    }

    private Check hitRate(KeyspaceReading since, KeyspaceReading now) {
        boolean reset = now.hits() < since.hits() || now.misses() < since.misses();
        // statistics reset within the interval (CONFIG RESETSTAT, a restart): what counted since is all there is
        long hits = reset ? now.hits() : now.hits() - since.hits();
        long misses = reset ? now.misses() : now.misses() - since.misses();
        // The console's own lookups in the interval (an inventory, a session list) are not the application's.
        OwnLookups.Tally own = reset ? OwnLookups.Tally.ZERO : now.own().minus(since.own());
        hits = Math.max(0, hits - own.hits());
        misses = Math.max(0, misses - own.misses());
        String ownNote = own.lookups() == 0 ? "" : "; the console's own " + count(own.lookups())
                + plural(own.lookups(), " lookup", " lookups") + " left out" + (since.exact() && now.exact() ? "" : ", approximately");
        String lifetime = "since start " + percent(now.hits(), now.hits() + now.misses());
        String over = seconds(since, now);
        if (hits + misses == 0)
            return check("redis.hit_rate", "Keyspace hit rate", Verdict.OK, "no lookups in the interval (" + over + ownNote + "); " + lifetime, "");
        double percent = 100.0 * hits / (hits + misses);
        boolean low = percent < thresholds.redisHitRateWarnPercent();
        String figure = percent(hits, hits + misses) + " over " + over + " (" + count(hits) + plural(hits, " hit", " hits") + ", "
                + count(misses) + plural(misses, " miss", " misses") + (reset ? ", counted since a statistics reset" : "") + ownNote + "); " + lifetime;
        return check("redis.hit_rate", "Keyspace hit rate", low ? Verdict.WARNING : Verdict.OK, figure, low
                ? "Below " + thresholds.redisHitRateWarnPercent() + " %: most lookups miss, so requests go to Venice and Postgres "
                        + "instead. Check that the backend writes its caches, and that keys are not evicted or expiring early." : "");
    }

    private Check memory(Map<String, String> info) {
        long used = number(info, "used_memory");
        long max = number(info, "maxmemory");
        String policy = info.getOrDefault("maxmemory_policy", "?");
        if (max <= 0)
            return check("redis.memory", "Memory vs maxmemory", Verdict.OK, bytes(used) + " used, no limit set (eviction policy "
                    + policy + ")", "");
        double percent = 100.0 * used / max;
        Verdict v = percent >= thresholds.redisMemoryCriticalPercent() ? Verdict.CRITICAL
                : percent >= thresholds.redisMemoryWarnPercent() ? Verdict.WARNING : Verdict.OK;
        String figure = bytes(used) + " of " + bytes(max) + " (" + percent(used, max) + "), eviction policy " + policy;
        String advice = v == Verdict.OK ? "" : policy.equals("noeviction")
                ? "At the limit Redis refuses writes (noeviction): logins, rate limits and caches fail. Raise maxmemory or find "
                        + "what grows (Cache page)."
                : "At the limit Redis evicts keys (" + policy + "): caches lose entries early"
                        + (policy.startsWith("allkeys") ? ", and sessions and blacklisted tokens may go too" : "")
                        + ". Raise maxmemory or find what grows (Cache page).";
        return check("redis.memory", "Memory vs maxmemory", v, figure, advice);
    }

    private Check evictions(KeyspaceReading since, KeyspaceReading now) {
        long evicted = now.evictedKeys() < since.evictedKeys() ? now.evictedKeys() : now.evictedKeys() - since.evictedKeys();
        String figure = count(evicted) + plural(evicted, " key", " keys") + " evicted over " + seconds(since, now) + "; "
                + count(now.evictedKeys()) + " since start";
        return check("redis.evictions", "Evictions", evicted > 0 ? Verdict.WARNING : Verdict.OK, figure, evicted > 0
                ? "Caches are being evicted: Redis is at maxmemory and drops keys before their TTL. Raise maxmemory or cache less." : "");
    }

    private Check keysWithoutTtl(CancelSignal cancel) {
        AtomicBoolean stop = new AtomicBoolean();
        cancel.onCancel(() -> stop.set(true));
        TtlScan s = lastWalk;
        long age = System.nanoTime() - lastWalkAtNanos;
        String reused = "";
        if (s == null || age >= walkEvery.toNanos()) {
            s = connections.redis().runDedicated("looking for keys without a TTL", conn -> walkFamilies(conn, stop, ownNode()));
            if (!stop.get()) {
                lastWalk = s;
                lastWalkAtNanos = System.nanoTime();
            }
        } else {
            reused = " (walked " + ai.cascade.ops.ui.Figures.duration(java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(age)) + " ago)";
        }
        String partial = (s.partial() ? " — partial: scanned " + count(s.scanned()) + " keys in " + s.tookMillis() / 1000 + " s" : "") + reused;
        if (s.withoutTtl() == 0)
            return check("redis.keys_without_ttl", "Keys without TTL", Verdict.OK,
                    "all " + count(s.scanned()) + " keys of the cache families expire" + partial, "");
        List<String> perFamily = new ArrayList<>();
        s.perFamily().forEach((family, n) -> perFamily.add(family.substring("cascade:".length(), family.length() - 1) + " " + count(n)));
        String figure = count(s.withoutTtl()) + " of " + count(s.scanned()) + " never expire (" + String.join(", ", perFamily) + ")" + partial;
        return new Check(Backend.REDIS, "redis.keys_without_ttl", "Keys without TTL", Verdict.WARNING, figure,
                "These keys never expire: the cache grows without bound and serves stale data, and sessions or blacklist "
                        + "entries outlive their token. Find the backend code that writes them without a TTL; set one (EXPIRE) "
                        + "or delete them from the Cache page.", "inventory", s.named());
    }

    /**
     * One SCAN over {@code cascade:*}, not one per family: every SCAN walks the whole keyspace whatever its MATCH, so
     * five walks would cost five times as much. PTTL for each family key, pipelined per batch on a connection of
     * its own (auto-flush off: one write per batch, STACK.md). Stops at the time budget and says so.
     */
    private TtlScan walkFamilies(StatefulRedisConnection<String, String> conn, AtomicBoolean stop, String node) {
        long started = System.nanoTime();
        long deadline = started + scanBudget.toNanos();
        conn.setAutoFlushCommands(false);
        RedisAsyncCommands<String, String> a = conn.async();
        ScanArgs args = ScanArgs.Builder.matches("cascade:*").limit(SCAN_COUNT);
        RedisFuture<KeyScanCursor<String>> next = a.scan(args);
        conn.flushCommands();
        long scanned = 0, withoutTtl = 0;
        Map<String, Long> perFamily = new LinkedHashMap<>();
        List<String> named = new ArrayList<>();
        boolean partial = false;
        while (next != null) {
            KeyScanCursor<String> cursor = await(next);
            if (stop.get()) throw new CancellationException("cancelled while looking for keys without a TTL");
            List<String> keys = new ArrayList<>();
            List<RedisFuture<Long>> ttls = new ArrayList<>();
            // PTTL is a keyspace lookup: tallied, so the hit rate leaves the walk out
            try (OwnLookups.Batch batch = connections.redis().lookups().begin(node)) {
                for (String k : cursor.getKeys()) {
                    if (family(k) == null) continue;
                    keys.add(k);
                    ttls.add(a.pttl(k));
                }
                next = cursor.isFinished() ? null : a.scan(cursor, args);
                conn.flushCommands();
                long[] pttls = awaitTallied(ttls, batch);
                for (int i = 0; i < keys.size(); i++) {
                    if (pttls[i] != -1) continue;   // a TTL, or -2: gone since SCAN saw it
                    withoutTtl++;
                    perFamily.merge(family(keys.get(i)), 1L, Long::sum);
                    if (named.size() < KEYS_NAMED) named.add(masked(keys.get(i)));
                }
            }
            scanned += keys.size();
            if (next != null && System.nanoTime() > deadline) {
                partial = true;
                await(next);   // leave the connection quiet before it closes
                break;
            }
        }
        return new TtlScan(scanned, withoutTtl, perFamily, named, partial, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** The PTTLs' replies, each tallied as a hit or (-2, no such key) a miss; those lost to an error as unknown. */
    private static long[] awaitTallied(List<RedisFuture<Long>> ttls, OwnLookups.Batch batch) {
        long[] out = new long[ttls.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = await(ttls.get(i));
            } catch (RuntimeException e) {
                batch.unknown(out.length - i);
                throw e;
            }
            if (out[i] == -2) batch.miss();
            else batch.hit();
        }
        return out;
    }

    private static String family(String key) {
        for (String f : EXPIRING_FAMILIES) if (key.startsWith(f)) return f;
        return null;
    }

    /** Session and blacklist keys end in an id that must not be shown whole: its first four characters only. */
    static String masked(String key) {
        for (String f : MASKED_FAMILIES) {
            if (!key.startsWith(f)) continue;
            String id = key.substring(f.length());
            return f + (id.length() <= 4 ? id : id.substring(0, 4) + "…");
        }
        return key;
    }

    private static <T> T await(RedisFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while looking for keys without a TTL");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisException r) throw r;
            throw new RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new RedisException("no answer within 10 s", e);
        }
    }

    private Map<String, String> info() {
        return parseInfo(connections.redis().run("reading INFO", c -> c.info()));
    }

    /** INFO's {@code name:value} lines; section headers and blank lines skipped. */
    public static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) m.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return m;
    }

    /** One of INFO's counters; absent or not a number (another server's dialect) reads as 0. */
    public static long number(Map<String, String> info, String key) {
        try {
            return Long.parseLong(info.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Waits out the sampling interval; a cancel ends the wait, and the run. */
    private static void pause(Duration d, CancelSignal cancel) {
        CountDownLatch cancelled = new CountDownLatch(1);
        cancel.onCancel(cancelled::countDown);
        try {
            if (cancelled.await(d.toMillis(), TimeUnit.MILLISECONDS)) throw new CancellationException("checks cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while sampling Redis");
        }
    }

    private static Check check(String id, String title, Verdict v, String figure, String advice) {
        // hit rate, memory and evictions are charted on the Cache page's "Over time" tab
        return Check.of(Backend.REDIS, id, title, v, figure, advice, id.equals("redis.reachable") ? "" : id.equals("redis.keys_without_ttl") ? "inventory" : "trends");
    }

    private static String seconds(KeyspaceReading since, KeyspaceReading now) {
        return String.format(Locale.ROOT, "%.1f s", (now.atNanos() - since.atNanos()) / 1e9);
    }

    private static String plural(long n, String one, String many) {
        return n == 1 ? one : many;
    }
}
