package ai.cascade.ops.database;

import java.util.Locale;

/**
 * What a person may give as the reason of an audited change: Postgres must store it exactly as typed (no NUL, no half
 * of a surrogate pair, which it would refuse or turn into '?'), trimmed, and the journal keeps at most
 * {@value #MAX_CHARS} characters. Every prompt for a reason and every service that records one asks here.
 */
public final class AuditReason {
    public static final int MAX_CHARS = 2000;

    private AuditReason() {}

    /** Why {@code typed} cannot be the reason, or null when it can (once trimmed). */
    public static String problem(String typed) {
        if (typed == null || typed.isBlank()) return "Give a reason: it is recorded in the audit log with the change.";
        String t = typed.strip();
        if (t.length() > MAX_CHARS)
            return String.format(Locale.ROOT, "The reason is %,d characters long; the audit log keeps at most %,d: shorten it.",
                    t.length(), MAX_CHARS);
        if (t.indexOf('\0') >= 0) return "The reason contains a NUL character, which the audit log cannot store: remove it.";
        if (PostgresText.hasBrokenSurrogate(t))
            return "The reason contains a broken character (half of an emoji or another two-part character): retype it.";
        return null;
    }
}
