package ai.cascade.ops.venice;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The Redis key of a cached Venice answer, as VENICE-API.md's caching contract (shared with the backend) says:
 * {@code cascade:venice:{endpoint}:{params}}.
 * <ul>
 *   <li>{@code {endpoint}} is the path after the base URL without its leading slash, <em>as sent on the wire</em>:
 *   a username is one path segment, percent-encoded as UTF-8 with only RFC 3986's unreserved characters
 *   ({@code A-Z a-z 0-9 - . _ ~}) left as they are (what Python's {@code quote(s, safe='')} writes), so
 *   {@code Foscari_Banker} stays {@code citizens/Foscari_Banker} and {@code Dandolo Ca' d'Oro/ü} becomes
 *   {@code citizens/Dandolo%20Ca%27%20d%27Oro%2F%C3%BC}. The request is sent with exactly that segment, so the key
 *   names what was asked.</li>
 *   <li>{@code {params}} is the query: parameters sorted by name, each name and value URL-encoded (UTF-8, form
 *   encoding: {@link URLEncoder}, a space is {@code +}), joined by {@code &}; empty when there are none. The same
 *   text is the query string sent.</li>
 * </ul>
 * Example: {@code cascade:venice:get-ledger:citizenUsername=Foscari_Banker&format=json}.
 */
public final class VeniceCacheKey {
    public static final String PREFIX = "cascade:venice:";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private VeniceCacheKey() {}

    /** The key of {@code endpoint} (already encoded, no leading slash) asked with {@code params}. */
    public static String of(String endpoint, Map<String, String> params) {
        return PREFIX + endpoint + ":" + query(params);
    }

    /** The key of a citizen's profile, {@code GET /citizens/{username}}. */
    public static String citizen(String username) {
        return of(citizenPath(username), Map.of());
    }

    /** The key of a citizen's ledger, {@code GET /get-ledger?citizenUsername=…&format=json}. */
    public static String ledger(String username) {
        return of("get-ledger", ledgerParams(username));
    }

    static String citizenPath(String username) {
        return "citizens/" + segment(username);
    }

    static Map<String, String> ledgerParams(String username) {
        return Map.of("citizenUsername", username, "format", "json");
    }

    /** Parameters sorted by name, names and values form-encoded as UTF-8, joined by {@code &}. */
    public static String query(Map<String, String> params) {
        StringJoiner q = new StringJoiner("&");
        new TreeMap<>(params).forEach((k, v) -> q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return q.toString();
    }

    /** One path segment: UTF-8 bytes percent-encoded, except RFC 3986's unreserved characters. */
    public static String segment(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
