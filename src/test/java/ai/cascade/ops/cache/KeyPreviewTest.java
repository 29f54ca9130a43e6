package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.ValuePreview.Form;
import ai.cascade.ops.cache.ValuePreview.PageStart;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.XAddArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Previews of every type on a real Redis: paged, partial for big values, escaped, masked, and counted as own lookups. */
class KeyPreviewTest {
    static RedisConnection redis;
    static RedisKeyspace keyspace;
    static KeyPreview preview;
    static RedisNode node;

    @BeforeAll
    static void setUp() {
        redis = TestServers.freshRedis();
        keyspace = new RedisKeyspace(redis);
        preview = new KeyPreview(keyspace);
        node = keyspace.topology().masters().get(0);
    }

    @AfterAll
    static void tearDown() {
        redis.close();
    }

    @BeforeEach
    void flush() {
        redis.run("flush", c -> c.flushall());
        preview.afterType = () -> { };
    }

    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static ValuePreview look(String key) { return look(b(key), null); }

    static ValuePreview look(byte[] key, PageStart from) { return preview.preview(key, from, CancelSignal.NONE); }

    /** Every page from the first, following {@code next}. */
    static List<ValuePreview> pages(String key) {
        List<ValuePreview> out = new ArrayList<>();
        ValuePreview p = look(key);
        out.add(p);
        while (p.hasNext()) {
            p = look(b(key), p.next());
            out.add(p);
            if (out.size() > 1000) throw new AssertionError("paging never ends");
        }
        return out;
    }

    @Test
    void aSessionIsPrettyPrintedJsonWithItsTokenIdMasked() {
        redis.run("fixture", c -> c.setex("cascade:session:7", 600,
                "{\"user_id\":7,\"venice_username\":\"marco\",\"jti\":\"9f1c2ab3-77de-4c1e\",\"exp\":1790000000}"));

        ValuePreview p = look("cascade:session:7");

        assertThat(p.type()).isEqualTo("string");
        assertThat(p.form()).isEqualTo(Form.JSON);
        assertThat(p.text()).contains("\n  \"venice_username\": \"marco\"").contains("\"jti\": \"9f1c…\"")
                .doesNotContain("9f1c2ab3-77de-4c1e");
        assertThat(p.notes()).contains(CredentialMask.NOTE);
        assertThat(p.ttlMillis()).isBetween(1L, 600_000L);
        assertThat(p.encoding().known()).isTrue();
        assertThat(p.memory().known()).isTrue();
        assertThat(p.shownKey()).isEqualTo("cascade:session:7");
    }

    @Test
    void textThatIsNotStrictJsonIsShownAsTextAndStillMasked() {
        redis.run("fixture", c -> {
            c.set("lenient", "{user: 1, \"token\": \"abcdefghij\"");
            c.set("unquoted", "{a:1}");
            c.set("trailing", "{\"a\":1} and more");
            return c.set("plain", "hello\nworld");
        });

        assertThat(look("unquoted").form()).isEqualTo(Form.TEXT);
        assertThat(look("trailing").form()).isEqualTo(Form.TEXT);

        ValuePreview lenient = look("lenient");
        assertThat(lenient.form()).isEqualTo(Form.TEXT);
        assertThat(lenient.text()).contains("\"token\": \"abcd…").doesNotContain("abcdefghij");
        ValuePreview plain = look("plain");
        assertThat(plain.form()).isEqualTo(Form.TEXT);
        assertThat(plain.text()).isEqualTo("hello\nworld");
        assertThat(plain.ttlMillis()).isEqualTo(-1);
    }

    @Test
    void aBinaryValueIsAHexDumpAndABinaryKeyIsEscaped() {
        byte[] key = {'b', 'i', 'n', ':', '\n', (byte) 0xff, '*'};
        byte[] value = {0, 1, 2, (byte) 0xfe, 'A'};
        redis.runBytes(node, "fixture", c -> c.set(key, value));

        ValuePreview p = look(key, null);

        assertThat(p.shownKey()).isEqualTo("bin:\\n\\xff*");
        assertThat(p.form()).isEqualTo(Form.HEX);
        assertThat(p.text()).startsWith("00000000  00 01 02 fe 41");
        assertThat(p.notes()).anyMatch(n -> n.startsWith("A binary value"));
    }

    @Test
    void aTwentyMegabyteValueIsReadOnlyUpToTheLimit() {
        byte[] big = new byte[20 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        big[0] = '{';   // looks like JSON, but only part is read
        redis.runBytes(node, "fixture", c -> c.set(b("big"), big));

        ValuePreview p = look("big");

        assertThat(p.length()).isEqualTo(big.length);
        assertThat(p.text()).hasSize(KeyPreview.STRING_LIMIT);
        assertThat(p.form()).isEqualTo(Form.TEXT);
        assertThat(p.notes()).contains("Showing the first 256.0 KiB of 20.0 MiB: the value is too big to load whole.");
    }

    @Test
    void aPartialReadCuttingAMultiByteCharacterIsStillText() {
        String s = "é".repeat(10);   // two bytes each: a limit of 5 bytes cuts the third
        redis.run("fixture", c -> c.set("accents", s));

        ValuePreview p = new KeyPreview(keyspace, 5).preview(b("accents"), null, CancelSignal.NONE);

        assertThat(p.form()).isEqualTo(Form.TEXT);
        assertThat(p.text()).isEqualTo("éé");
    }

    @Test
    void aHashIsPagedAndEveryFieldComesOnceAcrossThePagesWithCredentialFieldsMasked() {
        redis.run("fixture", c -> {
            for (int i = 0; i < 600; i++) c.hset("h", "f" + i, "v" + i);   // past 512 fields: a real table, scanned in pages
            return c.hset("h", "password", "hunter2hunter2");
        });

        List<ValuePreview> pages = pages("h");
        Set<String> fields = new HashSet<>();
        for (ValuePreview p : pages) for (List<String> row : p.rows()) {
            fields.add(row.get(0));
            if (row.get(0).equals("password")) assertThat(row.get(1)).isEqualTo("hunt…");
            else assertThat(row.get(1)).isEqualTo("v" + row.get(0).substring(1));
        }

        assertThat(pages.size()).isGreaterThan(1);
        assertThat(fields).hasSize(601);
        assertThat(pages.get(0).length()).isEqualTo(601);
        assertThat(pages.get(0).columns()).containsExactly("field", "value");
    }

    @Test
    void aListIsPagedByAHundredInOrder() {
        redis.run("fixture", c -> {
            for (int i = 0; i < 250; i++) c.rpush("l", "e" + i);
            return null;
        });

        List<ValuePreview> pages = pages("l");

        assertThat(pages).extracting(p -> p.rows().size()).containsExactly(100, 100, 50);
        assertThat(pages.get(2).rows().get(49)).containsExactly("249", "e249");
        assertThat(pages.get(2).hasPrevious()).isTrue();
        assertThat(pages.get(0).hasPrevious()).isFalse();
    }

    @Test
    void aSetAndASortedSetArePagedWithEveryMemberOnce() {
        redis.run("fixture", c -> {
            for (int i = 0; i < 300; i++) c.sadd("s", "m" + i);
            for (int i = 0; i < 150; i++) c.zadd("z", i * 1.5, "z" + i);
            return null;
        });

        Set<String> members = new HashSet<>();
        pages("s").forEach(p -> p.rows().forEach(r -> members.add(r.get(0))));
        assertThat(members).hasSize(300);

        List<ValuePreview> z = pages("z");
        assertThat(z).extracting(p -> p.rows().size()).containsExactly(100, 50);
        assertThat(z.get(0).rows().get(0)).containsExactly("z0", "0");
        assertThat(z.get(1).rows().get(49)).containsExactly("z149", "223.5");
    }

    @Test
    void aStreamIsPagedByEntryIdWithNoEntryTwice() {
        redis.run("fixture", c -> {
            for (int i = 0; i < 230; i++) c.xadd("x", new XAddArgs().id("1000-" + i), Map.of("n", String.valueOf(i)));
            return null;
        });

        List<ValuePreview> pages = pages("x");
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> p.rows().forEach(r -> ids.add(r.get(0))));

        assertThat(ids).hasSize(230).doesNotHaveDuplicates();
        assertThat(ids.get(229)).isEqualTo("1000-229");
        assertThat(pages.get(0).rows().get(3)).containsExactly("1000-3", "n=3");
    }

    @Test
    void bigElementsMakeSmallerPagesAndAreCutForDisplay() {
        String element = "y".repeat(2 * 1024 * 1024);
        redis.run("fixture", c -> {
            for (int i = 0; i < 6; i++) c.rpush("fat", element);
            return null;
        });

        ValuePreview p = look("fat");

        assertThat(p.rows().size()).isBetween(1, 2);
        assertThat(p.rows().get(0).get(1)).startsWith("yyyy").endsWith("… (2.0 MiB in all)").hasSizeLessThan(1100);
        assertThat(p.notes()).anyMatch(n -> n.startsWith("Its elements are big"));
    }

    @Test
    void aBlacklistKeyNameIsMasked() {
        redis.run("fixture", c -> c.setex("cascade:blacklist:5be0c6f2-91aa", 60, "{\"revoked_at\":\"2026-01-01T00:00:00Z\"}"));

        ValuePreview p = look("cascade:blacklist:5be0c6f2-91aa");

        assertThat(p.shownKey()).startsWith("cascade:blacklist:").doesNotContain("5be0c6f2-91aa");
    }

    @Test
    void aKeyGoneSinceItWasListedSaysSo() {
        ValuePreview p = look("never-was");

        assertThat(p.gone()).isTrue();
        assertThat(p.text()).isEqualTo("The key no longer exists (it expired or was deleted).");
    }

    @Test
    void aKeyThatChangesTypeBetweenTypeAndReadIsShownAsItsNewType() {
        redis.run("fixture", c -> c.hset("shifty", "a", "1"));
        preview.afterType = () -> redis.run("writer", c -> {
            c.del("shifty");
            return c.rpush("shifty", "now a list");
        });

        ValuePreview p = look("shifty");

        assertThat(p.type()).isEqualTo("list");
        assertThat(p.rows()).containsExactly(List.of("0", "now a list"));
        assertThat(p.notes()).contains("The key changed type from hash to list after it was listed; it is shown as list.");
    }

    @Test
    void aKeyThatExpiresBetweenTypeAndReadIsGone() {
        redis.run("fixture", c -> c.set("brief", "x"));
        preview.afterType = () -> redis.run("expiry", c -> c.del("brief"));

        assertThat(look("brief").gone()).isTrue();
    }

    @Test
    void aUserWithoutMemoryAndObjectStillSeesTheValueWithTheFiguresUnknownAndWhy() throws Exception {
        redis.run("fixture", c -> c.set("k", "v"));
        try (RedisConnection limited = KeyDeletionTest.aclUser(redis, 0, "kp_nomem", " -memory -object")) {
            ValuePreview p = new KeyPreview(new RedisKeyspace(limited)).preview(b("k"), null, CancelSignal.NONE);

            assertThat(p.text()).isEqualTo("v");
            assertThat(p.memory().shown()).isEqualTo("unknown (the Redis user may not run MEMORY USAGE)");
            assertThat(p.encoding().shown()).isEqualTo("unknown (the Redis user may not run OBJECT ENCODING)");
        } finally {
            KeyDeletionTest.dropUser(redis, "kp_nomem");
        }
    }

    @Test
    void previewsCountTheirLookupsExactlyAsRedisDoes() {
        redis.run("fixture", c -> {
            c.set("s", "value");
            c.set("empty", "");
            for (int i = 0; i < 150; i++) c.rpush("l", "e" + i);
            c.hset("h", "a", "1");
            c.zadd("z", 1, "a");
            c.sadd("set", "a");
            c.xadd("x", Map.of("a", "1"));
            return null;
        });
        OwnLookups.Tally before = redis.lookups().snapshot().getOrDefault(node.id(), OwnLookups.Tally.ZERO);
        long[] info = hitsAndMisses();

        long uncertain = redis.lookups().uncertain();

        for (String k : List.of("s", "empty", "h", "z", "set", "x", "missing")) look(k);
        pages("l");

        long[] after = hitsAndMisses();
        OwnLookups.Tally own = redis.lookups().snapshot().get(node.id()).minus(before);
        assertThat(own).isEqualTo(new OwnLookups.Tally(after[0] - info[0], after[1] - info[1]));
        assertThat(redis.lookups().uncertain()).isEqualTo(uncertain);

        // Deleted between TYPE and STRLEN: STRLEN's 0 could be a miss or an empty string, and is tallied as uncertain.
        preview.afterType = () -> redis.run("writer", c -> c.del("s"));
        look("s");
        long[] last = hitsAndMisses();
        OwnLookups.Tally ownLast = redis.lookups().snapshot().get(node.id()).minus(before);
        long unknown = redis.lookups().uncertain() - uncertain;
        assertThat(unknown).isEqualTo(1);
        assertThat(ownLast.lookups() + unknown).isEqualTo(last[0] - info[0] + last[1] - info[1]);
    }

    static long[] hitsAndMisses() {
        var f = CacheChecks.parseInfo(redis.run("INFO", c -> c.info("stats")));
        return new long[]{Long.parseLong(f.get("keyspace_hits")), Long.parseLong(f.get("keyspace_misses"))};
    }
}
