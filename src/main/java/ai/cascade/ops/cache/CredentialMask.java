package ai.cascade.ops.cache;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials inside values (DATA-MODEL.md: a session's {@code jti}, tokens, passwords) masked before a value reaches
 * the screen: in parsed JSON by field name, and in any other text (a value cut short, JSON inside a list element) by
 * the {@code "name": "value"} shape, so a session value that is not valid JSON is masked too.
 */
public final class CredentialMask {
    /** Field names whose values are credentials, compared without case. */
    public static final Set<String> FIELDS = Set.of("jti", "token", "access_token", "refresh_token", "password", "secret");
    public static final String NOTE = "Credentials (token ids, tokens, passwords) are masked.";
    /** {@code "jti" : "…"}, the closing quote optional: a value cut at the read limit is masked to its end. */
    private static final Pattern IN_TEXT = Pattern.compile(
            "(\"(?:jti|token|access_token|refresh_token|password|secret)\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)",
            Pattern.CASE_INSENSITIVE);

    private CredentialMask() {}

    public static boolean isCredentialName(String field) {
        return FIELDS.contains(field.toLowerCase(Locale.ROOT));
    }

    /** A credential as shown: its first few characters ({@link KeyText#maskCredential}), or "…" when very short. */
    public static String masked(String secret) {
        String m = KeyText.maskCredential(secret);
        return m.isEmpty() && secret != null && !secret.isEmpty() ? "…" : m;
    }

    /** The text with every {@code "credential": "value"} masked. */
    public static String inText(String text) {
        Matcher m = IN_TEXT.matcher(text);
        if (!m.find()) return text;
        StringBuilder out = new StringBuilder(text.length());
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + masked(m.group(2))));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The text pretty-printed with credentials masked when it is one JSON object or array and nothing else (strict
     * JSON: a bare word or a value with trailing bytes is not); null otherwise.
     */
    public static String prettyJson(String text) {
        JsonElement tree = parse(text);
        if (tree == null) return null;
        mask(tree);
        return print(tree);
    }

    /** The same without masking, to tell whether masking changed anything. */
    static String prettyJsonUnmasked(String text) {
        JsonElement tree = parse(text);
        return tree == null ? null : print(tree);
    }

    private static String print(JsonElement tree) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(tree);
    }

    private static JsonElement parse(String text) {
        String t = text.strip();
        if (!(t.startsWith("{") || t.startsWith("["))) return null;
        try (JsonReader reader = new JsonReader(new StringReader(t))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement tree = JsonParser.parseReader(reader);
            return reader.peek() == JsonToken.END_DOCUMENT ? tree : null;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            return null;
        }
    }

    private static void mask(JsonElement e) {
        if (e instanceof JsonObject o) {
            for (Map.Entry<String, JsonElement> f : o.entrySet()) {
                if (isCredentialName(f.getKey()) && f.getValue().isJsonPrimitive())
                    f.setValue(new JsonPrimitive(masked(f.getValue().getAsString())));
                else mask(f.getValue());
            }
        } else if (e instanceof JsonArray a) {
            for (JsonElement x : a) mask(x);
        }
    }
}
