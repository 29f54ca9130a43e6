package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.testing.TestServers;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The search field's text as SCAN MATCH: literal by default, on a real Redis against Java's startsWith. */
class KeyPatternTest {
    /** Glob characters, a backslash, ordinary letters, a newline and a byte that is not UTF-8. */
    private static final byte[] ALPHABET = {'*', '?', '[', ']', '\\', '^', '-', 'a', 'b', ':', '\n', (byte) 0xff};
    static RedisConnection redis;
    static KeySearch search;

    @BeforeContainer
    static void start() {
        redis = TestServers.freshRedis();
        search = new KeySearch(new RedisKeyspace(redis), 100_000, 1000);
    }

    @AfterContainer
    static void stop() {
        redis.close();
    }

    @Provide
    Arbitrary<byte[]> names() {
        return Arbitraries.of(toList(ALPHABET)).list().ofMaxSize(5).map(KeyPatternTest::bytes);
    }

    @Provide
    Arbitrary<List<byte[]>> keySets() {
        return names().list().ofMaxSize(12);
    }

    @Property(tries = 150)
    void aLiteralSearchFindsExactlyTheKeysStartingWithTheTextNeverMore(@ForAll("names") byte[] typed,
                                                                       @ForAll("keySets") List<byte[]> tails) {
        redis.run("flush", c -> c.flushall());
        Set<ByteBuffer> written = new HashSet<>();
        for (byte[] tail : tails) {
            written.add(ByteBuffer.wrap(tail));
            written.add(ByteBuffer.wrap(concat(typed, tail)));   // some keys that do start with the text
        }
        written.add(ByteBuffer.wrap(concat(typed, new byte[]{'x'})));
        RedisNode node = new RedisKeyspace(redis).topology().masters().get(0);
        redis.runBytes(node, "fixture", c -> {
            for (ByteBuffer k : written) c.set(k.array(), new byte[]{'v'});
            return null;
        });

        Set<ByteBuffer> expected = new HashSet<>();
        for (ByteBuffer k : written) if (KeyFamilies.startsWith(k.array(), typed)) expected.add(k);
        Set<ByteBuffer> found = new HashSet<>();
        KeySearch.Outcome outcome = search.search(KeyPattern.prefix(typed), CancelSignal.NONE,
                keys -> keys.forEach(k -> found.add(ByteBuffer.wrap(k))), p -> { });

        assertThat(outcome.status()).isEqualTo(KeySearch.Status.FINISHED);
        assertThat(found).isEqualTo(expected);
        assertThat(outcome.found()).isEqualTo(expected.size());
    }

    @Example
    void globCharactersTypedAreEscapedAndTheTextBecomesAPrefix() {
        KeyPattern p = KeyPattern.of("cascade:venice:citizens/[x]*?\\", false);
        assertThat(new String(p.match(), StandardCharsets.UTF_8)).isEqualTo("cascade:venice:citizens/\\[x\\]\\*\\?\\\\*");
        assertThat(p.exactKey()).map(b -> new String(b, StandardCharsets.UTF_8)).contains("cascade:venice:citizens/[x]*?\\");
        assertThat(p.isGlob()).isFalse();
    }

    @Example
    void aPatternAskedForIsUsedAsTyped() {
        KeyPattern p = KeyPattern.of("cascade:*:1?", true);
        assertThat(new String(p.match(), StandardCharsets.UTF_8)).isEqualTo("cascade:*:1?");
        assertThat(p.exactKey()).isEmpty();
        assertThat(p.describe()).contains("pattern").contains("cascade:*:1?");
    }

    @Example
    void emptyTextMatchesEveryKey() {
        assertThat(new String(KeyPattern.of("", false).match(), StandardCharsets.UTF_8)).isEqualTo("*");
        assertThat(new String(KeyPattern.of("", true).match(), StandardCharsets.UTF_8)).isEqualTo("*");
        assertThat(KeyPattern.of("", false).exactKey()).isEmpty();
    }

    @Example
    void multiByteCharactersAreLeftWholeAndTheDescriptionMasksACredentialPrefix() {
        KeyPattern p = KeyPattern.of("cascade:blacklist:3f9a7c21-jti", false);
        assertThat(p.describe()).doesNotContain("3f9a7c21-jti").contains("cascade:blacklist:");
        assertThat(KeyPattern.escaped("é*".getBytes(StandardCharsets.UTF_8))).isEqualTo("é\\*".getBytes(StandardCharsets.UTF_8));
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> out = new ArrayList<>();
        for (byte x : b) out.add(x);
        return out;
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = list.get(i);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
