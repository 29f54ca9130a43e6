package ai.cascade.ops.users;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.users.UserDetailFixtures.TestConnections;
import ai.cascade.ops.users.UserDetails.Collaboration;
import ai.cascade.ops.users.UserDetails.Login;
import ai.cascade.ops.users.UserDetails.Shape;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import static ai.cascade.ops.users.UserDetailFixtures.CUSTOMER;
import static ai.cascade.ops.users.UserDetailFixtures.EMAIL;
import static ai.cascade.ops.users.UserDetailFixtures.FOSCARI;
import static ai.cascade.ops.users.UserDetailFixtures.JTI;
import static ai.cascade.ops.users.UserDetailFixtures.sessionJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The user detail's Postgres and Redis parts against a real Postgres and a real Redis. */
class UserDetailsTest {
    static String url;
    static Database db;
    static RedisConnection redis;
    static UserDetailFixtures.Users users;
    static UserDetails details;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("user_details");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        users = UserDetailFixtures.insertUsers(url);
        details = new UserDetails(new TestConnections(db, redis, null, null), "test-profile");
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.run("flushing", c -> c.flushall());
    }

    @Test
    void theAccountIsTheUsersRowWithEveryColumnAndTheSubscriptionHistoryNewestFirst() {
        UserDetails.Account a = details.account(users.foscari(), CancelSignal.NONE);

        assertThat(a.id()).isEqualTo(users.foscari());
        assertThat(a.username()).isEqualTo(FOSCARI);
        assertThat(a.email()).isEqualTo(EMAIL);
        assertThat(a.customerId()).isEqualTo(CUSTOMER);
        assertThat(a.tier()).isEqualTo("maestro");
        assertThat(a.status()).isEqualTo("active");
        assertThat(a.lastLogin()).isEqualTo(LocalDateTime.of(2026, 1, 15, 9, 0));
        assertThat(a.createdAt()).isEqualTo(LocalDateTime.of(2025, 3, 1, 12, 0));
        assertThat(a.metadata()).contains("\"locale\": \"it\"").contains("\"beta\": true");
        assertThat(a.metadataShortened()).isFalse();
        assertThat(a.subscriptions()).extracting(UserDetails.PastSubscription::stripeSubscriptionId)
                .containsExactly("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw", "sub_mid", "sub_old");
        UserDetails.PastSubscription newest = a.subscriptions().get(0);
        assertThat(newest.amount()).isEqualTo(3000);
        assertThat(newest.status()).isEqualTo("active");
        assertThat(newest.periodEnd()).isEqualTo(LocalDateTime.of(2026, 2, 1, 0, 0));
    }

    @Test
    void aUserWithoutMetadataOrSubscriptionsHasEmptyParts() {
        UserDetails.Account a = details.account(users.nobody(), CancelSignal.NONE);

        assertThat(a.metadata()).isNull();
        assertThat(a.subscriptions()).isEmpty();
        assertThat(a.lastLogin()).isNull();
    }

    @Test
    void aUserThatNoLongerExistsIsAnErrorThatSaysSo() {
        assertThatThrownBy(() -> details.account(987654, CancelSignal.NONE))
                .isInstanceOf(BackendException.class).hasMessageContaining("no user 987654");
    }

    @Test
    void theLoginSessionIsReadWithItsRemainingLifetimeAndTheRateLimitCounter() {
        int id = users.foscari();
        redis.run("fixture", c -> c.setex("cascade:session:" + id, 3600, sessionJson(id)));
        redis.run("fixture", c -> c.setex("cascade:ratelimit:" + id, 60, "17"));

        Login login = details.login(id, CancelSignal.NONE);

        UserDetails.Session s = login.session();
        assertThat(s.shape()).isEqualTo(Shape.JSON);
        assertThat(s.problems()).isEmpty();
        assertThat(s.ttlMillis()).isBetween(1L, 3_600_000L);
        assertThat(s.userId()).isEqualTo(id);
        assertThat(s.username()).isEqualTo(FOSCARI);
        assertThat(s.expiresAt()).isEqualTo(Instant.ofEpochSecond(1768500000));
        assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-01-15T09:00:00Z"));
        assertThat(s.lastSeen()).isEqualTo(Instant.parse("2026-01-15T09:41:07Z"));
        assertThat(s.ip()).isEqualTo("93.41.12.7");
        assertThat(s.userAgent()).startsWith("CascadeApp/2.3.1");
        assertThat(s.maskedJti()).isEqualTo("\u2022\u2022\u2022\u20226b5a");
        assertThat(login.rateLimit().present()).isTrue();
        assertThat(login.rateLimit().count()).isEqualTo(17);
        assertThat(login.rateLimit().ttlMillis()).isBetween(1L, 60_000L);
    }

    @Test
    void theTokenIdNeverLeavesTheServiceUnmasked() {
        int id = users.foscari();
        redis.run("fixture", c -> c.set("cascade:session:" + id, sessionJson(id)));

        Login login = details.login(id, CancelSignal.NONE);

        assertThat(login.toString()).doesNotContain(JTI).doesNotContain(JTI.substring(0, 8)).contains("6b5a");
        assertThat(login.session().toString()).doesNotContain(JTI);
        assertThat(details.account(id, CancelSignal.NONE).toString()).doesNotContain(JTI);
    }

    @Test
    void aSessionWithoutExpiryAndAbsentCounterAreReportedAsSuch() {
        int id = users.foscari();
        redis.run("fixture", c -> c.set("cascade:session:" + id, sessionJson(id)));

        Login login = details.login(id, CancelSignal.NONE);

        assertThat(login.session().ttlMillis()).isEqualTo(-1);
        assertThat(login.rateLimit().present()).isFalse();
        assertThat(login.rateLimit().ttlMillis()).isEqualTo(-2);
    }

    @Test
    void aUserWhoIsNotLoggedInHasNoSession() {
        Login login = details.login(users.nobody(), CancelSignal.NONE);

        assertThat(login.session().present()).isFalse();
        assertThat(login.session().ttlMillis()).isEqualTo(-2);
    }

    @Test
    void aSessionWithMissingFieldsNamesThemAndShowsWhatIsThere() {
        int id = users.foscari();
        redis.run("fixture", c -> c.setex("cascade:session:" + id, 600, "{\"user_id\": " + id + ", \"venice_username\": \"" + FOSCARI + "\"}"));

        UserDetails.Session s = details.login(id, CancelSignal.NONE).session();

        assertThat(s.shape()).isEqualTo(Shape.JSON);
        assertThat(s.username()).isEqualTo(FOSCARI);
        assertThat(s.maskedJti()).isNull();
        assertThat(s.expiresAt()).isNull();
        assertThat(s.problems()).singleElement().asString()
                .contains("Missing").contains("jti").contains("exp").contains("ip").contains("user_agent");
    }

    @Test
    void aSessionValueThatIsNotJsonIsReportedWithItsSizeInBytesNeverItsContent() {
        int id = users.foscari();
        byte[] value = new byte[33];
        System.arraycopy("corrupted".getBytes(StandardCharsets.US_ASCII), 0, value, 0, 9);
        for (int i = 9; i < value.length; i++) value[i] = (byte) (0x80 | i);   // not UTF-8
        RedisClient raw = RedisClient.create(TestServers.redisUrl());
        try (StatefulRedisConnection<byte[], byte[]> c = raw.connect(ByteArrayCodec.INSTANCE)) {
            c.sync().setex(("cascade:session:" + id).getBytes(StandardCharsets.UTF_8), 900, value);
        } finally {
            raw.shutdown();
        }

        UserDetails.Session s = details.login(id, CancelSignal.NONE).session();

        assertThat(s.shape()).isEqualTo(Shape.NOT_JSON);
        assertThat(s.valueBytes()).isEqualTo(33);
        assertThat(s.ttlMillis()).isPositive();
        assertThat(s.problems()).singleElement().asString().contains("not JSON").contains("33 bytes");
        assertThat(s.toString()).doesNotContain("corrupted");
    }

    @Test
    void aSessionKeyOfTheWrongTypeAndACounterThatIsNotANumberAreReportedNotThrown() {
        int id = users.foscari();
        redis.run("fixture", c -> c.hset("cascade:session:" + id, "jti", JTI));
        redis.run("fixture", c -> c.set("cascade:ratelimit:" + id, "lots"));

        Login login = details.login(id, CancelSignal.NONE);

        assertThat(login.session().shape()).isEqualTo(Shape.NOT_A_STRING);
        assertThat(login.session().problems()).singleElement().asString().contains("hash");
        assertThat(login.toString()).doesNotContain(JTI);
        assertThat(login.rateLimit().count()).isNull();
        assertThat(login.rateLimit().value()).isEqualTo("lots");
    }

    @Test
    void aSessionValueThatNamesAnotherUserSaysSo() {
        int id = users.foscari();
        redis.run("fixture", c -> c.set("cascade:session:" + id, sessionJson(id + 1000)));

        assertThat(details.login(id, CancelSignal.NONE).session().problems())
                .anySatisfy(p -> assertThat(p).contains("user " + (id + 1000)));
    }

    @Test
    void openCollaborationsAreThoseTheUserOwnsOrJoinsAndNotEndedOnes() {
        List<Collaboration> open = details.collaborations(users.foscari(), FOSCARI, CancelSignal.NONE);

        assertThat(open).hasSize(2);
        assertThat(open).extracting(Collaboration::owned).containsExactly(false, true);   // newest first
        Collaboration joined = open.get(0);
        assertThat(joined.ownerName()).isEqualTo("Contarini_Doge");
        assertThat(joined.participants()).containsExactly("Contarini_Doge", FOSCARI);
        assertThat(joined.createdAt()).isEqualTo(LocalDateTime.of(2026, 1, 15, 11, 0));
        assertThat(joined.sessionId()).matches("[0-9a-f-]{36}");
    }

    @Test
    void aUsernameWithAQuoteIsMatchedAsAValueNotAsSql() {
        assertThat(details.collaborations(users.darco(), "D'Arco_Glass", CancelSignal.NONE))
                .singleElement().satisfies(c -> assertThat(c.participants()).containsExactly("D'Arco_Glass"));
        assertThat(details.collaborations(users.nobody(), "x\"]' OR true --", CancelSignal.NONE)).isEmpty();
    }

    @Test
    void withRedisDownTheLoginPartFailsClearlyWhileAccountAndCollaborationsStillLoad() {
        try (RedisConnection gone = UserDetailFixtures.redisNowhere()) {
            UserDetails oneDown = new UserDetails(new TestConnections(db, gone, null, null), "test-profile");

            assertThat(oneDown.recordAccess(users.foscari(), CancelSignal.NONE).viewer()).isEqualTo("postgres");
            assertThatThrownBy(() -> oneDown.login(users.foscari(), CancelSignal.NONE))
                    .isInstanceOf(BackendException.class)
                    .satisfies(e -> assertThat(((BackendException) e).backend()).isEqualTo(Backend.REDIS))
                    .hasMessageContaining("Redis at 127.0.0.1:").hasMessageContaining("unreachable");
            assertThat(oneDown.account(users.foscari(), CancelSignal.NONE).username()).isEqualTo(FOSCARI);
            assertThat(oneDown.collaborations(users.foscari(), FOSCARI, CancelSignal.NONE)).hasSize(2);
        }
    }
}
