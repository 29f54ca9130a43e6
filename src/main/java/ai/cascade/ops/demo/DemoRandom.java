package ai.cascade.ops.demo;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic randomness for the demo data: every row draws from its own stream, derived from
 * the seed, the table and the row's index, so one table can be regenerated without the others.
 */
final class DemoRandom {
    static final long USERS = 1, SUBSCRIPTIONS = 2, PATTERNS = 3, COLLABORATIONS = 4, CUSTOMER_IDS = 5, SUBSCRIPTION_IDS = 6,
            USER_TEXT = 7, REDIS = 8;

    private static final char[] ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private DemoRandom() {}

    /** MurmurHash3's finaliser: a bijection on 64-bit values, so distinct inputs stay distinct. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The stream of one row; seeds are scattered by {@link #mix} so neighbouring rows' streams do not overlap. */
    static SplittableRandom forRow(long seed, long table, long index) {
        return new SplittableRandom(mix(mix(seed ^ table * 0x9E3779B97F4A7C15L) + index));
    }

    /**
     * A Stripe-style id ({@code cus_}, {@code sub_} + 14 alphanumerics) that is unique per {@code key}:
     * 3 random characters, then 11 base-62 digits of a bijective scramble of the key.
     */
    static String stripeId(String prefix, long seed, long family, long key, SplittableRandom rnd) {
        StringBuilder b = new StringBuilder(prefix.length() + 14).append(prefix);
        for (int i = 0; i < 3; i++) b.append(ALPHANUMERIC[rnd.nextInt(ALPHANUMERIC.length)]);
        long v = mix(key + mix(seed ^ family));
        for (int i = 0; i < 11; i++) {  // least significant digit first: the last one carries the skew of 2^64 < 62^11
            b.append(ALPHANUMERIC[(int) Long.remainderUnsigned(v, 62)]);
            v = Long.divideUnsigned(v, 62);
        }
        return b.toString();
    }

    /** A version-4 UUID from the row's stream (gen_random_uuid() would not be reproducible). */
    static UUID uuid(SplittableRandom rnd) {
        long hi = (rnd.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lo = (rnd.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(hi, lo);
    }

    static <T> T pick(SplittableRandom rnd, T[] items) {
        return items[rnd.nextInt(items.length)];
    }

    /** An index drawn with the given relative weights. */
    static int weighted(SplittableRandom rnd, double[] weights) {
        double total = 0;
        for (double w : weights) total += w;
        double r = rnd.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.length - 1;
    }

    /** A duration in seconds between {@code from} and {@code to}. */
    static long seconds(SplittableRandom rnd, long from, long to) {
        return to <= from ? from : from + rnd.nextLong(to - from);
    }
}
