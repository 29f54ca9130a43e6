package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.database.AuditLog;
import ai.cascade.ops.database.Database;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.sync.RedisCommands;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Support actions on one user's Redis state, each audited first (no audit, no change): resetting the rate-limit
 * counter {@code cascade:ratelimit:{user_id}}, and purging the cached Venice answers about the user's citizen.
 */
public final class RedisSupportActions {
    static final String VENICE_PREFIX = "cascade:venice:";
    private static final int DELETE_BATCH = 500;
    private static final int KEYS_IN_AUDIT = 50;

    /** The counter reset: whether there was one, and what it held. */
    public record RateLimitReset(boolean existed, String previous, long auditId) {}

    /** The cache purge: the keys deleted (all verified to concern the citizen). */
    public record VenicePurge(List<String> keys, long deleted, long auditId) {}

    private final Connections connections;
    private final String profileName;

    public RedisSupportActions(Connections connections, String profileName) {
        this.connections = connections;
        this.profileName = profileName;
    }

    /** Deletes {@code cascade:ratelimit:{userId}} after recording why. */
    public RateLimitReset resetRateLimit(int userId, String reason) {
        requireReason(reason);
        String key = "cascade:ratelimit:" + userId;
        String previous = connections.redis().run("reading the rate-limit counter of user " + userId, c -> c.get(key));
        JsonObject details = new JsonObject();
        details.addProperty("user_id", userId);
        details.addProperty("previous", previous);
        Audited<Long> deleted = auditedWrite("reset-rate-limit", key, reason.strip(), details,
                "resetting the rate-limit counter of user " + userId, c -> c.del(key));
        return new RateLimitReset(deleted.result() > 0, previous, deleted.auditId());
    }

    /**
     * Deletes the cached Venice answers about {@code username}'s citizen ({@link #concerns}), after recording which.
     * SCAN narrows by the name (glob characters escaped); each key is then checked exactly, so a citizen whose name
     * merely starts with the same letters keeps their entries.
     */
    public VenicePurge purgeVeniceCache(int userId, String username, String reason) {
        requireReason(reason);
        if (username == null || username.isEmpty()) throw new IllegalArgumentException("no Venice username");
        List<String> keys = veniceKeysOf(username);
        JsonObject details = new JsonObject();
        details.addProperty("user_id", userId);
        details.addProperty("venice_username", username);
        details.addProperty("keys", keys.size());
        JsonArray sample = new JsonArray();
        keys.stream().limit(KEYS_IN_AUDIT).forEach(sample::add);
        details.add("key_names", sample);
        Audited<Long> deleted = auditedWrite("purge-venice-cache", "citizen " + username, reason.strip(), details,
                "purging the Venice cache of " + username, c -> {
                    long n = 0;
                    for (int from = 0; from < keys.size(); from += DELETE_BATCH)
                        n += c.del(keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).toArray(String[]::new));
                    return n;
                });
        return new VenicePurge(keys, deleted.result(), deleted.auditId());
    }

    private record Audited<T>(T result, long auditId) {}

    /**
     * Writes the audit entry and makes the Redis change as one: the entry commits once Redis has answered, so a user
     * whose Redis ACL refuses the write (NOPERM: a monitoring Redis user) leaves no entry for a change never made.
     * A lost reply keeps the entry: the change may have happened.
     */
    private <T> Audited<T> auditedWrite(String action, String target, String reason, JsonObject details, String what,
                                        Function<RedisCommands<String, String>, T> write) {
        Database db = connections.database();
        return db.run("writing the audit entry for " + action, c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                AuditLog.Entry entry;
                try {
                    entry = AuditLog.append(c, profileName, action, target, reason, details);
                } catch (SQLException e) {
                    c.rollback();
                    throw AuditLog.refused(db, e);
                }
                T result;
                try {
                    result = connections.redis().run(what, write);
                } catch (BackendException e) {
                    if (e.getCause() instanceof RedisCommandExecutionException) {
                        c.rollback();   // Redis refused the command: nothing changed, so no entry either
                        throw new BackendException(e.backend(), e.getMessage() + " Nothing was changed in Redis, and no audit entry was written.", e);
                    }
                    c.commit();
                    throw new BackendException(e.backend(), e.getMessage() + " Whether Redis made the change is unknown; the attempt is "
                            + "recorded (audit entry #" + entry.id() + ").", e);
                }
                c.commit();
                return new Audited<>(result, entry.id());
            } catch (SQLException | RuntimeException e) {
                if (!c.getAutoCommit()) c.rollback();   // after a commit this is a no-op
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        });
    }

    /** The cached Venice answers about {@code username}, found with SCAN and verified one by one. */
    public List<String> veniceKeysOf(String username) {
        Set<String> spellings = new LinkedHashSet<>(List.of(username, queryEncoded(username), pathEncoded(username)));
        return connections.redis().run("finding the Venice cache entries of " + username, c -> {
            Set<String> found = new LinkedHashSet<>();
            for (String spelling : spellings) scan(c, VENICE_PREFIX + "*" + globEscaped(spelling) + "*", username, found);
            return new ArrayList<>(found);
        });
    }

    private static void scan(RedisCommands<String, String> c, String pattern, String username, Set<String> found) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(LiveSessions.SCAN_COUNT);
        KeyScanCursor<String> cursor = c.scan(args);
        while (true) {
            for (String k : cursor.getKeys()) if (concerns(k, username)) found.add(k);
            if (cursor.isFinished()) return;
            cursor = c.scan(cursor, args);
        }
    }

    /**
     * True when {@code key} caches a Venice answer about exactly this citizen (VENICE-API.md's key contract
     * {@code cascade:venice:{endpoint}:{params}}): {@code citizens/{username}}, or {@code get-ledger},
     * {@code activities} or {@code relevancies} whose citizen parameter names them.
     */
    static boolean concerns(String key, String username) {
        if (!key.startsWith(VENICE_PREFIX)) return false;
        String rest = key.substring(VENICE_PREFIX.length());
        int colon = rest.lastIndexOf(':');   // encoded parameters hold no ':'; an endpoint's path might
        if (colon < 0) return false;
        String endpoint = rest.substring(0, colon);
        String params = rest.substring(colon + 1);
        if (endpoint.equals("citizens/" + username) || endpoint.equals("citizens/" + pathEncoded(username))) return true;
        String field = switch (endpoint) {
            case "get-ledger" -> "citizenUsername";
            case "activities" -> "citizenId";
            case "relevancies" -> "relevantToCitizen";
            default -> null;
        };
        if (field == null || params.isEmpty()) return false;
        for (String pair : params.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0 || !field.equals(decoded(pair.substring(0, eq)))) continue;
            String value = decoded(pair.substring(eq + 1));
            if (value == null) continue;
            if (value.equals(username)) return true;
            if (endpoint.equals("relevancies") && List.of(value.split(",")).contains(username)) return true;
        }
        return false;
    }

    /** SCAN MATCH treats {@code * ? [ ] \} specially: escaped, the name matches only itself. */
    static String globEscaped(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char ch : s.toCharArray()) {
            if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') b.append('\\');
            b.append(ch);
        }
        return b.toString();
    }

    private static String queryEncoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String pathEncoded(String s) {
        return queryEncoded(s).replace("+", "%20");
    }

    private static String decoded(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a support action needs a reason");
    }
}
