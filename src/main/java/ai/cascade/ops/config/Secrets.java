package ai.cascade.ops.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks credentials for display and logs: only a short tail survives, never the head. */
public final class Secrets {
    private static final String DOTS = "\u2022\u2022\u2022\u2022";
    private static final Pattern URL_PASSWORD = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^@/?#]*)@");

    private Secrets() {}

    /** "sk_live_abc…wxyz" becomes "••••wxyz": the tail lets two keys be told apart, the prefix never shows. */
    public static String mask(String secret) {
        if (secret == null || secret.isEmpty()) return "";
        if (secret.length() <= 12) return DOTS;
        return DOTS + secret.substring(secret.length() - 4);
    }

    /** Hides the password of user:password@ in any URL; the rest stays readable. */
    public static String maskUrl(String url) {
        if (url == null || url.isEmpty()) return "";
        Matcher m = URL_PASSWORD.matcher(url);
        if (!m.find()) return url;
        String userInfo = m.group(2);
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":" + DOTS;
        return m.group(1) + masked + "@" + url.substring(m.end());
    }
}
