package ai.cascade.ops.testing;

/** Facts about generated text that the fuzz properties filter on. */
public final class Unicode {
    private Unicode() {}

    /**
     * True when every surrogate in {@code s} is half of a pair: text a person can type, paste or keep in a file name.
     * A lone half becomes '?' or a replacement character on the way to a file, a URL or a server, and the round trip
     * the properties check would fail for a reason that is not the code's.
     */
    public static boolean wholeCodePoints(String s) {
        return !ai.cascade.ops.database.PostgresText.hasBrokenSurrogate(s);
    }
}
