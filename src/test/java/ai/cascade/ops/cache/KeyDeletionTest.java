package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deleting a key as a support action, on a real Redis with the ACL users of resources/redis/cascade-ops-acl.txt and
 * a real Postgres audit log: Redis refuses the monitoring user and nothing is recorded; the support user deletes with
 * exactly one entry.
 */
class KeyDeletionTest {
    static final int MONITORING = 0;
    static final int SUPPORT = 1;
    static String url;
    static Database db;
    static RedisConnection admin;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("key_deletion");
        db = TestServers.open(url);
        admin = TestServers.freshRedis();
    }

    @AfterAll
    static void tearDown() {
        dropUser(admin, "kd_monitor");
        dropUser(admin, "kd_support");
        db.close();
        admin.close();
    }

    @BeforeEach
    void flush() {
        admin.run("flush", c -> c.flushall());
    }

    /** The ACL rule lines of the shipped file: the monitoring role first, then support. */
    static List<String> aclLines() {
        try (InputStream in = KeyDeletionTest.class.getResourceAsStream("/redis/cascade-ops-acl.txt")) {
            if (in == null) throw new IllegalStateException("redis/cascade-ops-acl.txt is not on the class path");
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (line.startsWith("ACL SETUSER")) out.add(line.strip());
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates {@code user} with role {@code role}'s rules (plus {@code extraRules}) as the default user; a client logged in as it. */
    static RedisConnection aclUser(RedisConnection admin, int role, String user, String extraRules) {
        String password = "pw-" + user;
        String line = aclLines().get(role).replace("{user}", user).replace("{password}", password) + extraRules;
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        String[] words = line.split("\\s+");
        for (int i = 1; i < words.length; i++) args.add(words[i]);   // after "ACL"
        admin.run("creating the ACL user " + user, c -> c.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args));
        try {
            return new RedisConnection(RedisAddress.parse(TestServers.redisUrl().replace("redis://", "redis://" + user + ":" + password + "@")));
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static void dropUser(RedisConnection admin, String user) {
        admin.run("dropping the ACL user " + user, c -> c.aclDeluser(user));
    }

    static Connections connections(Database db, RedisConnection redis) {
        return new Connections() {
            @Override public Database database() { return db; }

            @Override public RedisConnection redis() { return redis; }
        };
    }

    static KeyDeletion deletion(RedisConnection as) {
        return new KeyDeletion(new RedisKeyspace(as), connections(db, as), "test-profile");
    }

    static List<String> audits() {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT target || ' | ' || reason || ' | ' || details::text FROM ops.audit_log "
                     + "WHERE action = 'redis.delete_key' ORDER BY id")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long exists(String key) {
        return admin.run("checking the key", c -> c.exists(key));
    }

    private static long deleteAudits() {
        return audits().size();
    }

    @Test
    void theMonitoringUserIsRefusedByRedisAndNothingIsDeletedOrRecorded() {
        admin.run("fixture", c -> c.set("cascade:patterns:9", "{\"p\":1}"));
        long before = deleteAudits();
        try (RedisConnection monitoring = aclUser(admin, MONITORING, "kd_monitor", "")) {
            KeyDeletion.Outcome o = deletion(monitoring).delete("cascade:patterns:9".getBytes(StandardCharsets.UTF_8),
                    "stale pattern", CancelSignal.NONE);

            assertThat(o.result()).isEqualTo(KeyDeletion.Result.REFUSED);
            assertThat(o.message()).isEqualTo("Redis refused to delete cascade:patterns:9: the Redis user 'kd_monitor' may not "
                    + "delete keys (a monitoring login). Nothing was deleted.");
            assertThat(o.auditId()).isNull();
        }
        assertThat(exists("cascade:patterns:9")).isEqualTo(1L);
        assertThat(deleteAudits()).isEqualTo(before);
    }

    @Test
    void theSupportUserDeletesTheKeyWithExactlyOneAuditEntryThatHoldsNoValue() {
        admin.run("fixture", c -> c.setex("cascade:blacklist:5be0c6f2-91aa-4c", 300, "{\"reason\":\"secret-value-xyz\"}"));
        long before = deleteAudits();
        try (RedisConnection support = aclUser(admin, SUPPORT, "kd_support", "")) {
            KeyDeletion.Outcome o = deletion(support).delete("cascade:blacklist:5be0c6f2-91aa-4c".getBytes(StandardCharsets.UTF_8),
                    "  test entry  ", CancelSignal.NONE);

            assertThat(o.result()).isEqualTo(KeyDeletion.Result.DELETED);
            assertThat(o.auditId()).isNotNull();
            assertThat(o.message()).doesNotContain("5be0c6f2-91aa-4c");
        }
        assertThat(exists("cascade:blacklist:5be0c6f2-91aa-4c")).isZero();
        List<String> entries = audits();
        assertThat(entries).hasSize((int) before + 1);
        String entry = entries.get(entries.size() - 1);
        assertThat(entry).startsWith("cascade:blacklist:5be0… | test entry | ").contains("\"type\": \"string\"")
                .contains("\"ttl_seconds\"").contains("\"memory_bytes\"").doesNotContain("secret-value-xyz").doesNotContain("91aa-4c");
    }

    @Test
    void aKeyAlreadyGoneIsSaidSoWithNoEntry() {
        long before = deleteAudits();

        KeyDeletion.Outcome o = deletion(admin).delete("gone:key".getBytes(StandardCharsets.UTF_8), "cleanup", CancelSignal.NONE);

        assertThat(o.result()).isEqualTo(KeyDeletion.Result.GONE);
        assertThat(o.message()).contains("no longer exists").contains("Nothing was deleted");
        assertThat(deleteAudits()).isEqualTo(before);
    }

    @Test
    void aBinaryKeyIsDeletedAndRecordedEscaped() {
        byte[] key = {'b', ':', (byte) 0xff, '\n'};
        RedisNode node = new RedisKeyspace(admin).topology().masters().get(0);
        admin.runBytes(node, "fixture", c -> c.set(key, new byte[]{1}));

        KeyDeletion.Outcome o = deletion(admin).delete(key, "binary junk", CancelSignal.NONE);

        assertThat(o.result()).isEqualTo(KeyDeletion.Result.DELETED);
        long left = admin.runBytes(node, "check", c -> c.exists(key));
        assertThat(left).isZero();
        assertThat(audits().get(audits().size() - 1)).startsWith("b:\\xff\\n | binary junk");
    }

    @Test
    void aReasonIsRequired() {
        admin.run("fixture", c -> c.set("k", "v"));

        assertThatThrownBy(() -> deletion(admin).delete("k".getBytes(StandardCharsets.UTF_8), " ", CancelSignal.NONE))
                .isInstanceOf(Refused.class).hasMessageContaining("give a reason");
        assertThat(exists("k")).isEqualTo(1L);
    }
}
