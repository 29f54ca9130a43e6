package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.testing.TestServers;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Whatever is typed into the key browser's search, against the real Redis: a literal search finds exactly the keys
 * written that start with the typed bytes (Java's startsWith is the oracle, so a glob character that escaped into
 * SCAN MATCH shows as a missing or extra key), and a pattern search finds only keys that exist. Never an exception,
 * never a failed search, never a hang.
 */
class KeyPatternFuzzTest {
    /** Glob syntax, its escape, and text that tends to break things. */
    private static final String NASTY = "ab:*?[]\\^-!%_'\" \n\t\u0000é\u05e9\u202e😀";
    private static RedisConnection redis;
    private static KeySearch search;
    private static final List<byte[]> written = new ArrayList<>();
    private static final List<String> writtenText = new ArrayList<>();

    @BeforeContainer
    static void fill() {
        redis = TestServers.freshRedis();
        RedisKeyspace keyspace = new RedisKeyspace(redis);
        search = new KeySearch(keyspace);
        List<String> keys = new ArrayList<>(List.of("cascade:venice:citizens/[x]", "cascade:venice:citizens/x",
                "a*b", "axb", "a?c", "abc", "a\\d", "a\\\\d", "[abc]", "a", "b", "x]y", "x\\]y", "^-!", "100%", "1_0",
                "key\nline", "nul\u0000byte", "RTL \u202e\u05e9\u05dc\u05d5\u05dd", "emoji 😀 key", "é", "e",
                "cascade:session:42", "cascade:blacklist:abc", "*", "?", "[", "]", "\\", "long:" + "x".repeat(5_000)));
        Random random = new Random(9);
        for (int i = 0; i < 300; i++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + random.nextInt(8);
            for (int j = 0; j < n; j++) b.appendCodePoint(NASTY.codePointAt(NASTY.offsetByCodePoints(0, random.nextInt(NASTY.codePointCount(0, NASTY.length())))));
            keys.add(b.toString());
        }
        Set<ByteBuffer> distinct = new HashSet<>();
        for (String k : keys) {
            byte[] bytes = k.getBytes(StandardCharsets.UTF_8);
            if (!distinct.add(ByteBuffer.wrap(bytes))) continue;
            written.add(bytes);
            writtenText.add(k);
        }
        RedisNode node = keyspace.refresh().masters().get(0);
        redis.runBytes(node, "writing the fuzz keys", c -> {
            for (byte[] k : written) c.set(k, "v".getBytes(StandardCharsets.UTF_8));
            return null;
        });
        // the oracle counts what it wrote; make sure Redis holds exactly that
        long stored = redis.run("counting", c -> c.dbsize());
        assertThat(stored).isEqualTo(written.size());
    }

    @AfterContainer
    static void close() {
        redis.close();
    }

    @Property(tries = 300, seed = "20261125")
    void aLiteralSearchFindsExactlyTheKeysStartingWithTheTypedText(@ForAll("typed") String typed) {
        KeyPattern pattern = KeyPattern.of(typed, false);
        byte[] prefix = pattern.typed();
        Set<ByteBuffer> want = new HashSet<>();
        for (byte[] k : written) if (startsWith(k, prefix)) want.add(ByteBuffer.wrap(k));

        Set<ByteBuffer> got = new HashSet<>();
        KeySearch.Outcome o = run(pattern, got);

        assertThat(o.status()).as("search for [%s]: %s", typed, o.message()).isEqualTo(KeySearch.Status.FINISHED);
        assertThat(got).as("literal search for [%s]", typed).isEqualTo(want);
        assertThat(o.found()).isEqualTo(want.size());
        assertThat(o.message()).isNotBlank();
    }

    @Property(tries = 200, seed = "20261125")
    void aPatternSearchFindsOnlyKeysThatExistAndNeverFails(@ForAll("typed") String typed) {
        KeyPattern pattern = KeyPattern.of(typed, true);
        Set<ByteBuffer> got = new HashSet<>();
        KeySearch.Outcome o = run(pattern, got);
        Set<ByteBuffer> all = new HashSet<>();
        for (byte[] k : written) all.add(ByteBuffer.wrap(k));

        assertThat(o.status()).as("pattern [%s]: %s", typed, o.message()).isEqualTo(KeySearch.Status.FINISHED);
        assertThat(all).as("pattern [%s]", typed).containsAll(got);
        // a pattern with no glob character at all matches only the key of exactly that name
        byte[] bytes = typed.getBytes(StandardCharsets.UTF_8);   // a lone surrogate encodes as '?': judge the bytes sent
        boolean plain = true;
        for (byte b : bytes) plain &= "*?[]\\".indexOf(b) < 0;
        if (plain && bytes.length > 0) {
            ByteBuffer exact = ByteBuffer.wrap(bytes);
            assertThat(got).as("pattern [%s]", typed).isEqualTo(all.contains(exact) ? Set.of(exact) : Set.of());
        }
    }

    @Property(tries = 1000, seed = "20261125")
    void theEscapedMatchReadsBackAsTheTypedBytes(@ForAll("typed") String typed) {
        byte[] typedBytes = typed.getBytes(StandardCharsets.UTF_8);
        byte[] match = KeyPattern.of(typed, false).match();
        // Unescape as Redis' stringmatchlen does: a backslash takes the next byte literally; the rest must be one '*'.
        List<Byte> literal = new ArrayList<>();
        int i = 0;
        for (; i < match.length - 1; i++) {
            byte b = match[i];
            assertThat("*?[]".indexOf(b)).as("unescaped glob byte at %d of [%s]", i, typed).isNegative();
            if (b == '\\') b = match[++i];
            literal.add(b);
        }
        assertThat(match[match.length - 1]).isEqualTo((byte) '*');
        byte[] back = new byte[literal.size()];
        for (int j = 0; j < back.length; j++) back[j] = literal.get(j);
        assertThat(back).isEqualTo(typedBytes);
        assertThat(KeyPattern.of(typed, false).describe()).doesNotContain("\u0000");
    }

    private static KeySearch.Outcome run(KeyPattern pattern, Set<ByteBuffer> got) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> search.search(pattern, CancelSignal.NONE,
                batch -> batch.forEach(k -> assertThat(got.add(ByteBuffer.wrap(k))).as("key handed over twice").isTrue()),
                p -> {}));
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (key[i] != prefix[i]) return false;
        return true;
    }

    @Provide
    Arbitrary<String> typed() {
        Arbitrary<String> prefixes = Arbitraries.of(writtenText)
                .flatMap(k -> Arbitraries.integers().between(0, Math.min(k.length(), 40)).map(n -> k.substring(0, n)));
        Arbitrary<String> nasty = Arbitraries.strings().withChars(NASTY.replace("😀", "")).ofMaxLength(8);
        Arbitrary<String> globs = Arbitraries.of("*", "?", "[", "]", "\\", "[a-z]*", "a*", "a\\*b", "[^a]*", "\\", "a\\",
                "[", "[]", "[!]", "[a-", "**", "*?*?*", "x\\]y", "a\\\\d", "😀", "\u202e", "\u0000", "%", "_", "'", "\"");
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(6);
        Arbitrary<String> huge = Arbitraries.of("long:" + "x".repeat(5_000), "long:" + "x".repeat(4_999) + "*",
                "*".repeat(3_000), "[".repeat(3_000), "\\".repeat(3_001), "?".repeat(10_000));
        return Arbitraries.frequencyOf(Tuple.of(5, prefixes), Tuple.of(4, nasty), Tuple.of(2, globs), Tuple.of(2, anyUnicode),
                Tuple.of(1, huge));
    }
}
