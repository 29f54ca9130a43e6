package ai.cascade.ops.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks credentials for display and logs: only a short tail survives, never the head. */
public final class Secrets {
    private static final String DOTS = "\u2022\u2022\u2022\u2022";
    private static final Pattern SCHEME = Pattern.compile("^(?:jdbc:)?[a-zA-Z][a-zA-Z0-9+.-]*://");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("([?&]password=)[^&#]*");

    private Secrets() {}

    /** "sk_live_abc…wxyz" becomes "••••wxyz": the tail lets two keys be told apart, the prefix never shows. */
    public static String mask(String secret) {
        if (secret == null || secret.isEmpty()) return "";
        if (secret.length() <= 12) return DOTS;
        return DOTS + secret.substring(secret.length() - 4);
    }

    /**
     * Hides the password of user:password@ and of a {@code password=} query parameter in any URL; the rest stays
     * readable. The credentials end at the last "@" before the query, as {@link PostgresAddress} reads them, so an
     * unencoded "@" or "/" in a password is hidden too.
     */
    public static String maskUrl(String url) {
        if (url == null || url.isEmpty()) return "";
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1" + DOTS);
        Matcher scheme = SCHEME.matcher(masked);
        int start;
        if (scheme.find()) start = scheme.end();
        else {   // no valid scheme ("://user:pass@…", "user:pass@host"): still credentials, still hidden
            int separator = masked.indexOf("://");
            start = separator < 0 ? 0 : separator + 3;
        }
        // the last "@" anywhere: a "?" or "#" typed unencoded in a password must not end the credentials early
        // (an "@" in a query then hides a little more than needed, which is the safe side)
        int at = masked.lastIndexOf('@');
        if (at < start) return masked;
        int colon = masked.indexOf(':', start);
        if (colon < 0 || colon > at) return masked;
        return masked.substring(0, colon + 1) + DOTS + masked.substring(at);
    }
}
