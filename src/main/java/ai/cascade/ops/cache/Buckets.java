package ai.cascade.ops.cache;

import java.util.List;

/** The fixed bounds of the TTL and idle-time histograms, so every family, run and export compares bucket by bucket. */
public final class Buckets {
    /** Upper bounds in seconds; the last bucket is open. */
    static final long[] BOUNDS_SECONDS = {60, 300, 900, 3_600, 21_600, 86_400};
    public static final List<String> LABELS = List.of("< 1 min", "1–5 min", "5–15 min", "15 min–1 h", "1–6 h", "6–24 h", "≥ 1 day");

    private Buckets() {}

    /** The bucket of a duration in milliseconds (a TTL from PTTL, or an idle time × 1000). */
    public static int of(long millis) {
        long s = millis / 1000;
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) if (s < BOUNDS_SECONDS[i]) return i;
        return BOUNDS_SECONDS.length;
    }

    public static int count() { return LABELS.size(); }
}
