package ai.cascade.ops.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The key families of the data contract (DATA-MODEL.md), by prefix. Venice responses form one family per endpoint
 * ({@code cascade:venice:get-ledger:}); anything else is "other".
 */
public final class KeyFamilies {
    public static final String SESSION = "cascade:session:";
    public static final String BLACKLIST = "cascade:blacklist:";
    public static final String RATELIMIT = "cascade:ratelimit:";
    public static final String PATTERNS = "cascade:patterns:";
    public static final String VENICE = "cascade:venice:";
    public static final String OTHER = "other";
    /** The fixed families in the contract's order; Venice endpoints follow them. */
    public static final List<String> CONTRACT = List.of(SESSION, BLACKLIST, RATELIMIT, PATTERNS, VENICE);
    /** Venice endpoints named apart at most; the rest share {@link #VENICE_MORE}, so a messy keyspace cannot grow the report without bound. */
    public static final int MAX_VENICE_ENDPOINTS = 64;
    public static final String VENICE_MORE = VENICE + "(other endpoints)";
    private static final int MAX_ENDPOINT_LENGTH = 64;

    private static final byte[][] FIXED = {bytes(SESSION), bytes(BLACKLIST), bytes(RATELIMIT), bytes(PATTERNS)};
    private static final byte[] VENICE_BYTES = bytes(VENICE);

    private KeyFamilies() {}

    /**
     * The family of {@code key}: one of the fixed prefixes, {@code cascade:venice:{endpoint}:} (or
     * {@code cascade:venice:} when the key has no endpoint part), or {@link #OTHER}.
     */
    public static String of(byte[] key) {
        for (byte[] f : FIXED) if (startsWith(key, f)) return new String(f, StandardCharsets.US_ASCII);
        if (!startsWith(key, VENICE_BYTES)) return OTHER;
        int end = -1;
        for (int i = VENICE_BYTES.length; i < key.length && i - VENICE_BYTES.length <= MAX_ENDPOINT_LENGTH; i++) {
            byte b = key[i];
            if (b == ':') { end = i; break; }
            if (b < 0x21 || b > 0x7e) return VENICE;   // not a printable endpoint name
        }
        if (end <= VENICE_BYTES.length) return VENICE;
        return new String(key, 0, end + 1, StandardCharsets.US_ASCII);
    }

    public static String of(String key) { return of(key.getBytes(StandardCharsets.UTF_8)); }

    /** Families whose key names end in a credential (a JWT id) or whose values hold one (a session's jti). */
    public static boolean holdsCredentials(String family) {
        return family.equals(SESSION) || family.equals(BLACKLIST);
    }

    /** Families whose key names end in a credential: the name itself is masked. */
    public static boolean nameIsCredential(String family) {
        return family.equals(BLACKLIST);
    }

    /** Every contract family is written with a TTL: a key without one is a leak. */
    public static boolean expires(String family) {
        return !family.equals(OTHER);
    }

    public static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (key[i] != prefix[i]) return false;
        return true;
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.US_ASCII); }
}
