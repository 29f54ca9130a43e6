package ai.cascade.ops.users;

import ai.cascade.ops.backend.LenientJson;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.Secrets;
import ai.cascade.ops.users.UserDetails.Login;
import ai.cascade.ops.users.UserDetails.RateLimit;
import ai.cascade.ops.users.UserDetails.Session;
import ai.cascade.ops.users.UserDetails.Shape;
import com.google.gson.JsonObject;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a user's login keys ({@code cascade:session:{id}}, {@code cascade:ratelimit:{id}}) as the
 * backend leaves them, which is messier than its contract: fields go missing, values are not JSON or
 * not strings, or huge. Whatever the value, the token id leaves this class only masked.
 * TYPE, STRLEN, PTTL and GET count as keyspace hits; a person opening one user's detail is worth that.
 */
public final class LoginReader {
    /** Larger session values are not read: a session is a few hundred bytes, a megabyte is already a fault. */
    public static final long LARGEST_VALUE_READ = 4L << 20;
    private static final int LONGEST_TEXT_SHOWN = 512;

    private LoginReader() {}

    static Login read(RedisConnection redis, int userId) {
        String sessionKey = "cascade:session:" + userId;
        String counterKey = "cascade:ratelimit:" + userId;
        return redis.run("reading the login keys of user " + userId, c -> new Login(session(c, sessionKey, userId), rateLimit(c, counterKey)));
    }

    private static Session session(RedisCommands<String, String> c, String key, int userId) {
        String type = c.type(key);
        if (type == null || type.equals("none")) return absent();
        long ttl = c.pttl(key);
        if (!type.equals("string"))
            return unreadable(Shape.NOT_A_STRING, ttl, 0, "The key holds a Redis " + type + ", not the JSON string the backend writes.");
        long bytes = c.strlen(key);
        if (bytes > LARGEST_VALUE_READ)
            return unreadable(Shape.TOO_LARGE, ttl, bytes, "The value is " + bytes + " bytes, too large to read here (sessions are a few hundred).");
        String value = c.get(key);
        if (value == null) return absent();   // expired between the commands
        return parse(value, bytes, ttl, userId);
    }

    /** The session's fields; anything missing or malformed is named in {@code problems}, never thrown. */
    public static Session parse(String value, long bytes, long ttlMillis, int userId) {
        JsonObject o = LenientJson.object(value);
        if (o == null)
            return unreadable(Shape.NOT_JSON, ttlMillis, bytes, "The value is not JSON (" + bytes + " bytes); it is not shown.");
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String field : new String[]{"user_id", "venice_username", "jti", "exp", "created_at", "last_seen", "ip", "user_agent"})
            if (o.get(field) == null || o.get(field).isJsonNull()) missing.add(field);
        if (!missing.isEmpty()) problems.add("Missing: " + String.join(", ", missing) + ".");
        Long valueUser = LenientJson.whole(o, "user_id");
        if (valueUser != null && valueUser != userId)
            problems.add("The value names user " + valueUser + ", but the key is user " + userId + "'s.");
        String jti = LenientJson.text(o, "jti");
        var exp = LenientJson.instant(o, "exp");
        if (o.has("exp") && exp == null) problems.add("exp is not a time.");
        return new Session(Shape.JSON, ttlMillis, bytes, valueUser == null ? null : valueUser.intValue(),
                LenientJson.shortened(LenientJson.text(o, "venice_username"), LONGEST_TEXT_SHOWN),
                jti == null ? null : Secrets.mask(jti), exp,
                LenientJson.instant(o, "created_at"), LenientJson.instant(o, "last_seen"),
                LenientJson.shortened(LenientJson.text(o, "ip"), LONGEST_TEXT_SHOWN),
                LenientJson.shortened(LenientJson.text(o, "user_agent"), LONGEST_TEXT_SHOWN), List.copyOf(problems));
    }

    private static Session absent() {
        return new Session(Shape.ABSENT, -2, 0, null, null, null, null, null, null, null, null, List.of());
    }

    private static Session unreadable(Shape shape, long ttl, long bytes, String problem) {
        return new Session(shape, ttl, bytes, null, null, null, null, null, null, null, null, List.of(problem));
    }

    private static RateLimit rateLimit(RedisCommands<String, String> c, String key) {
        String type = c.type(key);
        if (type == null || type.equals("none")) return new RateLimit(false, null, null, -2);
        long ttl = c.pttl(key);
        if (!type.equals("string")) return new RateLimit(true, null, "a Redis " + type + ", not a counter", ttl);
        long bytes = c.strlen(key);
        if (bytes > 64) return new RateLimit(true, null, "not a number (" + bytes + " bytes)", ttl);   // a counter is a few digits
        String value = c.get(key);
        if (value == null) return new RateLimit(false, null, null, -2);   // the window ended between the commands
        Long count;
        try {
            count = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            count = null;
        }
        return new RateLimit(true, count, value, ttl);
    }
}
