package ai.cascade.ops.cache;

import java.util.Map;

/**
 * The SCAN COUNT that keeps each call's server-side time (what SLOWLOG measures) well under a millisecond on this
 * server, today: measured, not guessed. What a key costs SCAN varies several-fold with the server version, keys
 * with TTLs (Redis 7 checks each one's expiry), a table mid-rehash, and how busy the machine is; so the count
 * starts modest and follows {@code INFO commandstats}' time spent in SCAN per key returned.
 */
final class ScanPace {
    /** Aimed-for server time per SCAN call: a spike of twice this still stays under a millisecond. */
    static final double TARGET_MICROS = 400;
    static final int MIN_COUNT = 100;
    static final int MAX_COUNT = 2000;
    static final int START_COUNT = 500;

    private final boolean adaptive;
    private int count;
    private long lastCalls = -1;
    private long lastMicros;
    private long lastReturned;

    private ScanPace(int count, boolean adaptive) {
        this.count = count;
        this.adaptive = adaptive;
    }

    static ScanPace adaptive() { return new ScanPace(START_COUNT, true); }

    static ScanPace fixed(int count) { return new ScanPace(count, false); }

    boolean isAdaptive() { return adaptive; }

    int count() { return count; }

    /**
     * A reading of {@code INFO commandstats} taken when this scan's SCAN calls had returned {@code returned} keys.
     * The first reading is the baseline; later ones set the count from the time per key since the previous one.
     */
    void measured(String commandstats, long returned) {
        if (!adaptive || commandstats == null) return;
        String scan = CacheChecks.parseInfo(commandstats).get("cmdstat_scan");
        if (scan == null) return;
        Map<String, String> fields = new java.util.HashMap<>();
        for (String pair : scan.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) fields.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        long calls, micros;
        try {
            calls = Long.parseLong(fields.getOrDefault("calls", "-1"));
            micros = Long.parseLong(fields.getOrDefault("usec", "-1"));
        } catch (NumberFormatException e) {
            return;
        }
        if (calls < 0 || micros < 0) return;
        if (lastCalls >= 0 && calls > lastCalls && micros >= lastMicros && returned > lastReturned) {
            double perKey = (double) (micros - lastMicros) / (returned - lastReturned);
            double wanted = perKey <= 0 ? MAX_COUNT : TARGET_MICROS / perKey;
            // halfway towards it: one noisy window should not swing the count
            count = (int) Math.max(MIN_COUNT, Math.min(MAX_COUNT, (count + wanted) / 2));
        }
        lastCalls = calls;
        lastMicros = micros;
        lastReturned = returned;
    }
}
