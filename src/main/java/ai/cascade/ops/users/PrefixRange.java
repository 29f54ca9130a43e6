package ai.cascade.ops.users;

/**
 * An index range that holds every string starting with a prefix, so that a username prefix search
 * can use the plain btree index on {@code venice_username} under any collation ({@code LIKE 'x%'}
 * uses it only under C). The range may hold more than the prefix's strings; the query filters
 * exactly with {@code starts_with}.
 *
 * <ul>
 * <li>Byte order (C, POSIX, C.UTF-8, builtin): exact, [prefix, prefix with its last character raised).</li>
 * <li>ICU: [prefix, prefix + U+FFFF): CLDR gives U+FFFF the highest primary weight precisely so it can
 *     close such a range.</li>
 * <li>Other linguistic collations (glibc's en_US and the like) weigh punctuation and case at later
 *     levels, so the range is built from the prefix's leading letters and digits only, whose order is
 *     the alphabet's. A prefix starting with neither has no range: the query is bounded by its LIMIT
 *     and time limit instead.</li>
 * </ul>
 */
record PrefixRange(String lower, String upper) {
    /** How the username column's collation orders strings. */
    enum Ordering { BYTES, ICU, LINGUISTIC }

    private static final String ICU_MAX = "\uFFFF";

    static PrefixRange of(String prefix, Ordering ordering) {
        return switch (ordering) {
            case BYTES -> new PrefixRange(prefix, raised(prefix, false));
            case ICU -> new PrefixRange(prefix, prefix + ICU_MAX);
            case LINGUISTIC -> {
                int n = 0;
                while (n < prefix.length() && isAsciiAlnum(prefix.charAt(n))) n++;
                if (n == 0) yield new PrefixRange(null, null);
                String lead = prefix.substring(0, n);
                yield new PrefixRange(lead, raised(lead, true));
            }
        };
    }

    boolean indexed() { return lower != null; }

    /** The least string above every string that starts with {@code s}; null when there is none. */
    private static String raised(String s, boolean alphabetOnly) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() > 0) {
            int last = b.length() - 1;
            char c = b.charAt(last);
            if (alphabetOnly) {
                // '9', 'Z', 'z' have no next letter of their own class: carry to the character before
                if (c != '9' && c != 'Z' && c != 'z') {
                    b.setCharAt(last, (char) (c + 1));
                    return b.toString();
                }
            } else if (c != Character.MAX_VALUE && !Character.isSurrogate(c) && !Character.isSurrogate((char) (c + 1))) {
                b.setCharAt(last, (char) (c + 1));
                return b.toString();
            }
            b.setLength(last);
        }
        return null;
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
