package ai.cascade.ops.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads fields of JSON written by others (the backend's session values, Venice's answers) without
 * trusting their shape: a missing, null or mistyped field is null, never an exception.
 */
public final class LenientJson {
    private LenientJson() {}

    /** The value as a JSON object, or null when it is not one (not JSON, or an array or a scalar). */
    public static JsonObject object(String text) {
        if (text == null) return null;
        try {
            JsonElement e = JsonParser.parseString(text);
            return e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (JsonParseException e) {   // Gson reports deeply nested input this way too
            return null;
        }
    }

    /** The strings (and numbers, as written) of a JSON array; empty for anything else. */
    public static List<String> strings(String text) {
        if (text == null) return List.of();
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonArray()) return List.of();
            List<String> out = new ArrayList<>();
            for (JsonElement item : e.getAsJsonArray()) if (item.isJsonPrimitive()) out.add(item.getAsString());
            return List.copyOf(out);
        } catch (JsonParseException e) {
            return List.of();
        }
    }

    public static JsonObject child(JsonObject o, String name) {
        JsonElement e = o == null ? null : o.get(name);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static JsonPrimitive primitive(JsonObject o, String name) {
        JsonElement e = o == null ? null : o.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsJsonPrimitive() : null;
    }

    /** A string, or a number or boolean as written; null for objects, arrays and null. */
    public static String text(JsonObject o, String name) {
        JsonPrimitive p = primitive(o, name);
        return p == null ? null : p.getAsString();
    }

    public static Double number(JsonObject o, String name) {
        JsonPrimitive p = primitive(o, name);
        if (p == null) return null;
        try {
            double d = p.isNumber() ? p.getAsDouble() : Double.parseDouble(p.getAsString().trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static Long whole(JsonObject o, String name) {
        Double d = number(o, name);
        return d == null || d.isNaN() || d.isInfinite() || d != Math.rint(d) ? null : d.longValue();
    }

    public static Boolean bool(JsonObject o, String name) {
        JsonPrimitive p = primitive(o, name);
        if (p == null) return null;
        if (p.isBoolean()) return p.getAsBoolean();
        String s = p.getAsString().trim();
        return s.equalsIgnoreCase("true") ? Boolean.TRUE : s.equalsIgnoreCase("false") ? Boolean.FALSE : null;
    }

    /** ISO-8601 with or without an offset (without one it is UTC, as CASCADE writes), or Unix seconds. */
    public static Instant instant(JsonObject o, String name) {
        JsonPrimitive p = primitive(o, name);
        if (p == null) return null;
        if (p.isNumber()) return epoch(p.getAsDouble());
        String s = p.getAsString().trim();
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return epoch(Double.parseDouble(s));
                } catch (NumberFormatException notNumber) {
                    return null;
                }
            }
        }
    }

    /** Unix seconds; a value too large to be seconds in this millennium is taken as milliseconds. */
    private static Instant epoch(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) return null;
        long v = (long) value;
        return Math.abs(v) > 100_000_000_000L ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
    }

    /** Text cut to {@code max} characters, saying how long it was: values from outside can be huge. */
    public static String shortened(String s, int max) {
        if (s == null || s.length() <= max) return s;
        return s.substring(0, max) + "… (" + s.length() + " characters)";
    }
}
