package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.users.UserDetails.Shape;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.stream.Collectors;

import static ai.cascade.ops.sessions.SessionFixtures.JTI;
import static ai.cascade.ops.sessions.SessionFixtures.sessionJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listing the live sessions from a real Redis, joined with a real Postgres: messy values are rows, not gaps. */
class LiveSessionsTest {
    static String url;
    static Database db;
    static RedisConnection redis;
    static int foscari, contarini, noJti, noExp;
    static final long EXP = Instant.now().getEpochSecond() + 3600;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("live_sessions");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        foscari = SessionFixtures.user(url, "Foscari_Banker", "maestro");
        contarini = SessionFixtures.user(url, "Contarini_Doge", "observer");
        noJti = SessionFixtures.user(url, "Venier_NoJti", "observer");
        noExp = SessionFixtures.user(url, "Dandolo_NoExp", "patrono");
        redis.run("fixture", c -> {
            c.setex("cascade:session:" + foscari, 3600, sessionJson(foscari, "Foscari_Banker", JTI, EXP));
            c.setex("cascade:session:" + noJti, 3600, sessionJson(noJti, "Venier_NoJti", null, EXP));
            c.setex("cascade:session:" + noExp, 3600, sessionJson(noExp, "Dandolo_NoExp", JTI + "-2", null));
            c.setex("cascade:session:999999", 3600, sessionJson(999999, "Gone_User", JTI + "-3", EXP));
            c.hset("cascade:session:" + contarini, "jti", "x");
            c.setex("cascade:session:not-a-number", 3600, "{}");
            c.set("cascade:session:424242", "{\"user_id\": 424242, \"user_agent\": \"" + "x".repeat(100_000) + "\"}");
            c.set("cascade:ratelimit:" + foscari, "3");   // not a session: not listed
            byte[] binary = "corrupted\0\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1);
            return c.dispatch(CommandType.SET, new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8)
                    .addKey("cascade:session:777777").add(binary).add(CommandKeyword.EX).add(600));
        });
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    private static Map<String, SessionRow> rows() {
        LiveSessions.Snapshot s = new LiveSessions(new SessionFixtures.TestConnections(db, redis)).read(CancelSignal.NONE);
        assertThat(s.truncated()).isFalse();
        return s.rows().stream().collect(Collectors.toMap(SessionRow::key, Function.identity()));
    }

    @Test
    void aWellFormedSessionIsJoinedWithItsUserAndShowsItsTokenIdOnlyMasked() {
        SessionRow r = rows().get("cascade:session:" + foscari);
        assertThat(r.username()).isEqualTo("Foscari_Banker");
        assertThat(r.tier()).isEqualTo("maestro");
        assertThat(r.userExists()).isTrue();
        assertThat(r.maskedJti()).isEqualTo("\u2022\u2022\u2022\u20226b5a").doesNotContain(JTI.substring(0, 8));
        assertThat(r.tokenExpires()).isEqualTo(Instant.ofEpochSecond(EXP));
        assertThat(r.ip()).isEqualTo("93.41.12.7");
        assertThat(r.lastSeen()).isEqualTo(Instant.parse("2026-01-15T09:41:07Z"));
        assertThat(r.ttlSecondsAt(System.currentTimeMillis())).isBetween(3000L, 3600L);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void everySessionKeyIsListedMalformedOnesWithTheirReasonAndNothingElse() {
        Map<String, SessionRow> rows = rows();
        assertThat(rows.keySet()).containsExactlyInAnyOrder("cascade:session:" + foscari, "cascade:session:" + noJti,
                "cascade:session:" + noExp, "cascade:session:999999", "cascade:session:" + contarini,
                "cascade:session:not-a-number", "cascade:session:424242", "cascade:session:777777");
        assertThat(rows.get("cascade:session:777777").shape()).isEqualTo(Shape.NOT_JSON);
        assertThat(rows.get("cascade:session:777777").problemText()).contains("not JSON");
        assertThat(rows.get("cascade:session:" + contarini).shape()).isEqualTo(Shape.NOT_A_STRING);
        assertThat(rows.get("cascade:session:" + contarini).username()).as("joined by the key's id").isEqualTo("Contarini_Doge");
        assertThat(rows.get("cascade:session:424242").shape()).isEqualTo(Shape.TOO_LARGE);
        assertThat(rows.get("cascade:session:424242").ttlSecondsAt(System.currentTimeMillis())).as("no expiry").isEqualTo(-1);
        assertThat(rows.get("cascade:session:not-a-number").problemText()).contains("does not end in a user id");
    }

    @Test
    void aSessionWithoutJtiOrExpSaysWhatIsMissing() {
        Map<String, SessionRow> rows = rows();
        SessionRow noToken = rows.get("cascade:session:" + noJti);
        assertThat(noToken.hasTokenId()).isFalse();
        assertThat(noToken.problemText()).contains("Missing: jti");
        SessionRow noExpiry = rows.get("cascade:session:" + noExp);
        assertThat(noExpiry.hasTokenId()).isTrue();
        assertThat(noExpiry.tokenExpires()).isNull();
        assertThat(noExpiry.problemText()).contains("Missing: exp");
    }

    @Test
    void aSessionWhoseUserNoLongerExistsIsFlaggedAndKeepsTheNameFromItsValue() {
        SessionRow r = rows().get("cascade:session:999999");
        assertThat(r.userExists()).isFalse();
        assertThat(r.username()).isEqualTo("Gone_User");
        assertThat(r.tier()).isNull();
        assertThat(r.problemText()).contains("No user 999999 in cascade_users");
    }

    @Test
    void aCancelledRefreshStopsBetweenBatches() {
        LiveSessions sessions = new LiveSessions(new SessionFixtures.TestConnections(db, redis));
        assertThatThrownBy(() -> sessions.read(hook -> hook.run())).isInstanceOf(CancellationException.class);
    }
}
