package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.OwnLookups;
import ai.cascade.ops.cache.RedisNode;
import ai.cascade.ops.users.LoginReader;
import ai.cascade.ops.users.UserDetails.Session;
import ai.cascade.ops.users.UserDetails.Shape;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.sql.Array;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live login sessions: every {@code cascade:session:*} key found with SCAN (never KEYS), its value and
 * PTTL read in pipelined batches on a connection of its own, parsed leniently ({@link LoginReader}), joined
 * with {@code cascade_users} in batches. Malformed values and sessions of users who no longer exist are rows
 * with their problems, not dropped. Work is bounded ({@link #MOST_SESSIONS}) and stops between batches when
 * cancelled. STRLEN, PTTL and GETRANGE count as keyspace lookups: tallied in {@link OwnLookups}, so hit rates leave them out.
 */
public final class LiveSessions {
    /** Keys per SCAN step: 1000 is 2–3 times faster than 100 over a large keyspace (STACK.md). */
    static final int SCAN_COUNT = 1000;
    /** At most this many sessions per refresh; beyond it the list says it is incomplete. */
    public static final int MOST_SESSIONS = 250_000;
    /** Only the start of a value is read: a session is a few hundred bytes, larger ones are shown as too large. */
    static final int LARGEST_VALUE_LISTED = 64 * 1024;
    private static final int USERS_PER_QUERY = 5_000;

    /** One refresh's result: the rows (unordered), whether the bound cut them short, and when they were read. */
    public record Snapshot(List<SessionRow> rows, boolean truncated, Instant readAt, long tookMillis) {
        public int count() { return rows.size(); }
    }

    private record Raw(String key, long bytes, long pttl, String value, boolean notAString, long readAtMillis) {}

    private record User(String username, String tier) {}

    private final Connections connections;

    public LiveSessions(Connections connections) {
        this.connections = connections;
    }

    /** Reads every live session now; throws {@link CancellationException} when cancelled between batches. */
    public Snapshot read(CancelSignal cancel) {
        return read(cancel, Map.of());
    }

    /**
     * Like {@link #read(CancelSignal)}, reusing the rows of {@code previous} (by key) whose value and user did not
     * change: they are not parsed again, and a refresh of 100,000 sessions leaves little new for the collector to copy.
     */
    public Snapshot read(CancelSignal cancel, Map<String, SessionRow> previous) {
        long started = System.nanoTime();
        AtomicBoolean stop = new AtomicBoolean();
        cancel.onCancel(() -> stop.set(true));
        boolean[] truncated = {false};
        List<Raw> raws = connections.redis().runDedicated("listing the login sessions", conn -> scan(conn, stop, truncated));
        Map<Integer, User> users = users(raws, cancel, stop);
        List<SessionRow> rows = new ArrayList<>(raws.size());
        for (Raw r : raws) rows.add(row(r, users, previous.get(r.key())));
        return new Snapshot(rows, truncated[0], Instant.now(), (System.nanoTime() - started) / 1_000_000);
    }

    private List<Raw> scan(StatefulRedisConnection<String, String> conn, AtomicBoolean stop, boolean[] truncated) {
        conn.setAutoFlushCommands(false);   // one write per batch, not per command: this connection is ours alone
        RedisAsyncCommands<String, String> a = conn.async();
        ScanArgs args = ScanArgs.Builder.matches("cascade:session:*").limit(SCAN_COUNT);
        RedisFuture<KeyScanCursor<String>> next = a.scan(args);
        conn.flushCommands();
        OwnLookups lookups = connections.redis().lookups();
        String node = RedisNode.standalone(connections.redis().address().host(), connections.redis().address().port()).id();
        List<Raw> out = new ArrayList<>();
        while (next != null) {
            KeyScanCursor<String> cursor = await(next);
            checkCancelled(stop);
            List<String> keys = cursor.getKeys();
            List<RedisFuture<Long>> lengths = new ArrayList<>(keys.size());
            List<RedisFuture<Long>> ttls = new ArrayList<>(keys.size());
            List<RedisFuture<String>> values = new ArrayList<>(keys.size());
            // STRLEN, PTTL and GETRANGE are keyspace lookups: tallied, so the hit rate leaves this list out
            try (OwnLookups.Batch batch = lookups.begin(node)) {
                for (String k : keys) {
                    lengths.add(a.strlen(k));
                    ttls.add(a.pttl(k));
                    values.add(a.getrange(k, 0, LARGEST_VALUE_LISTED - 1));
                }
                next = cursor.isFinished() ? null : a.scan(cursor, args);
                conn.flushCommands();
                long now = System.currentTimeMillis();
                for (int i = 0; i < keys.size(); i++) {
                    Raw r;
                    try {
                        r = raw(keys.get(i), lengths.get(i), ttls.get(i), values.get(i), now, batch);
                    } catch (RuntimeException e) {
                        batch.unknown(3L * (keys.size() - i));
                        throw e;
                    }
                    if (r != null) out.add(r);
                }
            }
            if (out.size() >= MOST_SESSIONS) {
                truncated[0] = next != null;
                if (next != null) await(next);   // leave the connection quiet before it closes
                break;
            }
        }
        return out;
    }

    /**
     * One key's replies, its three lookups tallied. PTTL -2 says the key was gone; STRLEN and GETRANGE answer the
     * same for a missing key and an empty string, so they follow PTTL, sent between them. A key expiring within
     * that pipeline's few microseconds would make GETRANGE's outcome unknowable: a TTL that short is tallied as
     * unknown rather than guessed.
     */
    private static Raw raw(String key, RedisFuture<Long> length, RedisFuture<Long> pttl, RedisFuture<String> value, long now,
                           OwnLookups.Batch batch) {
        long ttl = await(pttl);
        boolean gone = ttl == -2;
        Long bytes = null;
        String text = null;
        boolean wrongType = false;
        try {
            bytes = await(length);
            text = await(value);
        } catch (RedisCommandExecutionException e) {   // WRONGTYPE: a hash, a list, …; the key was there
            wrongType = true;
        }
        boolean strlenHit = wrongType || (bytes != null && bytes > 0) || !gone;
        if (strlenHit) batch.hit(); else batch.miss();
        if (gone) batch.miss(); else batch.hit();
        if (wrongType || (text != null && !text.isEmpty())) batch.hit();
        else if (gone) batch.miss();
        else if (ttl >= 0 && ttl < 5) batch.unknown(1);
        else batch.hit();
        if (gone) return null;   // expired since SCAN saw it
        return wrongType ? new Raw(key, 0, ttl, null, true, now) : new Raw(key, bytes, ttl, text, false, now);
    }

    private static <T> T await(RedisFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("cancelled while listing sessions");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisException r) throw r;
            throw new RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new RedisException("no answer within 10 s", e);
        }
    }

    private static void checkCancelled(AtomicBoolean stop) {
        if (stop.get() || Thread.currentThread().isInterrupted()) throw new CancellationException("cancelled while listing sessions");
    }

    /** Usernames and tiers of the users named by the keys, a few thousand ids per query. */
    private Map<Integer, User> users(List<Raw> raws, CancelSignal cancel, AtomicBoolean stop) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (Raw r : raws) {
            Integer id = userIdOf(r.key());
            if (id != null) ids.add(id);
        }
        Map<Integer, User> out = new HashMap<>(ids.size() * 2);
        List<Integer> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += USERS_PER_QUERY) {
            checkCancelled(stop);
            Integer[] batch = all.subList(from, Math.min(all.size(), from + USERS_PER_QUERY)).toArray(Integer[]::new);
            connections.database().prepared("reading the users of the sessions", 10, cancel,
                    "SELECT id, venice_username, subscription_tier FROM cascade_users WHERE id = ANY(?)", st -> {
                        Array array = st.getConnection().createArrayOf("int4", batch);
                        st.setArray(1, array);
                        try (ResultSet rs = st.executeQuery()) {
                            while (rs.next()) out.put(rs.getInt(1), new User(rs.getString(2), rs.getString(3)));
                        }
                        return null;
                    });
        }
        return out;
    }

    /** The user id in {@code cascade:session:{id}}, or null when the rest of the name is not one. */
    static Integer userIdOf(String key) {
        String rest = key.substring(key.indexOf(':', "cascade:".length()) + 1);
        if (rest.isEmpty() || rest.length() > 10 || !rest.chars().allMatch(Character::isDigit)) return null;
        long id = Long.parseLong(rest);
        return id > Integer.MAX_VALUE ? null : (int) id;
    }

    private static SessionRow row(Raw r, Map<Integer, User> users, SessionRow before) {
        Integer userId = userIdOf(r.key());
        User user = userId == null ? null : users.get(userId);
        long fingerprint = r.value() == null ? r.bytes() : ((long) r.value().hashCode() << 32) ^ r.bytes();
        long expires = r.pttl() < 0 ? -1 : r.readAtMillis() + r.pttl();
        if (before != null && before.fingerprint() == fingerprint && before.userExists() == (user != null)
                && (user == null || Objects.equals(user.username(), before.username()) && Objects.equals(user.tier(), before.tier())))
            return before.withKeyExpiresAt(expires);
        Session s = session(r, userId);
        List<String> problems = new ArrayList<>();
        if (r.key().indexOf('\uFFFD') >= 0) problems.add("The key's name is not UTF-8 text; it cannot be revoked from here.");
        if (userId == null) problems.add("The key's name does not end in a user id.");
        for (String p : s.problems())
            if (userId != null || !p.startsWith("The value names user")) problems.add(p);
        if (userId != null && user == null) problems.add("No user " + userId + " in cascade_users (any more).");
        return new SessionRow(r.key(), userId, user != null ? user.username() : s.username(), user == null ? null : user.tier(),
                user != null, s.shape(), r.bytes(), expires, s.maskedJti(), s.expiresAt(),
                s.createdAt(), s.lastSeen(), s.ip(), s.userAgent(), List.copyOf(problems), fingerprint);
    }

    private static Session session(Raw r, Integer userId) {
        if (r.notAString())
            return unreadable(Shape.NOT_A_STRING, r, "The key does not hold the JSON string the backend writes.");
        if (r.bytes() > LARGEST_VALUE_LISTED)
            return unreadable(Shape.TOO_LARGE, r, "The value is " + r.bytes() + " bytes, too large to list (sessions are a few hundred).");
        Session s = LoginReader.parse(r.value(), r.bytes(), r.pttl(), userId == null ? Integer.MIN_VALUE : userId);
        return s.shape() == Shape.JSON ? s : unreadable(s.shape(), r, "The value is not JSON (" + r.bytes() + " bytes); it is not shown.");
    }

    private static Session unreadable(Shape shape, Raw r, String problem) {
        return new Session(shape, r.pttl(), r.bytes(), null, null, null, null, null, null, null, null, List.of(problem));
    }
}
