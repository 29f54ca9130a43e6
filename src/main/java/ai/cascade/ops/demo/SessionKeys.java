package ai.cascade.ops.demo;

import com.google.gson.JsonObject;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The login keys of DATA-MODEL.md: {@code cascade:session:{user_id}}, {@code cascade:blacklist:{jti}}
 * and {@code cascade:ratelimit:{user_id}}, with a few sessions broken the way real ones are.
 */
final class SessionKeys {
    /** The backend's window is 60 s; an hour keeps the counters on screen long enough to look at in a demo. */
    static final long RATE_LIMIT_WINDOW = 3600;

    private enum Flaw { NO_EXP, NO_JTI, ONLY_USER, NOT_JSON, NOT_JSON_2, NOT_JSON_3, HUGE }

    private static final String[] AGENTS = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
            "CascadeApp/2.3.1 (iPhone; iOS 17.5; Scale/3.00)",
            "CascadeApp/2.3.0 (Android 14; Pixel 8)",
            "okhttp/4.12.0"};
    private static final String[] REVOKED_BY = {"self", "self", "support:lucia.venier", "support:marco.dandolo", "system"};
    private static final String[] REASONS = {"logout", "password changed", "suspicious activity", "support request", "subscription canceled"};

    private final SplittableRandom rnd;
    private final long now;
    private final RedisCommands<String, String> commands;
    private final RedisBatch batch;
    private int sessions, malformed, rateLimits;

    SessionKeys(SplittableRandom rnd, long now, RedisCommands<String, String> commands, RedisBatch batch) {
        this.rnd = rnd;
        this.now = now;
        this.commands = commands;
        this.batch = batch;
    }

    int sessions() { return sessions; }

    int malformed() { return malformed; }

    int rateLimits() { return rateLimits; }

    /** A logged-in user's session and, for about half of them, a rate-limit counter. */
    void login(int userId, String username) {
        long exp = now + DemoRandom.seconds(rnd, 3600, 24 * 3600);
        Flaw flaw = sessions % 13 == 5 && malformed < Flaw.values().length ? Flaw.values()[malformed] : null;
        String key = "cascade:session:" + userId;
        if (flaw == Flaw.NOT_JSON || flaw == Flaw.NOT_JSON_2 || flaw == Flaw.NOT_JSON_3) writeBinary(key, exp - now);
        else batch.setex(key, exp - now, session(userId, username, exp, flaw).toString());
        if (flaw != null) malformed++;
        sessions++;
        if (rnd.nextDouble() < 0.5) {
            int requests = rnd.nextDouble() < 0.1 ? 95 + rnd.nextInt(6) : 1 + rnd.nextInt(60);  // some close to a limit of 100
            batch.setex("cascade:ratelimit:" + userId, DemoRandom.seconds(rnd, 60, RATE_LIMIT_WINDOW), Integer.toString(requests));
            rateLimits++;
        }
    }

    private JsonObject session(int userId, String username, long exp, Flaw flaw) {
        long created = now - DemoRandom.seconds(rnd, 60, 20 * 3600);
        JsonObject s = new JsonObject();
        s.addProperty("user_id", userId);
        s.addProperty("venice_username", username);
        if (flaw == Flaw.ONLY_USER) return s;
        if (flaw != Flaw.NO_JTI) s.addProperty("jti", DemoRandom.uuid(rnd).toString());
        if (flaw != Flaw.NO_EXP) s.addProperty("exp", exp);
        s.addProperty("created_at", Instant.ofEpochSecond(created).toString());
        s.addProperty("last_seen", Instant.ofEpochSecond(created + DemoRandom.seconds(rnd, 0, now - created)).toString());
        s.addProperty("ip", rnd.nextInt(1, 224) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(1, 255));
        s.addProperty("user_agent", flaw == Flaw.HUGE ? hugeAgent() : DemoRandom.pick(rnd, AGENTS));
        return s;
    }

    /** About 1 MB: a client that sent its whole header block as its user agent. */
    private String hugeAgent() {
        StringBuilder b = new StringBuilder(1 << 20);
        while (b.length() < (1 << 20)) b.append(DemoRandom.pick(rnd, AGENTS)).append(" | ");
        return b.toString();
    }

    /** Bytes that are not UTF-8 and not JSON, as a buggy writer leaves them; the String codec cannot send these. */
    private void writeBinary(String key, long ttl) {
        byte[] head = "corrupted".getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[head.length + 24];
        System.arraycopy(head, 0, value, 0, head.length);
        for (int i = head.length; i < value.length; i++) value[i] = (byte) (0x80 | rnd.nextInt(128));
        value[head.length] = 0;
        commands.dispatch(CommandType.SET, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(key).add(value).add(CommandKeyword.EX).add(ttl));
    }

    /** Revoked tokens, for about a tenth as many tokens as there are sessions. */
    int blacklist(int count) {
        for (int i = 0; i < count; i++) {
            JsonObject v = new JsonObject();
            v.addProperty("revoked_at", Instant.ofEpochSecond(now - DemoRandom.seconds(rnd, 0, 6 * 3600)).toString());
            v.addProperty("by", DemoRandom.pick(rnd, REVOKED_BY));
            v.addProperty("reason", DemoRandom.pick(rnd, REASONS));
            batch.setex("cascade:blacklist:" + DemoRandom.uuid(rnd), DemoRandom.seconds(rnd, 3600, 24 * 3600), v.toString());
        }
        return count;
    }
}
