package ai.cascade.ops.cache;

import java.util.List;
import java.util.Map;

/**
 * One key family in an inventory. {@code ttlBuckets} and {@code idleBuckets} count keys per {@link Buckets} label;
 * keys without a TTL are counted in {@code withoutTtl} only. Figures the run did not learn (a COUNTS run, MEMORY
 * refused, an LFU policy hiding idle time) are zero, and the report says which were learnt.
 *
 * @param withoutTtlExamples a few keys without TTL, as {@link KeyText#shown} shows them
 * @param types              keys per Redis type ("string", "hash", ...)
 * @param largest            the family's largest keys by memory, largest first (at most {@link #LARGEST_KEPT})
 */
public record FamilyFigures(String family, long keys, long bytes, List<Long> ttlBuckets, long withoutTtl,
                            List<String> withoutTtlExamples, List<Long> idleBuckets, Map<String, Long> types,
                            List<SizedKey> largest) {
    public static final int LARGEST_KEPT = 10;
    public static final int EXAMPLES_KEPT = 20;

    /** A key with its memory and type, for "what uses the memory". */
    public record SizedKey(String shown, long bytes, String type) {}

    public FamilyFigures {
        ttlBuckets = List.copyOf(ttlBuckets);
        withoutTtlExamples = List.copyOf(withoutTtlExamples);
        idleBuckets = List.copyOf(idleBuckets);
        types = Map.copyOf(types);
        largest = List.copyOf(largest);
    }

    /** A leak: a family the contract writes with a TTL holds keys without one. */
    public boolean leaks() { return KeyFamilies.expires(family) && withoutTtl > 0; }
}
