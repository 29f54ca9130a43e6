package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.Secrets;
import ai.cascade.ops.database.AuditLog;
import ai.cascade.ops.backend.LenientJson;
import ai.cascade.ops.users.LoginReader;
import com.google.gson.JsonObject;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Revokes login sessions as DATA-MODEL.md says: (1) an audit entry in Postgres — no audit, no revoke;
 * (2) {@code cascade:blacklist:{jti}} with {@code {revoked_at, by, reason}} for the token's remaining lifetime;
 * (3) the session key deleted. (2) and (3) run in one MULTI/EXEC, under WATCH of the session key, so a new login
 * in between aborts both. That is right for the single Redis node {@code RedisConnection} talks to. In Redis
 * Cluster the two keys may hash to different nodes: there, SET and then DEL as two commands, in that order, so a
 * failure between them leaves the token blacklisted, which is safe.
 * <p>
 * A session whose value has no token id ({@code jti}) cannot be blacklisted, and is not revoked: deleting only the
 * key would leave its token valid while looking revoked, so the operator is told why instead.
 */
public final class SessionRevoker {
    /**
     * The blacklist entry's lifetime when neither {@code exp} nor the session key's TTL says how long the token lives:
     * longer than any token CASCADE issues (the backend's are hours), yet bounded so the blacklist cannot grow forever.
     */
    public static final Duration FALLBACK_BLACKLIST_TTL = Duration.ofDays(7);
    static final String ACTION = "revoke-session";

    public enum Result { REVOKED, ALREADY_GONE, CHANGED, REFUSED }

    /**
     * What happened to one session. {@code blacklistTtlSeconds} and {@code auditId} are null when not reached.
     * {@code ttlSource} says where the blacklist TTL came from ("exp", "session TTL", "fallback").
     */
    public record Outcome(String key, Result result, String message, Long blacklistTtlSeconds, String ttlSource, Long auditId) {
        public boolean revoked() { return result == Result.REVOKED; }
    }

    private final Connections connections;
    private final String profileName;

    public SessionRevoker(Connections connections, String profileName) {
        this.connections = connections;
        this.profileName = profileName;
    }

    /** True when this login may write the audit log, without which nothing is revoked. Blocks: call off the FX thread. */
    public boolean mayRevoke() {
        return AuditLog.mayAppend(connections.database());
    }

    /** Revokes each of {@code keys} on its own; one refused or changed session does not stop the others. */
    public List<Outcome> revokeAll(List<String> keys, String reason) {
        List<Outcome> out = new ArrayList<>();
        for (String key : keys) {
            if (Thread.currentThread().isInterrupted()) break;
            try {
                out.add(revoke(key, reason));
            } catch (BackendException e) {
                out.add(new Outcome(key, Result.REFUSED, e.getMessage(), null, null, null));
            }
        }
        return out;
    }

    /**
     * Revokes the session under {@code key} ({@code cascade:session:{user_id}}). Returns what happened when Redis or
     * the value decided (gone, changed, no token id); throws a {@link BackendException} when a server refused, saying
     * whether the audit entry was written and that Redis changed nothing.
     */
    public Outcome revoke(String key, String reason) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a revoke needs a reason");
        if (!key.startsWith("cascade:session:")) throw new IllegalArgumentException("not a session key");
        Long[] audited = {null};
        try {
            return connections.redis().runDedicated("revoking the session " + key,
                    conn -> revokeWatched(conn.sync(), key, reason.strip(), audited));
        } catch (BackendException e) {
            if (e.backend() != Backend.REDIS) throw e;
            String audit = audited[0] == null ? " No audit entry was written." : " The audit entry #" + audited[0] + " records the attempt.";
            throw new BackendException(Backend.REDIS, e.getMessage() + " Nothing was changed in Redis: the token is not blacklisted and the session remains." + audit, e);
        }
    }

    private Outcome revokeWatched(RedisCommands<String, String> c, String key, String reason, Long[] audited) {
        c.watch(key);   // a new login between reading the value and deleting it aborts the transaction
        long bytes;
        try {
            bytes = c.strlen(key);
        } catch (RedisCommandExecutionException wrongType) {
            if (!String.valueOf(wrongType.getMessage()).startsWith("WRONGTYPE")) throw wrongType;
            c.unwatch();
            return refused(key, "The key does not hold a session value (it is not a string), so it has no token id to blacklist.");
        }
        if (bytes > LoginReader.LARGEST_VALUE_READ) {
            c.unwatch();
            return refused(key, "The value is " + bytes + " bytes, too large to read its token id here.");
        }
        String value = c.get(key);
        long pttl = c.pttl(key);
        if (value == null || pttl == -2) {
            c.unwatch();
            return new Outcome(key, Result.ALREADY_GONE, "The session had already ended (the key no longer exists).", null, null, null);
        }
        JsonObject o = LenientJson.object(value);
        String jti = o == null ? null : LenientJson.text(o, "jti");
        if (jti == null || jti.isBlank()) {
            c.unwatch();
            return refused(key, (o == null ? "The value is not JSON, so it" : "The value") + " has no token id (jti): the token cannot "
                    + "be blacklisted, so the session is not revoked. It ends when its key expires.");
        }
        Instant now = Instant.now();
        Instant exp = LenientJson.instant(o, "exp");
        long ttlMillis;
        String source;
        if (exp != null) {
            ttlMillis = Math.max(1, exp.getEpochSecond() - now.getEpochSecond()) * 1000;
            source = "exp";
        } else if (pttl > 0) {
            ttlMillis = pttl;
            source = "session TTL";
        } else {
            ttlMillis = FALLBACK_BLACKLIST_TTL.toMillis();
            source = "fallback";
        }
        AuditLog.Entry entry = AuditLog.append(connections.database(), profileName, ACTION, key, reason,
                details(o, jti, ttlMillis, source));
        audited[0] = entry.id();
        JsonObject blacklisted = new JsonObject();
        blacklisted.addProperty("revoked_at", now.toString());
        blacklisted.addProperty("by", "support:" + entry.actor());
        blacklisted.addProperty("reason", reason);
        c.multi();
        c.set("cascade:blacklist:" + jti, blacklisted.toString(), SetArgs.Builder.px(ttlMillis));
        c.del(key);
        TransactionResult done = c.exec();
        if (done == null || done.wasDiscarded())
            return new Outcome(key, Result.CHANGED, "The session changed while it was being revoked (a new login?): Redis changed "
                    + "nothing. The audit entry #" + entry.id() + " records the attempt. Refresh and try again.", null, source, entry.id());
        return new Outcome(key, Result.REVOKED, "Revoked: token " + Secrets.mask(jti) + " blacklisted for " + (ttlMillis / 1000)
                + " s (from " + source + "), session deleted. Audit entry #" + entry.id() + ".", ttlMillis / 1000, source, entry.id());
    }

    private static JsonObject details(JsonObject session, String jti, long ttlMillis, String source) {
        JsonObject d = new JsonObject();
        Long user = LenientJson.whole(session, "user_id");
        if (user != null) d.addProperty("user_id", user);
        d.addProperty("jti", Secrets.mask(jti));   // a credential: never in the log unmasked
        d.addProperty("blacklist_ttl_seconds", ttlMillis / 1000);
        d.addProperty("ttl_from", source);
        return d;
    }

    private static Outcome refused(String key, String why) {
        return new Outcome(key, Result.REFUSED, why, null, null, null);
    }
}
