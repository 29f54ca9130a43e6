package ai.cascade.ops.cache;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.database.AuditLog;
import com.google.gson.JsonObject;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CancellationException;

/**
 * Deleting one key from the key browser, a support action (issue #6, items 5 and 6): a reason is required and an
 * audit entry written — the key's name (masked like on screen), type, TTL and memory, never its value. As in
 * {@code database/Activity}, the entry is inserted in a transaction that stays open while Redis deletes the key, and
 * is committed only when Redis did: a monitoring login, which Redis refuses, leaves no entry behind.
 */
public final class KeyDeletion {
    static final String ACTION = "redis.delete_key";

    public enum Result { DELETED, GONE, REFUSED, UNCERTAIN }

    /** What the deletion did, in a sentence for the person; {@code auditId} is set when an entry was committed. */
    public record Outcome(Result result, String message, Long auditId) {
        public boolean deleted() { return result == Result.DELETED; }
    }

    /** What the audit entry says of the key: it must be read before the key is gone. */
    private record Facts(String type, long ttlMillis, Long memoryBytes) {}

    private final RedisKeyspace keyspace;
    private final Connections connections;
    private final String profileName;

    /** {@code connections} gives the Postgres holding the audit log; {@code profileName} goes into the entries. */
    public KeyDeletion(RedisKeyspace keyspace, Connections connections, String profileName) {
        this.keyspace = keyspace;
        this.connections = connections;
        this.profileName = profileName;
    }

    /**
     * Deletes {@code key} (UNLINK: a big value is freed in the background, not while Redis blocks) after recording why.
     * A key already gone is said so with no entry; a refusal by Redis (NOPERM) rolls the entry back and says which Redis
     * user may not delete. Throws a {@link BackendException} when Redis or Postgres fails before anything was deleted.
     */
    public Outcome delete(byte[] key, String reason, CancelSignal cancel) {
        if (reason == null || reason.isBlank()) throw new Refused("Deleting a key is a support action: give a reason for the audit log.");
        if (cancel.isCancelled()) throw new CancellationException("deletion cancelled");
        String shown = KeyText.shown(key);
        Facts facts = facts(key);
        if (facts == null) return gone(shown);
        RedisNode node = keyspace.nodeFor(key);
        return connections.database().run("recording the deletion of " + shown + " in the audit log", c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                return deleteAudited(c, node, key, shown, reason.strip(), facts);
            } finally {
                c.setAutoCommit(autoCommit);
            }
        });
    }

    private Outcome deleteAudited(Connection c, RedisNode node, byte[] key, String shown, String reason, Facts facts) throws SQLException {
        AuditLog.Entry entry;
        try {
            entry = AuditLog.append(c, profileName, ACTION, shown, reason, details(node, facts));
        } catch (SQLException e) {
            c.rollback();
            if ("42501".equals(e.getSQLState()))
                throw new Refused("The login \"" + connections.database().address().user() + "\" may not write CASCADE Ops' audit log "
                        + "(a monitoring login), and no key is deleted without an entry. Nothing was deleted.");
            throw e;
        }
        long removed;
        try {
            removed = keyspace.redis().runBytes(node, "deleting the key " + shown, r -> r.unlink(key));
        } catch (BackendException e) {
            if (e.getCause() instanceof RedisCommandExecutionException refused) {
                c.rollback();   // the command never ran: no entry for a change not made
                return refusal(node, shown, refused);
            }
            // The reply was lost: the key may be deleted, and a change that may have happened keeps its entry.
            c.commit();
            return new Outcome(Result.UNCERTAIN, e.getMessage() + " Whether " + shown + " was deleted is unknown; the attempt is "
                    + "recorded (audit entry #" + entry.id() + "). Search for the key again to see.", entry.id());
        }
        if (removed == 0) {
            c.rollback();
            return gone(shown);
        }
        c.commit();
        return new Outcome(Result.DELETED, "Deleted " + shown + " (" + facts.type + "). Audit entry #" + entry.id() + ".", entry.id());
    }

    /** TYPE, PTTL and MEMORY USAGE for the entry; null when the key is gone. */
    private Facts facts(byte[] key) {
        RedisNode node = keyspace.nodeFor(key);
        try (OwnLookups.Batch batch = keyspace.redis().lookups().begin(node.id())) {
            return keyspace.redis().runBytes(node, "reading the key " + KeyText.shown(key) + " before deleting it", r -> {
                try {
                    return facts(r, key, batch);
                } catch (RedisException e) {
                    if (!(e instanceof RedisCommandExecutionException)) batch.unknown(1);   // a lost reply may have counted
                    throw e;
                }
            });
        }
    }

    private static Facts facts(RedisCommands<byte[], byte[]> r, byte[] key, OwnLookups.Batch batch) {
        String type = r.type(key);
        if ("none".equals(type)) {
            batch.miss();
            return null;
        }
        batch.hit();
        long ttl = r.pttl(key);
        if (ttl == -2) batch.miss(); else batch.hit();
        Long memory;
        try {
            memory = r.memoryUsage(key);   // counts as neither hit nor miss
        } catch (RedisCommandExecutionException declined) {
            memory = null;   // a user without MEMORY may still be a support user
        }
        return ttl == -2 ? null : new Facts(type, ttl, memory);
    }

    private static JsonObject details(RedisNode node, Facts facts) {
        JsonObject d = new JsonObject();
        d.addProperty("type", facts.type);
        d.addProperty("ttl_seconds", facts.ttlMillis < 0 ? null : (Long) Math.round(facts.ttlMillis / 1000.0));
        d.addProperty("memory_bytes", facts.memoryBytes);
        d.addProperty("node", node.id());
        return d;
    }

    private Outcome refusal(RedisNode node, String shown, RedisCommandExecutionException e) {
        String m = String.valueOf(e.getMessage());
        if (!m.startsWith("NOPERM"))
            return new Outcome(Result.REFUSED, "Redis refused to delete " + shown + ": " + m + ". Nothing was deleted.", null);
        return new Outcome(Result.REFUSED, "Redis refused to delete " + shown + ": the Redis user '" + redisUser(node)
                + "' may not delete keys (a monitoring login). Nothing was deleted.", null);
    }

    /** ACL WHOAMI when allowed; otherwise the user of the profile's URL. */
    private String redisUser(RedisNode node) {
        try {
            return keyspace.redis().runBytes(node, "asking Redis which user this is", r -> r.aclWhoami());
        } catch (BackendException e) {
            String url = keyspace.redis().address().url();
            int at = url.indexOf('@');
            int scheme = url.indexOf("://");
            if (at < 0 || scheme < 0) return "default";
            String userInfo = url.substring(scheme + 3, at);
            int colon = userInfo.indexOf(':');
            return colon <= 0 ? "default" : userInfo.substring(0, colon);
        }
    }

    private static Outcome gone(String shown) {
        return new Outcome(Result.GONE, "The key " + shown + " no longer exists (it expired or was deleted). Nothing was deleted "
                + "and nothing was recorded.", null);
    }
}
