package ai.cascade.ops.config;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits the password out of a connection URL so the form can show it in a masked field, and puts it
 * back (percent-encoded) when the profile is saved. The URL pasted as the backend writes it still works.
 */
public final class UrlCredentials {
    private static final Pattern USER_INFO = Pattern.compile("^((?:jdbc:)?[a-zA-Z][a-zA-Z0-9+.-]*://)([^@/?#]*)@");   // jdbc: too: PostgresAddress takes it

    public record Split(String url, String password) {}

    private UrlCredentials() {}

    public static Split split(String url) {
        if (url == null || url.isBlank()) return new Split("", "");
        Matcher m = USER_INFO.matcher(url.strip());
        if (!m.find()) return new Split(url.strip(), "");
        String info = m.group(2);
        int colon = info.indexOf(':');
        if (colon < 0) return new Split(url.strip(), "");
        String password;
        try {
            password = URLDecoder.decode(info.substring(colon + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Split(url.strip(), "");   // left as typed; the parser will explain the broken escape
        }
        String rest = url.strip().substring(m.end());
        String user = info.substring(0, colon);
        return new Split(m.group(1) + (user.isEmpty() ? "" : user + "@") + rest, password);
    }

    public static String join(String url, String password) {
        if (url == null || url.isBlank()) return "";
        if (password == null || password.isEmpty()) return url.strip();
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        Matcher m = USER_INFO.matcher(url.strip());
        if (m.find()) {
            String user = m.group(2);
            int colon = user.indexOf(':');
            if (colon >= 0) user = user.substring(0, colon);
            return m.group(1) + user + ":" + encoded + "@" + url.strip().substring(m.end());
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) return url.strip();
        return url.substring(0, scheme + 3) + ":" + encoded + "@" + url.substring(scheme + 3).strip();
    }
}
