package ai.cascade.ops.demo;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.cache.RedisConnection;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSyntaxException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * The demo's Redis keys, derived from the demo's Postgres data: logins of recently active users,
 * revoked tokens, rate-limit counters, cached patterns and cached Venice answers (DATA-MODEL.md).
 * Deletes the previous {@code cascade:*} keys first, so filling twice gives the same keys, not twice as many.
 */
public final class DemoRedisData {
    private static final Logger log = LoggerFactory.getLogger(DemoRedisData.class);
    /** Keys the backend writes outside the contract (with text names); the console must show them as "other". */
    static final String[] OTHER_KEYS = DemoOtherKeys.TEXT_KEYS;
    private static final int VENICE_KEYS = 500;

    private DemoRedisData() {}

    /** Replaces the demo's {@code cascade:*} keys; the counts say what was written per key family. */
    public static RedisFill fill(RedisConnection redis, DataSource ds, long seed) {
        long started = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(DemoRandom.mix(seed ^ DemoRandom.REDIS));
        long now = Instant.now().getEpochSecond();
        RedisFill fill = redis.run("filling the demo keys", cmds -> {
            int removed = removePrevious(cmds);
            log.debug("Removed {} earlier demo keys", removed);
            RedisBatch batch = new RedisBatch(cmds);
            SessionKeys logins = new SessionKeys(rnd, now, cmds, batch);
            writeSessions(ds, logins, rnd);
            int blacklisted = logins.blacklist(Math.max(1, logins.sessions() / 10));
            int patterns = writePatterns(ds, batch);
            int venice = new VeniceCacheEntries(rnd, now).write(batch, VENICE_KEYS);
            batch.awaitAll();
            int other = DemoOtherKeys.write(redis, cmds, rnd, now);
            return new RedisFill(logins.sessions(), logins.malformed(), blacklisted, logins.rateLimits(), patterns, venice, other);
        });
        log.info("Filled the demo Redis with {} keys in {} ms", fill.total(), (System.nanoTime() - started) / 1_000_000);
        return fill;
    }

    /** SCAN, never KEYS or FLUSHALL: the Redis may hold keys that are not the demo's. */
    static int removePrevious(RedisCommands<String, String> cmds) {
        ScanArgs match = ScanArgs.Builder.matches("cascade:*").limit(1000);
        KeyScanCursor<String> cursor = cmds.scan(match);
        int removed = 0;
        while (true) {
            if (!cursor.getKeys().isEmpty()) removed += cmds.unlink(cursor.getKeys().toArray(String[]::new)).intValue();
            if (cursor.isFinished()) return removed;
            cursor = cmds.scan(cursor, match);
        }
    }

    /**
     * About one user in ten is logged in, chosen among those active in the data's last 14 days
     * (relative to the newest login, so an older dataset still has some).
     */
    private static void writeSessions(DataSource ds, SessionKeys logins, SplittableRandom rnd) {
        String sql = "SELECT id, venice_username, count(*) OVER () AS recent, (SELECT count(*) FROM cascade_users) AS total "
                + "FROM cascade_users WHERE last_login >= (SELECT max(last_login) FROM cascade_users) - interval '14 days' ORDER BY id";
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);   // pgjdbc streams with a fetch size only inside a transaction
            try (Statement st = c.createStatement()) {
                st.setFetchSize(2000);
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        double share = Math.min(1.0, 0.10 * rs.getLong(4) / rs.getLong(3));
                        if (rnd.nextDouble() < share) logins.login(rs.getInt(1), rs.getString(2));
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new BackendException(Backend.POSTGRES, "Reading the demo users for their sessions failed: " + e.getMessage(), e);
        }
    }

    /** The patterns still fresh in Postgres, each cached until its own expiry (at most 300 s). */
    private static int writePatterns(DataSource ds, RedisBatch batch) {
        String sql = "SELECT id, pattern_type, venice_source, pattern_data::text, cached_at, expires_at, "
                + "ceil(extract(epoch FROM expires_at - (now() AT TIME ZONE 'UTC')))::int "
                + "FROM consciousness_patterns WHERE expires_at > now() AT TIME ZONE 'UTC' ORDER BY id";
        int written = 0;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                JsonObject p = new JsonObject();
                p.addProperty("id", rs.getInt(1));
                p.addProperty("pattern_type", rs.getString(2));
                p.addProperty("venice_source", rs.getString(3));
                p.add("pattern_data", rs.getString(4) == null ? null : parse(rs.getString(4)));
                p.addProperty("cached_at", iso(rs.getObject(5, LocalDateTime.class)));
                p.addProperty("expires_at", iso(rs.getObject(6, LocalDateTime.class)));
                batch.setex("cascade:patterns:" + rs.getInt(1), Math.min(PatternRows.LIFETIME, rs.getInt(7)), p.toString());
                written++;
            }
        } catch (SQLException e) {
            throw new BackendException(Backend.POSTGRES, "Reading the demo patterns failed: " + e.getMessage(), e);
        }
        return written;
    }

    private static JsonElement parse(String json) {
        try {
            return JsonParser.parseString(json);
        } catch (JsonSyntaxException e) {   // jsonb always parses; kept as text should that ever change
            return new JsonPrimitive(json);
        }
    }

    private static String iso(LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC).toString();
    }
}
