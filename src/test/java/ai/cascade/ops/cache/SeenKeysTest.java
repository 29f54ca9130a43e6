package ai.cascade.ops.cache;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact set of keys an inventory has counted: the same answers as a HashSet, at a fraction of the memory. */
class SeenKeysTest {

    @Property(tries = 300)
    void answersAsAHashSetOfTheSameKeysWould(@ForAll("keyStreams") List<byte[]> keys) {
        SeenKeys seen = new SeenKeys(4);   // small, so the table grows many times
        Set<ByteBuffer> oracle = new HashSet<>();
        for (byte[] k : keys) {
            boolean fresh = oracle.add(ByteBuffer.wrap(k.clone()));
            assertThat(seen.add(k)).isEqualTo(fresh);
        }
        assertThat(seen.size()).isEqualTo(oracle.size());
        for (ByteBuffer k : oracle) assertThat(seen.contains(k.array())).isTrue();
        for (byte[] k : keys) {
            byte[] longer = new byte[k.length + 1];
            System.arraycopy(k, 0, longer, 0, k.length);
            assertThat(seen.contains(longer)).isEqualTo(oracle.contains(ByteBuffer.wrap(longer)));
        }
    }

    /** Keys from a small alphabet (so repeats and shared prefixes are common), empty ones, and some too long for a chunk. */
    @Provide
    Arbitrary<List<byte[]>> keyStreams() {
        Arbitrary<byte[]> small = Arbitraries.bytes().between((byte) 0, (byte) 3).array(byte[].class).ofMaxSize(6);
        Arbitrary<byte[]> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> huge = Arbitraries.bytes().between((byte) 'a', (byte) 'b').array(byte[].class).ofMinSize(300_000).ofMaxSize(300_002);
        Arbitrary<byte[]> key = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, small), net.jqwik.api.Tuple.of(10, binary), net.jqwik.api.Tuple.of(1, huge));
        return key.list().ofMaxSize(400).flatMap(distinct ->
                Arbitraries.integers().between(0, Math.max(0, distinct.size() - 1)).list().ofMaxSize(200)
                        .map(repeats -> {
                            List<byte[]> out = new java.util.ArrayList<>(distinct);
                            for (int i : repeats) if (!distinct.isEmpty()) out.add(distinct.get(i).clone());
                            java.util.Collections.shuffle(out, new java.util.Random(out.size()));
                            return out;
                        }));
    }

    @Test
    void aMillionKeysFitInAFewTensOfMegabytes() {
        int n = 1_000_000;
        SeenKeys seen = new SeenKeys(n);
        for (int i = 0; i < n; i++) assertThat(seen.add(key(i))).isTrue();
        for (int i = 0; i < n; i += 7) assertThat(seen.add(key(i))).isFalse();
        assertThat(seen.size()).isEqualTo(n);
        assertThat(seen.contains(key(n))).isFalse();

        double perKey = (double) seen.footprintBytes() / n;
        double keyLength = (double) seen.keyBytes() / n;
        System.out.printf("SeenKeys: %,d keys of %.1f bytes on average: %,d bytes held, %.1f bytes/key%n",
                n, keyLength, seen.footprintBytes(), perKey);
        // the key's bytes, a length byte, and a table slot of 8 bytes at most 60% full (about 14 bytes)
        assertThat(perKey).isLessThan(keyLength + 30);
        assertThat(seen.footprintBytes()).isLessThan(100L * 1024 * 1024);
    }

    @Test
    void sizedUpFrontForTheExpectedKeysItDoesNotGrowOnTheWay() {
        SeenKeys seen = new SeenKeys(1000);
        long before = seen.footprintBytes();
        for (int i = 0; i < 1000; i++) seen.add(key(i));
        long tableAfter = seen.footprintBytes() - ((1 << 20) + 16 + 8);   // one chunk of key bytes and its reference
        assertThat(tableAfter).isEqualTo(before);
    }

    private static byte[] key(int i) {
        return ("cascade:session:" + i + ":a5f3c6a11b03839d").getBytes(StandardCharsets.US_ASCII);
    }
}
