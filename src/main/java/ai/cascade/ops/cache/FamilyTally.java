package ai.cascade.ops.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One family's figures while an inventory runs: counters, histograms, a few examples and the largest keys so far.
 * Holds no key beyond those kept as examples or as the largest; {@link #figures()} takes an immutable snapshot.
 */
final class FamilyTally {
    /** A key among the largest so far, kept as bytes and shown (masked) only in a snapshot. */
    private record Sized(byte[] key, long bytes, String type) {}

    private final String family;
    private long keys;
    private long bytes;
    private final long[] ttlBuckets = new long[Buckets.count()];
    private final long[] idleBuckets = new long[Buckets.count()];
    private long withoutTtl;
    private final List<String> withoutTtlExamples = new ArrayList<>();
    private final Map<String, Long> types = new HashMap<>();
    /** Smallest on top, so a larger key evicts it. */
    private final PriorityQueue<Sized> largest = new PriorityQueue<>(Comparator.comparingLong(Sized::bytes));

    FamilyTally(String family) {
        this.family = family;
    }

    String family() { return family; }

    /** A key SCAN returned, nothing more known of it (a COUNTS run). */
    void count() {
        keys++;
    }

    /**
     * A key inspected: {@code pttl} -1 for none (or null when unknown), {@code memory} and {@code idleSeconds}
     * null when unknown, {@code type} null when unknown.
     */
    void add(byte[] key, String type, Long pttl, Long memory, Long idleSeconds) {
        keys++;
        if (type != null) types.merge(type, 1L, Long::sum);
        if (pttl != null) {
            if (pttl < 0) {
                withoutTtl++;
                if (withoutTtlExamples.size() < FamilyFigures.EXAMPLES_KEPT) withoutTtlExamples.add(KeyText.shown(key));
            } else {
                ttlBuckets[Buckets.of(pttl)]++;
            }
        }
        if (idleSeconds != null) idleBuckets[Buckets.of(idleSeconds * 1000)]++;
        if (memory != null) {
            bytes += memory;
            keepIfLarge(key, memory, type);
        }
    }

    private void keepIfLarge(byte[] key, long memory, String type) {
        if (largest.size() < FamilyFigures.LARGEST_KEPT) {
            largest.add(new Sized(key.clone(), memory, type));
        } else if (memory > largest.peek().bytes()) {
            largest.poll();
            largest.add(new Sized(key.clone(), memory, type));
        }
    }

    long keys() { return keys; }

    FamilyFigures figures() {
        List<FamilyFigures.SizedKey> top = new ArrayList<>();
        for (Sized s : largest) top.add(new FamilyFigures.SizedKey(KeyText.shown(s.key()), s.bytes(), s.type() == null ? "" : s.type()));
        top.sort(Comparator.comparingLong(FamilyFigures.SizedKey::bytes).reversed());
        return new FamilyFigures(family, keys, bytes, asList(ttlBuckets), withoutTtl, withoutTtlExamples,
                asList(idleBuckets), types, top);
    }

    private static List<Long> asList(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) out.add(v);
        return out;
    }
}
