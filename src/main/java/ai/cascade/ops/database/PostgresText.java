package ai.cascade.ops.database;

/** What text Postgres can store exactly: it refuses a NUL, and a lone half of a surrogate pair reaches it as '?'. */
public final class PostgresText {
    private PostgresText() {}

    /** True when some surrogate in {@code s} is not half of a pair. */
    public static boolean hasBrokenSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return true;
                i++;
            } else if (Character.isLowSurrogate(c)) return true;
        }
        return false;
    }
}
