package ai.cascade.ops.cache;

import java.util.List;

/**
 * One look at a key (issue #6, item 5): its metadata and one page of its value, every text already escaped and masked
 * for the screen. Collections come as rows under {@link #columns()}; a string as {@link #text()} in its {@link #form()}.
 *
 * @param shownKey   the key name as it may be shown ({@link KeyText#shown})
 * @param type       Redis' type ("string", "hash", "list", "set", "zset", "stream"), or "none" when the key is gone
 * @param ttlMillis  the remaining time to live, -1 without one, -2 when gone, null when unknown
 * @param memory     MEMORY USAGE in bytes, or why it is unknown
 * @param encoding   OBJECT ENCODING, or why it is unknown
 * @param length     STRLEN, HLEN, LLEN, SCARD, ZCARD or XLEN
 * @param page       this page's start; {@code next} the next one's, or null on the last page
 * @param notes      what a person should know: partial values, a type changed meanwhile, masking
 */
public record ValuePreview(byte[] key, String shownKey, String type, Long ttlMillis, Figure memory, Figure encoding,
                           long length, Form form, String text, List<String> columns, List<List<String>> rows,
                           PageStart page, PageStart next, List<String> notes) {
    public ValuePreview {
        key = key.clone();
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
    }

    /** How a string value is shown. */
    public enum Form { JSON, TEXT, HEX, NONE }

    /** A figure Redis may decline to give (no MEMORY or OBJECT for this user, an old server): the value or the reason. */
    public record Figure(String value, String unknownBecause) {
        public static Figure of(String value) { return new Figure(value, null); }

        public static Figure unknown(String why) { return new Figure(null, why); }

        public boolean known() { return value != null; }

        /** "ziplist", or "unknown (the Redis user may not run OBJECT)". */
        public String shown() { return known() ? value : "unknown (" + unknownBecause + ")"; }
    }

    /**
     * Where a page starts: an offset (list, sorted set), a SCAN cursor (hash, set) or a stream entry id, with the
     * page's number from 0. A start of another type than the key's now is ignored: the first page is shown.
     */
    public record PageStart(String type, String position, long number) {}

    /** The message shown for a key that vanished between listing and preview. */
    public static final String GONE = "The key no longer exists (it expired or was deleted).";

    public boolean gone() { return "none".equals(type); }

    public boolean hasNext() { return next != null; }

    public boolean hasPrevious() { return page != null && page.number() > 0; }
}
